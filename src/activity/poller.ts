// The CloudTrail poller: for one account, every Region (concurrently, a few at a time) is read with
// LookupEvents from its stored cursor minus an overlap, classified, and handed to the store as one batch.
//
// Cursor and window, per account and Region:
// - A pass reads [start, end] with end = the pass's clock time and start = stored cursor - overlap
//   (first start: end - initial lookback, never CloudTrail's whole 90 days).
// - The cursor it commits is `end`, the pass's end time, NOT the newest EventTime read: CloudTrail
//   makes events visible minutes after they happen, so an event stamped 12:00:30 may only appear at
//   12:04. The next pass starts at cursor - overlap and so reads it then; the store deduplicates by
//   EventId, so the events read twice inside the overlap are counted as duplicates and alerted once.
//   (A cursor at the newest EventTime would also never move in a quiet Region.)
// - The overlap also absorbs clock skew between this host and AWS. An event that becomes visible
//   later than the overlap after its EventTime is missed: raise POLL_OVERLAP_MINUTES if that matters.
// - A Region that fails keeps its cursor: root events read before the failure are still committed
//   (LookupEvents answers newest first, so those are the freshest), with the cursor unchanged, and
//   the next pass reads the whole window again.
import cron, { type TaskOptions } from 'node-cron';
import type { Event as LookupEvent } from '@aws-sdk/client-cloudtrail';
import type { Logger } from '../log.js';
import type { Classification, RecordClassifier } from './model.js';
import type { IngestedRootEvent, UnreadableRecord } from './ingest.js';
import type { PollSink } from './poll-sink.js';
import { classifyRecord } from './classify.js';
import { lookupRegionEvents, type LookupEventsApi, type LookupFailure } from './lookup.js';
import { runAsLatestOccurrence } from './latest-occurrence.js';
import { runHoldingPassLease, type PassLeases } from './pass-lease.js';
import { LOOKUP_EVENTS_REQUESTS_PER_SECOND, RateLimiterRegistry, realTimer, type BackoffOptions, type Timer } from './rate-limiter.js';
import type { RequestGate } from './request-gate.js';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
/** LookupEvents only answers for the last 90 days. */
export const LOOKUP_HISTORY_MS = 90 * 24 * HOUR_MS;

export interface PollWindow {
  startTime: Date;
  endTime: Date;
  /** No stored cursor: the initial lookback applies. */
  firstStart: boolean;
  /** The cursor was older than CloudTrail's 90 days of history: some time could not be read. */
  clampedToHistory: boolean;
}

/** The window one Region's pass reads (pure). */
export function pollWindow(input: { storedCursor: string | null; now: Date; overlapMinutes: number; initialLookbackHours: number }): PollWindow {
  const endMs = input.now.getTime();
  const cursorMs = input.storedCursor === null ? Number.NaN : Date.parse(input.storedCursor);
  const firstStart = Number.isNaN(cursorMs);
  let startMs = firstStart ? endMs - input.initialLookbackHours * HOUR_MS : cursorMs - input.overlapMinutes * MINUTE_MS;
  // A cursor in the future (the clock went back): still read the overlap rather than ask for an empty range.
  if (startMs >= endMs) startMs = endMs - input.overlapMinutes * MINUTE_MS;
  const oldestMs = endMs - LOOKUP_HISTORY_MS;
  const clampedToHistory = startMs < oldestMs;
  if (clampedToHistory) startMs = oldestMs;
  return { startTime: new Date(startMs), endTime: new Date(endMs), firstStart, clampedToHistory };
}

/** The cursor a failed Region commits with its partial events, so that its next window starts where this one did. */
export function cursorKeptAfterFailure(storedCursor: string | null, window: PollWindow, overlapMinutes: number): string {
  if (storedCursor !== null && !window.firstStart) return storedCursor;
  return new Date(window.startTime.getTime() + overlapMinutes * MINUTE_MS).toISOString();
}

export interface ClassifiedRecords {
  events: IngestedRootEvent[];
  malformed: number;
  /** The malformed records themselves, kept by the store with the reason. */
  unreadable: UnreadableRecord[];
  notRoot: number;
}

