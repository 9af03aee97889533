// Links from an alert to the AWS console. Pure.
//
// The event's page in CloudTrail event history is `https://<region>.console.aws.amazon.com/cloudtrail/home?region=
// <region>#/events/<eventId>` (the form the console itself links to). Event history is per Region, so the link
// names the event's own Region. GovCloud and China Regions have their own console hosts.

function consoleOrigin(region: string): string {
  if (region.startsWith('us-gov-')) return 'https://console.amazonaws-us-gov.com';
  if (region.startsWith('cn-')) return 'https://console.amazonaws.cn';
  return `https://${region}.console.aws.amazon.com`;
}

const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/** The event in the CloudTrail console, or null when the Region is not one (it comes from the record). */
export function cloudTrailEventUrl(region: string, eventId: string): string | null {
  if (!REGION.test(region) || eventId.length === 0) return null;
  return `${consoleOrigin(region)}/cloudtrail/home?region=${region}#/events/${encodeURIComponent(eventId)}`;
}
