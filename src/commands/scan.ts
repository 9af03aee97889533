// `aws-root-guard scan --since 24h [--json]`: one CloudTrail pass over the Regions in a terminal, no Slack
// and no store: the root events found, classified, one per line.
// Exit code: 1 root activity found, 0 none (and every Region read), 2 a Region could not be read or a fatal error.
import { loadCheckConfig, type Env } from '../config.js';
import { createLogger, secretValuesFromEnv, type Logger } from '../log.js';
import {
  createPoller,
  loadPollConfig,
  resolvePollRegions,
  toClassifyLine,
  type CommitResult,
  type PassResult,
  type PollBatch,
  type PollSink,
  type IngestedRootEvent,
  type RootEvent,
  type RootEventKind,
} from '../activity/index.js';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { groupingPolicyOf, groupRootEvents, loadAlertsConfig, type GroupingPolicy } from '../alerts/index.js';
import { AwsCallError, awsErrorCode, createAwsClients, describeFatalAwsError, type AwsClients } from '../aws/index.js';

const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const MAX_SINCE_MS = 90 * UNIT_MS.d;

/** '90m', '24h', '7d' → milliseconds; CloudTrail's event history goes back 90 days at most. */
export function parseSince(text: string): number {
  const match = /^\s*(\d+)\s*([mhd])\s*$/i.exec(text);
  const amount = match ? Number(match[1]) : Number.NaN;
  const unit = match?.[2]?.toLowerCase() as keyof typeof UNIT_MS | undefined;
  if (!match || !unit || !Number.isSafeInteger(amount) || amount <= 0) {
    throw new SinceError(`--since "${text}" is not a duration: use a number and m, h or d, e.g. 90m, 24h or 7d`);
  }
  const sinceMs = amount * UNIT_MS[unit];
  if (sinceMs > MAX_SINCE_MS) throw new SinceError(`--since "${text}" is more than 90 days: CloudTrail's event history (LookupEvents) keeps 90 days`);
  return sinceMs;
}

export class SinceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SinceError';
  }
}

/** A PollSink kept in memory: no stored cursors (a first start), events collected once by eventId as the store would. */
export class CollectingPollSink implements PollSink {
  private readonly eventsById = new Map<string, IngestedRootEvent>();
  private readonly cursors = new Map<string, string>();
  malformedCount = 0;

  async readCursor(accountId: string, region: string): Promise<string | null> {
    return this.cursors.get(`${accountId}/${region}`) ?? null;
  }

  async commitBatch(batch: PollBatch): Promise<CommitResult> {
    let inserted = 0;
    let duplicates = 0;
    for (const polled of batch.events) {
      if (this.eventsById.has(polled.event.eventId)) duplicates += 1;
      else {
        this.eventsById.set(polled.event.eventId, polled);
        inserted += 1;
      }
    }
    this.malformedCount += batch.malformedCount;
    this.cursors.set(`${batch.accountId}/${batch.region}`, batch.cursor);
    return { inserted, duplicates };
  }

  /** Every event collected, oldest first. */
  events(): RootEvent[] {
    return [...this.eventsById.values()].map((polled) => polled.event).sort((a, b) => a.eventTime.localeCompare(b.eventTime) || a.eventId.localeCompare(b.eventId));
  }
}

const KIND_LABEL: Record<Exclude<RootEventKind, 'none'>, string> = {
  'console-login-success': 'root console sign-in',
  'console-login-failure': 'FAILED root console sign-in',
  'root-credential-change': 'root credential change',
  'root-logging-disabled': 'ROOT TURNED OFF SECURITY LOGGING',
  'root-access-change': 'root changed IAM access',
  'root-only-task': 'root-only task',
  'root-api-call': 'root API call',
  'root-session-opened': 'root session opened (sts:AssumeRoot)',
};

/** AKIA…/ASIA… keys are shown by their last 4 characters only. */
export function maskAccessKeyId(accessKeyId: string | null): string | null {
  if (!accessKeyId) return null;
  return accessKeyId.length > 8 ? `${accessKeyId.slice(0, 4)}…${accessKeyId.slice(-4)}` : '…';
}

function mfaText(mfaUsed: boolean | null): string {
  if (mfaUsed === null) return 'MFA unknown';
  return mfaUsed ? 'MFA used' : 'NO MFA';
}

/** One readable line per event. */
export function formatScanLine(event: RootEvent): string {
  const parts = [
    event.eventTime,
    event.severity.toUpperCase().padEnd(8),
    event.region.padEnd(14),
    `${KIND_LABEL[event.kind]}: ${event.eventName} (${event.eventSource})`,
  ];
  if (event.kind === 'console-login-success' || event.kind === 'console-login-failure') parts.push(mfaText(event.mfaUsed));
  if (event.action) parts.push(event.action);
  if (event.rootOnlyTask) parts.push('expected root use');
  if (event.centralizedRootSession) parts.push('centralized root session (sts:AssumeRoot)');
  if (event.errorCode) parts.push(`error ${event.errorCode}`);
  if (event.sourceIp) parts.push(`from ${event.sourceIp}`);
  if (event.userAgent) parts.push(`agent "${event.userAgent.length > 60 ? `${event.userAgent.slice(0, 57)}...` : event.userAgent}"`);
  const accessKey = maskAccessKeyId(event.accessKeyId);
  if (accessKey) parts.push(`key ${accessKey}`);
  parts.push(`event ${event.eventId}`);
  return parts.join('  ');
}