/** Parses and classifies LookupEvents records; a record that cannot be read is counted, never thrown. */
export async function classifyLookupRecords(records: readonly LookupEvent[], classify: RecordClassifier, onMalformed?: (eventId: string | null, error: string) => void): Promise<ClassifiedRecords> {
  const result: ClassifiedRecords = { events: [], malformed: 0, unreadable: [], notRoot: 0 };
  for (const record of records) {
    const rawRecord = record.CloudTrailEvent;
    let parsed: unknown;
    let classification: Classification;
    try {
      if (typeof rawRecord !== 'string' || rawRecord.length === 0) throw new Error('the CloudTrailEvent field is missing or empty');
      parsed = JSON.parse(rawRecord);
      classification = await classify(parsed);
    } catch (error) {
      classification = { alert: false, eventId: record.EventId ?? null, reason: 'malformed', error: error instanceof Error ? error.message : String(error) };
    }
    if (classification.alert) {
      result.events.push({ event: classification.event, rawRecord: rawRecord as string });
    } else if (classification.reason === 'malformed') {
      result.malformed += 1;
      const recordId = classification.eventId ?? record.EventId ?? null;
      result.unreadable.push({ source: 'cloudtrail-poller', recordId, reason: classification.error, body: typeof rawRecord === 'string' ? rawRecord : JSON.stringify(record) });
      onMalformed?.(recordId, classification.error);
    } else {
      result.notRoot += 1;
    }
  }
  return result;
}

export type RegionFailure = LookupFailure | { kind: 'store-failed'; code: string; message: string };

export interface RegionPassResult {
  region: string;
  ok: boolean;
  window: { startTime: string; endTime: string; firstStart: boolean; clampedToHistory: boolean };
  /** The cursor committed this pass, or null when nothing was committed. */
  committedCursor: string | null;
  pages: number;
  /** LookupEvents records read (after merging the lookups by EventId). */
  eventsRead: number;
  rootEvents: number;
  inserted: number;
  duplicates: number;
  malformed: number;
  throttleRetries: number;
  /** 5xx, timeouts and network errors retried. */
  transientRetries: number;
  error: RegionFailure | null;
}

export interface PassResult {
  accountId: string;
  startedAt: string;
  finishedAt: string;
  regions: RegionPassResult[];
  totals: { pages: number; eventsRead: number; rootEvents: number; inserted: number; duplicates: number; malformed: number; failedRegions: number };
}

export interface PollerOptions {
  /** The CloudTrail client of one Region (LookupEvents answers for the Region its endpoint is in). */
  cloudTrailFor: (region: string) => LookupEventsApi;
  /** Called once a Region's lookups are over: the organization poller lets a member's client of that Region go. */
  releaseCloudTrail?: (region: string) => void;
  sink: PollSink;
  accountId: string;
  regions: readonly string[];
  logger: Logger;
  /** Wall-clock time, for the windows and cursors. */
  clock?: () => Date;
  overlapMinutes: number;
  initialLookbackHours: number;
  /** Regions read at the same time (each has its own quota; this bounds sockets and CPU). Default 4. */
  regionConcurrency?: number;
  /** Share one registry between pollers of the same account so its quota is counted once. */
  limiters?: RateLimiterRegistry;
  /** One bound on requests in flight shared with other accounts' pollers (sources/organization-poller.ts). */
  gate?: RequestGate;
  /** Monotonic time and sleeping for the rate limiter and backoff. */
  timer?: Timer;
  maxThrottleRetries?: number;
  maxTransientRetries?: number;
  backoff?: BackoffOptions;
  classify?: RecordClassifier;
  /** Also look up sts:AssumeRoot calls (EventName = AssumeRoot) in every Region. */
  lookupAssumeRoot?: boolean;
}

export interface Poller {
  readonly accountId: string;
  readonly regions: readonly string[];
  /** One pass over every Region; a pass already running is joined, not started twice. */
  pollOnce(): Promise<PassResult>;
}

