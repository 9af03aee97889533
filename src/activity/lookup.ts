// Reading one Region's root candidates from CloudTrail LookupEvents: which lookups, paging, pacing, retries.
//
// Why these lookups (CloudTrail API reference, LookupEvents):
// - A request takes ONE lookup attribute (plus the time range), so "root activity" cannot be asked for
//   in one call; there is no attribute for userIdentity.type.
// - `Username = root` in every polled Region: LookupEvents shows "root" as the user name of events made
//   by the root user, so this narrow lookup catches root API calls wherever they land. It also matches
//   an assumed-role session named "root", which is why nothing is decided on the Username: every record
//   goes through the classifier.
// - `EventSource = signin.amazonaws.com` in us-east-1 only: root console sign-in records are always
//   recorded in us-east-1, and for an account with an alias the user name shown for root sign-ins is not
//   settled by any public sample (the record's userIdentity.userName holds the alias). This lookup
//   catches ConsoleLogin (success and failure) and PasswordRecoveryRequested / PasswordRecoveryCompleted /
//   PasswordUpdated whatever the user name; sign-ins are few, and the classifier drops IAM users' ones.
// - A root sign-in matches both lookups: the two are merged and deduplicated by EventId.
// - `EventName = AssumeRoot` in every polled Region of an account that may call it (the management account or the
//   IAM delegated administrator): AssumeRoot is called on a Regional STS endpoint and made by a role, so neither
//   lookup above sees it. It opens a root session on a member (activity/assume-root.ts).
// - Pages: MaxResults 50 (the maximum) and NextToken until it is absent. The quota is 2 requests per
//   second per account and Region: every request waits on that Region's RateLimiter, and a
//   ThrottlingException retries the SAME page (same NextToken) after a bounded backoff.
import { LookupEventsCommand, type Event as LookupEvent, type LookupEventsCommandOutput, type LookupAttribute } from '@aws-sdk/client-cloudtrail';
import { awsErrorCode, onDeparture } from '../aws/index.js';
import { backoffDelayMs, type BackoffOptions, type RateLimiter } from './rate-limiter.js';
import { sendPaced, type RequestGate } from './request-gate.js';
import { SIGN_IN_REGION } from './regions.js';

export const LOOKUP_PAGE_SIZE = 50;

export const ROOT_USERNAME_LOOKUP: LookupAttribute = { AttributeKey: 'Username', AttributeValue: 'root' };
export const SIGN_IN_SOURCE_LOOKUP: LookupAttribute = { AttributeKey: 'EventSource', AttributeValue: 'signin.amazonaws.com' };
export const ASSUME_ROOT_LOOKUP: LookupAttribute = { AttributeKey: 'EventName', AttributeValue: 'AssumeRoot' };

/** The lookups one Region needs (see the top of this file for why); `assumeRoot` in accounts that may call sts:AssumeRoot. */
export function lookupsForRegion(region: string, options: { assumeRoot?: boolean } = {}): LookupAttribute[] {
  const lookups = region === SIGN_IN_REGION ? [ROOT_USERNAME_LOOKUP, SIGN_IN_SOURCE_LOOKUP] : [ROOT_USERNAME_LOOKUP];
  return options.assumeRoot ? [...lookups, ASSUME_ROOT_LOOKUP] : lookups;
}

/** What a Region's lookups need of its CloudTrail client (a CloudTrailClient is one). */
export interface LookupEventsApi {
  send(command: LookupEventsCommand): Promise<LookupEventsCommandOutput>;
}

export interface LookupWindow {
  startTime: Date;
  endTime: Date;
}

/** Why a Region could not be read, in words for the log and the pass result. */
export interface LookupFailure {
  kind: 'access-denied' | 'region-not-enabled' | 'throttled' | 'failed';
  /** The AWS error code (AccessDeniedException, UnrecognizedClientException…) or the Node error code. */
  code: string;
  message: string;
}

export interface RegionLookupResult {
  /** Every record both lookups returned, deduplicated by EventId, newest first as CloudTrail sends them. */
  records: LookupEvent[];
  pages: number;
  /** ThrottlingException answers that were retried. */
  throttleRetries: number;
  /** 5xx, timeouts and network errors that were retried. */
  transientRetries: number;
  /** Records returned by more than one lookup (a root sign-in matches both). */
  duplicateRecords: number;
  /** Set when the Region could not be read to the end; `records` then holds what was read before. */
  failure: LookupFailure | null;
}

export interface RegionLookupOptions {
  cloudTrail: LookupEventsApi;
  region: string;
  window: LookupWindow;
  /** This account and Region's limiter: it also does the waiting after a throttle (holdOff). */
  limiter: RateLimiter;
  /** The bound on requests in flight across account-Regions (the organization poller's), if any. */
  gate?: RequestGate | null;
  /** ThrottlingException retries of one page before the Region is given up for this pass. */
  maxThrottleRetries?: number;
  /** Retries of one page after a 5xx, a timeout or a network error. */
  maxTransientRetries?: number;
  backoff?: BackoffOptions;
  /** Also look up sts:AssumeRoot calls. */
  assumeRoot?: boolean;
}