/** One JSON line per event: the `classify` command's fields in its order, then the rest of the event (key masked). */
export function scanJsonLine(event: RootEvent): string {
  return JSON.stringify({
    ...toClassifyLine({ alert: true, event }),
    accountId: event.accountId,
    eventSource: event.eventSource,
    userAgent: event.userAgent,
    errorCode: event.errorCode,
    errorMessage: event.errorMessage,
    accessKeyId: maskAccessKeyId(event.accessKeyId),
    sessionKey: event.sessionKey === event.accessKeyId ? maskAccessKeyId(event.sessionKey) : event.sessionKey,
  });
}

/** Events that belong together (failed sign-ins, one session's calls), by the bot's own grouping rules (alerts/grouping.ts). */
export function groupedLines(events: readonly RootEvent[], policy: Partial<GroupingPolicy> = {}): string[] {
  return groupRootEvents(events, policy)
    .filter((group) => group.events.length > 1)
    .map((group) => `grouped (${group.events.length} events, ${group.severity}${group.burst ? ', a burst' : ''}): ${group.headline}`);
}

function summaryLine(pass: PassResult, eventCount: number): string {
  const regionCount = pass.regions.length;
  const since = pass.regions[0]?.window.startTime ?? pass.startedAt;
  const found = eventCount === 0 ? 'No root activity' : `${eventCount} root event${eventCount === 1 ? '' : 's'}`;
  let line = `${found} in account ${pass.accountId}, ${regionCount} Region${regionCount === 1 ? '' : 's'}, since ${since}`;
  if (pass.totals.malformed > 0) line += ` (${pass.totals.malformed} unreadable record${pass.totals.malformed === 1 ? '' : 's'} skipped)`;
  return line;
}

async function callerAccountId(clients: AwsClients): Promise<string> {
  try {
    const caller = await clients.sts.send(new GetCallerIdentityCommand({}));
    if (!caller.Account) throw new Error('GetCallerIdentity returned no Account');
    return caller.Account;
  } catch (error) {
    throw new AwsCallError('sts:GetCallerIdentity', awsErrorCode(error), error);
  }
}

export interface ScanCommandOptions {
  /** How far back: '90m', '24h', '7d'. */
  since: string;
  json: boolean;
  stdout: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream;
}

export interface ScanCommandDeps {
  /** The AWS clients (tests point them at the fake); default: the SDK's credential chain. */
  createClients?: (region: string) => AwsClients;
  clock?: () => Date;
  logger?: Logger;
}

export async function runScanCommand(env: Env, options: ScanCommandOptions, deps: ScanCommandDeps = {}): Promise<number> {
  const stderr = options.stderr ?? process.stderr;
  let sinceMs: number;
  try {
    sinceMs = parseSince(options.since);
  } catch (error) {
    stderr.write(`aws-root-guard scan: ${(error as Error).message}\n`);
    return 2;
  }
  const config = loadCheckConfig(env);
  const pollConfig = loadPollConfig(env);
  const groupingPolicy = groupingPolicyOf(loadAlertsConfig(env, { requireChannel: false }));
  const clock = deps.clock ?? (() => new Date());
  // Warnings (a Region refused, a record skipped) go to stderr; stdout holds only the events.
  const logger = deps.logger ?? createLogger({ level: config.logLevel === 'info' ? 'warn' : config.logLevel, secretValues: secretValuesFromEnv(env) });
  const clients = (deps.createClients ?? ((region: string) => createAwsClients({ region })))(config.aws.region);
  try {
    const accountId = await callerAccountId(clients);
    const regions = await resolvePollRegions(pollConfig.regions, () => clients.account);
    const sink = new CollectingPollSink();
    const poller = createPoller({
      cloudTrailFor: (region) => clients.cloudTrail(region),
      sink,
      accountId,
      regions,
      logger,
      clock,
      overlapMinutes: pollConfig.overlapMinutes,
      // No cursor is stored, so every Region reads a first start's lookback: --since.
      initialLookbackHours: sinceMs / 3_600_000,
    });
    const pass = await poller.pollOnce();
    const events = sink.events();
    for (const event of events) options.stdout.write(`${options.json ? scanJsonLine(event) : formatScanLine(event)}\n`);
    if (!options.json) {
      for (const line of groupedLines(events, groupingPolicy)) options.stdout.write(`${line}\n`);
      options.stdout.write(`${summaryLine(pass, events.length)}\n`);
    }
    const failed = pass.regions.filter((region) => !region.ok);
    for (const region of failed) stderr.write(`aws-root-guard scan: ${region.region} was not read: ${region.error?.message ?? 'unknown error'}\n`);
    if (events.length > 0) return 1;
    return failed.length > 0 ? 2 : 0;
  } catch (error) {
    // No credentials, AWS unreachable, the Regions could not be listed: nothing was scanned.
    const message = error instanceof AwsCallError ? describeFatalAwsError(error) : error instanceof Error ? error.message : String(error);
    stderr.write(`aws-root-guard scan: ${message}\n`);
    return 2;
  } finally {
    clients.destroy();
  }
}