/** `work` over `items`, at most `limit` at a time, results in the items' order. */
export async function mapWithConcurrency<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  });
  await Promise.all(workers);
  return results;
}

function storeFailure(error: unknown): RegionFailure {
  const code = (error as { code?: unknown }).code;
  return { kind: 'store-failed', code: typeof code === 'string' ? code : 'StoreError', message: `the store could not commit the batch: ${error instanceof Error ? error.message : String(error)}` };
}

export function createPoller(options: PollerOptions): Poller {
  const clock = options.clock ?? (() => new Date());
  const timer = options.timer ?? realTimer;
  const classify = options.classify ?? classifyRecord;
  const limiters = options.limiters ?? new RateLimiterRegistry({ requestsPerSecond: LOOKUP_EVENTS_REQUESTS_PER_SECOND, timer });
  const regionConcurrency = options.regionConcurrency ?? 4;
  const { accountId, sink, logger } = options;
  let running: Promise<PassResult> | null = null;

  async function pollRegion(region: string, now: Date, texts: PassTexts): Promise<RegionPassResult> {
    const log = logger.child({ accountId, region });
    let storedCursor: string | null = null;
    let window: PollWindow;
    try {
      storedCursor = await sink.readCursor(accountId, region);
      window = pollWindow({ storedCursor, now, overlapMinutes: options.overlapMinutes, initialLookbackHours: options.initialLookbackHours });
    } catch (error) {
      window = pollWindow({ storedCursor: null, now, overlapMinutes: options.overlapMinutes, initialLookbackHours: options.initialLookbackHours });
      const failure = storeFailure(error);
      log.error({ err: error }, `poll: could not read the cursor of ${region}; skipping it this pass`);
      return emptyResult(region, window, failure, texts);
    }
    if (storedCursor !== null && window.firstStart) log.warn({ storedCursor }, 'poll: the stored cursor is not a time; reading back the initial lookback');
    if (window.clampedToHistory) log.warn({ storedCursor }, 'poll: the cursor is older than CloudTrail\'s 90 days of event history; older events can no longer be read');

    // The Region's client is made when its first request has its place among the requests in flight: in an
    // organization pass most Regions wait for one (256 read at once for 32 places), and a client made up front
    // (about 20 KB) waited with each of them.
    const cloudTrail: LookupEventsApi = { send: (command) => options.cloudTrailFor(region).send(command) };
    const lookup = await lookupRegionEvents({
      cloudTrail,
      region,
      window: { startTime: window.startTime, endTime: window.endTime },
      limiter: limiters.forRegion(accountId, region),
      gate: options.gate ?? null,
      ...(options.maxThrottleRetries !== undefined ? { maxThrottleRetries: options.maxThrottleRetries } : {}),
      ...(options.maxTransientRetries !== undefined ? { maxTransientRetries: options.maxTransientRetries } : {}),
      ...(options.backoff ? { backoff: options.backoff } : {}),
      assumeRoot: options.lookupAssumeRoot ?? false,
    }).finally(() => options.releaseCloudTrail?.(region));
    const classified = await classifyLookupRecords(lookup.records, classify, (eventId, error) => log.warn({ eventId, error }, 'poll: skipped a CloudTrail record that could not be read'));

    const result: RegionPassResult = {
      ...emptyResult(region, window, lookup.failure, texts),
      pages: lookup.pages,
      eventsRead: lookup.records.length,
      rootEvents: classified.events.length,
      malformed: classified.malformed,
      throttleRetries: lookup.throttleRetries,
      transientRetries: lookup.transientRetries,
    };
    if (lookup.failure) {
      const level = lookup.failure.kind === 'throttled' || lookup.failure.kind === 'failed' ? 'warn' : 'error';
      log[level]({ code: lookup.failure.code, kind: lookup.failure.kind }, `poll: ${lookup.failure.message}`);
    }
    // A failed Region with nothing found commits nothing: its cursor stays where it was.
    if (lookup.failure && classified.events.length === 0) return result;

    const cursor = lookup.failure ? cursorKeptAfterFailure(storedCursor, window, options.overlapMinutes) : texts.iso(window.endTime);
    try {
      const commit = await sink.commitBatch({ accountId, region, cursor, ...(lookup.failure ? { regionFailed: true } : {}), events: classified.events, unreadable: classified.unreadable, malformedCount: classified.malformed });
      result.inserted = commit.inserted;
      result.duplicates = commit.duplicates;
      result.committedCursor = cursor;
    } catch (error) {
      result.ok = false;
      result.error = storeFailure(error);
      log.error({ err: error }, `poll: ${result.error.message}`);
      return result;
    }
    log.debug({ pages: result.pages, eventsRead: result.eventsRead, rootEvents: result.rootEvents, inserted: result.inserted, duplicates: result.duplicates, malformed: result.malformed, throttleRetries: result.throttleRetries }, 'poll: region read');
    return result;
  }

  async function runPass(): Promise<PassResult> {
    const startedAt = clock();
    const startedMs = timer.nowMs();
    const texts = passTexts();
    const regionResults = await mapWithConcurrency(options.regions, regionConcurrency, (region) => pollRegion(region, startedAt, texts));
    const totals = { pages: 0, eventsRead: 0, rootEvents: 0, inserted: 0, duplicates: 0, malformed: 0, failedRegions: 0 };
    for (const regionResult of regionResults) {
      totals.pages += regionResult.pages;
      totals.eventsRead += regionResult.eventsRead;
      totals.rootEvents += regionResult.rootEvents;
      totals.inserted += regionResult.inserted;
      totals.duplicates += regionResult.duplicates;
      totals.malformed += regionResult.malformed;
      if (!regionResult.ok) totals.failedRegions += 1;
    }
    const pass: PassResult = { accountId, startedAt: startedAt.toISOString(), finishedAt: clock().toISOString(), regions: regionResults, totals };
    const failed = regionResults.filter((regionResult) => !regionResult.ok).map((regionResult) => regionResult.region);
    // A quiet pass every minute is debug; new root events or a Region that could not be read are not.
    const level = failed.length > 0 ? 'warn' : totals.inserted > 0 ? 'info' : 'debug';
    logger[level]({ accountId, ...totals, failedRegions: failed, durationMs: Math.round(timer.nowMs() - startedMs) }, 'poll: pass finished');
    return pass;
  }

  return {
    accountId,
    regions: [...options.regions],
    pollOnce() {
      if (!running) {
        running = runPass().finally(() => {
          running = null;
        });
      }
      return running;
    },
  };
}

