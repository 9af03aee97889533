// CloudTrail operations of the fake (AWS JSON 1.1, target prefix CloudTrail_20131101). Shapes: CloudTrail API
// Reference (API_DescribeTrails, API_GetTrailStatus, API_LookupEvents). Timestamps are epoch seconds.
import { AwsErrorReply } from './errors.js';
import { lookupEvents, type LookupEventsRequest } from './lookup-events.js';
import { trailArn, type FakeAwsState, type FakeTrail } from './state.js';

export interface JsonContext {
  state: FakeAwsState;
  body: Record<string, unknown>;
  region: string;
  now: Date;
}

type JsonHandler = (context: JsonContext) => object;

function describeTrail(trail: FakeTrail, accountId: string): object {
  return {
    Name: trail.Name,
    S3BucketName: trail.S3BucketName,
    IncludeGlobalServiceEvents: trail.IncludeGlobalServiceEvents,
    IsMultiRegionTrail: trail.IsMultiRegionTrail,
    HomeRegion: trail.HomeRegion,
    TrailARN: trailArn(trail, accountId),
    LogFileValidationEnabled: trail.LogFileValidationEnabled,
    HasCustomEventSelectors: false,
    HasInsightSelectors: false,
    IsOrganizationTrail: trail.IsOrganizationTrail,
  };
}

/** A trail by ARN from any Region, or by name only in its home Region (CloudTrail needs the ARN for a shadow trail). */
function findTrail(state: FakeAwsState, nameOrArn: string, region: string): FakeTrail | undefined {
  return state.trails.find((trail) => trailArn(trail, state.accountId) === nameOrArn || (trail.Name === nameOrArn && trail.HomeRegion === region));
}

export const cloudTrailOperations: Record<string, JsonHandler> = {
  DescribeTrails: ({ state, body, region }) => {
    const includeShadowTrails = body.includeShadowTrails !== false;
    const names = Array.isArray(body.trailNameList) ? (body.trailNameList as string[]) : [];
    const visible = state.trails.filter((trail) => trail.HomeRegion === region || (includeShadowTrails && (trail.IsMultiRegionTrail || trail.IsOrganizationTrail)));
    const selected = names.length ? visible.filter((trail) => names.includes(trail.Name) || names.includes(trailArn(trail, state.accountId))) : visible;
    return { trailList: selected.map((trail) => describeTrail(trail, state.accountId)) };
  },

  GetTrailStatus: ({ state, body, region, now }) => {
    const name = typeof body.Name === 'string' ? body.Name : '';
    const trail = findTrail(state, name, region);
    if (!trail) throw new AwsErrorReply('TrailNotFoundException', `Unknown trail: ${name} for the user: ${state.accountId}`, 400);
    const startedAt = new Date(now.getTime() - 30 * 24 * 60 * 60 * 1000);
    const stoppedAt = new Date(now.getTime() - 2 * 24 * 60 * 60 * 1000);
    return {
      IsLogging: trail.isLogging,
      LatestDeliveryTime: (trail.isLogging ? now.getTime() - 5 * 60 * 1000 : stoppedAt.getTime()) / 1000,
      StartLoggingTime: startedAt.getTime() / 1000,
      ...(trail.isLogging ? {} : { StopLoggingTime: stoppedAt.getTime() / 1000 }),
      LatestDeliveryAttemptTime: new Date(trail.isLogging ? now.getTime() - 5 * 60 * 1000 : stoppedAt.getTime()).toISOString(),
      LatestDeliveryAttemptSucceeded: new Date(trail.isLogging ? now.getTime() - 5 * 60 * 1000 : stoppedAt.getTime()).toISOString(),
      TimeLoggingStarted: startedAt.toISOString(),
      ...(trail.isLogging ? {} : { TimeLoggingStopped: stoppedAt.toISOString() }),
    };
  },

  LookupEvents: ({ state, body, region, now }) => lookupEvents(state.events[region] ?? [], body as LookupEventsRequest, region, now),
};