export const DEFAULT_MAX_THROTTLE_RETRIES = 6;
export const DEFAULT_MAX_TRANSIENT_RETRIES = 2;
export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 500, capMs: 8_000 };

const THROTTLING_CODES = new Set(['ThrottlingException', 'Throttling', 'TooManyRequestsException', 'RequestLimitExceeded']);
const TRANSIENT_CODES = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException', 'ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'ServiceUnavailable', 'InternalFailure', 'InternalServerException']);

export function isThrottling(error: unknown): boolean {
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return THROTTLING_CODES.has(awsErrorCode(error)) || status === 429;
}

/** A server or network hiccup worth one more try (the SDK may have retried already). */
export function isTransient(error: unknown): boolean {
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return TRANSIENT_CODES.has(awsErrorCode(error)) || (status !== undefined && status >= 500);
}

/** Turns an SDK or network error into what an operator needs: which permission or setting to fix. */
export function describeLookupFailure(error: unknown, region: string): LookupFailure {
  const code = awsErrorCode(error);
  const detail = error instanceof Error ? error.message : String(error);
  if (/^AccessDenied/.test(code) || code === 'UnauthorizedOperation' || code === 'OperationNotPermittedException') {
    return {
      kind: 'access-denied',
      code,
      message: `CloudTrail refused LookupEvents in ${region} (${code}): allow the IAM action cloudtrail:LookupEvents for this identity (check service control policies too). AWS said: ${detail}`,
    };
  }
  // A Region that is not enabled (opt-in Regions) does not know the account's credentials.
  if (code === 'UnrecognizedClientException' || code === 'InvalidClientTokenId' || code === 'OptInRequired' || code === 'AuthFailure') {
    return {
      kind: 'region-not-enabled',
      code,
      message: `${region} refused the credentials (${code}): the Region is probably not enabled for this account (opt-in Region); enable it in the account settings or remove it from AWS_REGIONS (if every Region says this, the credentials themselves are wrong). AWS said: ${detail}`,
    };
  }
  if (isThrottling(error)) {
    return { kind: 'throttled', code, message: `CloudTrail kept throttling LookupEvents in ${region} (${code}) after every retry; the next pass reads this window again. AWS said: ${detail}` };
  }
  return { kind: 'failed', code, message: `LookupEvents failed in ${region} (${code}): ${detail}` };
}

/** Runs every lookup of one Region over the window, all pages, and merges the records by EventId. */
export async function lookupRegionEvents(options: RegionLookupOptions): Promise<RegionLookupResult> {
  const maxThrottleRetries = options.maxThrottleRetries ?? DEFAULT_MAX_THROTTLE_RETRIES;
  const backoff = options.backoff ?? DEFAULT_BACKOFF;
  const maxTransientRetries = options.maxTransientRetries ?? DEFAULT_MAX_TRANSIENT_RETRIES;
  const result: RegionLookupResult = { records: [], pages: 0, throttleRetries: 0, transientRetries: 0, duplicateRecords: 0, failure: null };
  const seenEventIds = new Set<string>();

  for (const attribute of lookupsForRegion(options.region, { assumeRoot: options.assumeRoot ?? false })) {
    let nextToken: string | undefined;
    do {
      let throttledAttempts = 0;
      let transientAttempts = 0;
      for (;;) {
        try {
          const command = new LookupEventsCommand({
            LookupAttributes: [attribute],
            StartTime: options.window.startTime,
            EndTime: options.window.endTime,
            MaxResults: LOOKUP_PAGE_SIZE,
            NextToken: nextToken,
          });
          const page = await sendPaced(options.limiter, options.gate ?? null, (departed) => {
            onDeparture(command.input, departed);
            return options.cloudTrail.send(command);
          });
          result.pages += 1;
          for (const record of page.Events ?? []) {
            if (record.EventId) {
              if (seenEventIds.has(record.EventId)) {
                result.duplicateRecords += 1;
                continue;
              }
              seenEventIds.add(record.EventId);
            }
            result.records.push(record);
          }
          nextToken = page.NextToken || undefined;
          break;
        } catch (error) {
          if (isThrottling(error) && throttledAttempts < maxThrottleRetries) {
            // Every lookup sharing this quota waits too; this one then retries the same page.
            options.limiter.holdOff(backoffDelayMs(throttledAttempts, backoff));
            throttledAttempts += 1;
            result.throttleRetries += 1;
            continue;
          }
          if (!isThrottling(error) && isTransient(error) && transientAttempts < maxTransientRetries) {
            options.limiter.holdOff(backoffDelayMs(transientAttempts, backoff));
            transientAttempts += 1;
            result.transientRetries += 1;
            continue;
          }
          result.failure = describeLookupFailure(error, options.region);
          return result;
        }
      }
    } while (nextToken);
  }
  return result;
}