/**
 * A pass's times as ISO texts and its Regions' windows as one object each: the Regions of a pass share their window's
 * ends and cursor (and, with the same stored cursor, the whole window), and the organization poller keeps every
 * account-Region's result until its pass ends (17,000 windows a pass at 1,000 accounts, about 1 MB).
 */
interface PassTexts {
  iso(time: Date): string;
  window(window: PollWindow): RegionPassResult['window'];
}

function passTexts(): PassTexts {
  const texts = new Map<number, string>();
  const windows = new Map<string, RegionPassResult['window']>();
  const iso = (time: Date): string => {
    let text = texts.get(time.getTime());
    if (text === undefined) {
      text = time.toISOString();
      texts.set(time.getTime(), text);
    }
    return text;
  };
  return {
    iso,
    window(window) {
      const startTime = iso(window.startTime);
      const endTime = iso(window.endTime);
      const key = `${startTime}/${endTime}/${window.firstStart}/${window.clampedToHistory}`;
      let shared = windows.get(key);
      if (!shared) {
        // Frozen: one object stands for several Regions' windows.
        shared = Object.freeze({ startTime, endTime, firstStart: window.firstStart, clampedToHistory: window.clampedToHistory });
        windows.set(key, shared);
      }
      return shared;
    },
  };
}

function emptyResult(region: string, window: PollWindow, error: RegionFailure | null, texts: PassTexts): RegionPassResult {
  return {
    region,
    ok: error === null,
    window: texts.window(window),
    committedCursor: null,
    pages: 0,
    eventsRead: 0,
    rootEvents: 0,
    inserted: 0,
    duplicates: 0,
    malformed: 0,
    throttleRetries: 0,
    transientRetries: 0,
    error,
  };
}

