// Without a logging multi-region trail that records global service events, root sign-ins and IAM changes leave no durable record.
import type { Check, FactError, Trail } from '../model.js';
import { couldNotTell } from './support/fact-errors.js';
import { cisAwsFoundations, securityHubControl } from './support/references.js';

function names(trails: readonly Trail[]): string {
  const listed = trails.slice(0, 3).map((trail) => trail.name).join(', ');
  return trails.length > 3 ? `${listed} and ${trails.length - 3} more` : listed;
}

export const cloudtrailMultiRegion: Check = {
  id: 'cloudtrail-multi-region',
  title: 'A multi-region CloudTrail trail is logging, with global service events',
  severity: 'high',
  references: [cisAwsFoundations('3.0', '3.1'), cisAwsFoundations('7.0', '4.1'), securityHubControl('CloudTrail.1')],
  remediation: {
    text: 'Create a multi-region trail (`aws cloudtrail create-trail --name <name> --s3-bucket-name <bucket> --is-multi-region-trail`, or an organization trail from the management account) and start it with `aws cloudtrail start-logging --name <name>`.',
    url: 'https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-create-and-update-a-trail-by-using-the-aws-cli-create-trail.html',
  },
  evaluate(facts) {
    if (!facts.trails.ok) return couldNotTell([facts.trails.error]);
    const trails = facts.trails.value;
    if (trails.length === 0) return { status: 'fail', evidence: 'No CloudTrail trails: nothing records account activity beyond the 90-day event history' };

    const multiRegion = trails.filter((trail) => trail.isMultiRegionTrail);
    if (multiRegion.length === 0) {
      return { status: 'fail', evidence: `${trails.length} trail(s) (${names(trails)}), none multi-region: activity in other regions is not recorded` };
    }

    const complete = multiRegion.find((trail) => trail.isLogging === true && trail.includeGlobalServiceEvents);
    if (complete) {
      const kind = complete.isOrganizationTrail ? 'organization trail' : 'multi-region trail';
      return { status: 'pass', evidence: `${kind} ${complete.name} (home ${complete.homeRegion}) is logging, with global service events` };
    }

    // No complete trail: an unreadable status could hide one, so say so before blaming a stopped trail.
    const unreadable = multiRegion.filter((trail) => trail.isLogging === null);
    if (unreadable.length > 0) {
      const errors = unreadable.map((trail): FactError => trail.statusError ?? { action: 'cloudtrail:GetTrailStatus', code: 'Unknown', message: `no status for trail ${trail.name}` });
      return couldNotTell(errors, `logging status of multi-region trail(s) ${names(unreadable)} unknown`);
    }
    const stopped = multiRegion.filter((trail) => trail.isLogging === false);
    if (stopped.length > 0) return { status: 'fail', evidence: `Multi-region trail(s) ${names(stopped)} stopped: logging is off` };
    const withoutGlobal = multiRegion.filter((trail) => !trail.includeGlobalServiceEvents);
    return { status: 'fail', evidence: `Multi-region trail(s) ${names(withoutGlobal)} logging without global service events: root sign-ins and IAM calls are missed` };
  },
};
