// Whether the bot can do its job, for /readyz: the store answers (and is still the file it opened),
// Slack accepted the bot token (auth.test), and polling works for the deployment: some replica read CloudTrail
// recently (a Region read to its window's end within three schedule intervals; before that, this replica's start
// time stands in). Replicas share the poll ticks (one runs each), so the read is asked of the store, not counted
// here: a replica that lost every recent tick to another is as ready as that one.
import { classifySlackError } from '../alerts/index.js';

export interface ReadinessCheck {
  name: 'store' | 'slack' | 'poll';
  ok: boolean;
  detail: string;
}

/** The Slack check, which also tells a refused token (no use retrying) from Slack not answering. */
export interface SlackCheck extends ReadinessCheck {
  name: 'slack';
  refusedToken: boolean;
}

/** The poll check, with the deployment's last poll pass (a Region read to its window's end) when there is one. */
export interface PollCheck extends ReadinessCheck {
  name: 'poll';
  /** When (ISO) and by which replica (host:port; null when the store has no name for it). */
  lastPassAt: string | null;
  lastPassBy: string | null;
}

export interface ReadinessReport {
  ready: boolean;
  checks: ReadinessCheck[];
}

/** The newest Region read to its window's end by any replica, as the store keeps it (poll_cursors.read_at / read_by). */
export interface LastPollRead {
  readAt: string;
  readBy: string | null;
}

export interface ReadinessOptions {
  /** Throws (or returns a problem) when the store cannot be used. */
  checkStore: () => string | null | Promise<string | null>;
  /** Slack's auth.test; resolves when the token is accepted, rejects otherwise. */
  authTest: () => Promise<unknown>;
  /** The deployment's last poll pass, from the store (null before the first). */
  lastPollRead: () => Promise<LastPollRead | null>;
  /** The poll schedule's interval (scheduleIntervalMs). */
  pollIntervalMs: number;
  /** lastPollRead's answer is reused this long: probes every few seconds on every replica cost one indexed read each at most. Default 1 s. */
  pollReadCacheMs?: number;
  clock?: () => Date;
  /** A failed auth.test is asked again (in the background of a /readyz probe) at most this often. Default 30 s. */
  authRetryMs?: number;
}

export interface Readiness {
  /** Runs auth.test now (at start-up) and remembers the outcome. */
  verifySlack(): Promise<SlackCheck>;
  check(): Promise<ReadinessReport>;
}

const POLL_INTERVALS_ALLOWED = 3;

/** An auth.test answer that means the token itself is wrong (invalid_auth, token_revoked, ...), not Slack being down. */
function refusesToken(error: unknown): boolean {
  const failure = classifySlackError(error);
  return failure.kind === 'setup' && failure.scope === 'workspace';
}

/**
 * The poll check (pure): polling is healthy when the deployment's last pass is at most three intervals old; a pass
 * older than this replica's start (or none yet) counts from the start, so a fresh or restarted replica gets three
 * intervals to see one.
 */
export function pollReadiness(input: { nowMs: number; startedAtMs: number; pollIntervalMs: number; lastRead: LastPollRead | null }): PollCheck {
  const allowedMs = POLL_INTERVALS_ALLOWED * input.pollIntervalMs;
  const allowed = `at most ${Math.round(allowedMs / 1000)} s allowed`;
  // A reader whose clock runs a little ahead reads as just now.
  const secondsSince = (ms: number) => Math.max(0, Math.round((input.nowMs - ms) / 1000));
  const lastMs = input.lastRead === null ? Number.NaN : Date.parse(input.lastRead.readAt);
  const known = input.lastRead !== null && !Number.isNaN(lastMs);
  const last = { lastPassAt: known ? input.lastRead!.readAt : null, lastPassBy: known ? input.lastRead!.readBy : null };
  const by = last.lastPassBy === null ? '' : ` by ${last.lastPassBy}`;
  if (known && lastMs >= input.startedAtMs) {
    return { name: 'poll', ok: input.nowMs - lastMs <= allowedMs, detail: `last poll pass ${secondsSince(lastMs)} s ago${by} (${allowed})`, ...last };
  }
  const before = known ? `; the last one was ${secondsSince(lastMs)} s ago${by}` : '';
  return { name: 'poll', ok: input.nowMs - input.startedAtMs <= allowedMs, detail: `no poll pass yet, started ${secondsSince(input.startedAtMs)} s ago (${allowed})${before}`, ...last };
}

function describeError(error: unknown): string {
  const coded = (error ?? {}) as { data?: { error?: unknown }; message?: unknown };
  if (typeof coded.data?.error === 'string') return coded.data.error;
  return error instanceof Error ? error.message : String(error);
}

export function createReadiness(options: ReadinessOptions): Readiness {
  const clock = options.clock ?? (() => new Date());
  const authRetryMs = options.authRetryMs ?? 30_000;
  const startedAtMs = clock().getTime();
  const pollReadCacheMs = options.pollReadCacheMs ?? 1_000;
  let pollRead: { answer: Promise<LastPollRead | null>; atMs: number } | null = null;
  let slack: { check: SlackCheck; atMs: number } | null = null;
  let slackInFlight: Promise<SlackCheck> | null = null;

  const verifySlack = (): Promise<SlackCheck> => {
    slackInFlight ??= options
      .authTest()
      .then(
        (): SlackCheck => ({ name: 'slack', ok: true, detail: 'auth.test passed', refusedToken: false }),
        (error: unknown): SlackCheck => ({ name: 'slack', ok: false, detail: `auth.test failed: ${describeError(error)}`, refusedToken: refusesToken(error) }),
      )
      .then((check) => {
        slack = { check, atMs: clock().getTime() };
        slackInFlight = null;
        return check;
      });
    return slackInFlight;
  };

  const slackCheck = async (): Promise<ReadinessCheck> => {
    const known = slack ?? { check: await verifySlack(), atMs: clock().getTime() };
    // A failed check is asked again in the background: a probe never waits on a Slack that does not answer.
    if (!known.check.ok && clock().getTime() - known.atMs >= authRetryMs) void verifySlack();
    return { name: 'slack', ok: known.check.ok, detail: known.check.detail };
  };

  const storeCheck = async (): Promise<ReadinessCheck> => {
    try {
      const problem = await options.checkStore();
      return problem === null ? { name: 'store', ok: true, detail: 'the store answers' } : { name: 'store', ok: false, detail: problem };
    } catch (error) {
      return { name: 'store', ok: false, detail: `the store does not answer: ${describeError(error)}` };
    }
  };

  const pollCheck = async (): Promise<PollCheck> => {
    const nowMs = clock().getTime();
    if (pollRead === null || nowMs - pollRead.atMs >= pollReadCacheMs) pollRead = { answer: options.lastPollRead(), atMs: nowMs };
    try {
      return pollReadiness({ nowMs, startedAtMs, pollIntervalMs: options.pollIntervalMs, lastRead: await pollRead.answer });
    } catch (error) {
      return { name: 'poll', ok: false, detail: `could not read the last poll pass from the store: ${describeError(error)}`, lastPassAt: null, lastPassBy: null };
    }
  };

  return {
    verifySlack,
    async check() {
      const checks = [await storeCheck(), await slackCheck(), await pollCheck()];
      return { ready: checks.every((check) => check.ok), checks };
    },
  };
}