export interface SchedulePollingOptions<R = PassResult> {
  logger: Logger;
  /** Task name in node-cron's registry (and the logs). */
  name?: string;
  /** Also run a pass right away instead of waiting for the first tick. */
  runNow?: boolean;
  /** Called after every pass (e.g. wake the outbox sender when `totals.inserted > 0`, prune seen ids). */
  onPass?: (pass: R) => void | Promise<void>;
  timezone?: string;
  /** node-cron's distributed options (`distributed` with a RunCoordinator): each tick runs on one replica only. */
  coordination?: Required<Pick<TaskOptions, 'distributed' | 'runCoordinator'>>;
  /**
   * The store's leases when replicas share it (PostgreSQL): a pass holds the task's pass lease, so no two replicas
   * poll at once (pass-lease.ts). Without it (one process) the in-process guard alone keeps passes apart.
   */
  passLeases?: PassLeases;
}

/** What schedulePolling runs: one account's poller, or the organization's (sources/organization-poller.ts). */
export interface SchedulablePoller<R> {
  /** Names the schedule's task (node-cron registry, logs). */
  readonly accountId: string;
  pollOnce(): Promise<R>;
}

/**
 * Runs poller.pollOnce on the cron expression (node-cron 4, noOverlap: a tick that comes while a pass
 * still runs is skipped). Returns a function that stops the schedule and waits for a running pass.
 */
export function schedulePolling<R = PassResult>(poller: SchedulablePoller<R>, cronExpression: string, options: SchedulePollingOptions<R>): () => Promise<void> {
  const { logger } = options;
  let inFlight: Promise<unknown> | null = null;
  const pollAndReport = async (): Promise<void> => {
    const result = await poller.pollOnce();
    await options.onPass?.(result);
  };
  const taskName = options.name ?? `cloudtrail-poll-${poller.accountId}`;
  const runPass = async (): Promise<void> => {
    // noOverlap covers node-cron's own runs; this also covers the runNow pass.
    if (inFlight) {
      logger.debug('poll: the previous pass is still running; skipping this tick');
      return;
    }
    const leases = options.passLeases;
    const pass = leases ? runHoldingPassLease({ leases, taskName, logger }, pollAndReport) : pollAndReport();
    inFlight = pass;
    try {
      await pass;
    } catch (error) {
      // pollOnce reports Region failures in its result; this is a bug or a broken store: log, keep the schedule.
      logger.error({ err: error }, 'poll: the pass failed');
    } finally {
      if (inFlight === pass) inFlight = null;
    }
  };
  const task = cron.schedule(cronExpression, runPass, {
    noOverlap: true,
    name: taskName,
    ...(options.timezone ? { timezone: options.timezone } : {}),
    ...options.coordination,
    logger: {
      info: (message) => logger.debug({ scheduler: 'node-cron' }, message),
      warn: (message) => logger.warn({ scheduler: 'node-cron' }, message),
      error: (message, err) => logger.error({ scheduler: 'node-cron', err: err ?? message }, typeof message === 'string' ? message : message.message),
      debug: (message) => logger.debug({ scheduler: 'node-cron' }, typeof message === 'string' ? message : message.message),
    },
  });
  let startUp: Promise<void> | null = null;
  if (options.runNow && options.coordination) {
    // Coordinated like a tick: replicas starting together poll once (latest-occurrence.ts).
    startUp = runAsLatestOccurrence(task, taskName, options.coordination, () => runPass().then(() => undefined)).then(
      (ran) => {
        if (!ran) logger.debug('poll: another replica has the pass of the latest tick; the start-up pass is skipped');
      },
      (error: unknown) => logger.error({ err: error }, 'poll: the run coordinator failed; the start-up pass is skipped (the next tick polls)'),
    );
  } else if (options.runNow) void runPass();
  return async () => {
    await task.stop();
    await task.destroy();
    // A start-up pass still claiming its tick has not set inFlight yet.
    if (startUp) await startUp;
    if (inFlight) await inFlight.catch(() => undefined);
  };
}

