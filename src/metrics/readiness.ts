// Whether the bot can do its job, for /readyz: the store answers (and is still the file it opened),
// Slack accepted the bot token (auth.test), and polling completed a pass recently (within three schedule
// intervals; before the first pass, the start time stands in for it).
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

export interface ReadinessReport {
  ready: boolean;
  checks: ReadinessCheck[];
}

export interface ReadinessOptions {
  /** Throws (or returns a problem) when the store cannot be used. */
  checkStore: () => string | null | Promise<string | null>;
  /** Slack's auth.test; resolves when the token is accepted, rejects otherwise. */
  authTest: () => Promise<unknown>;
  /** The poll schedule's interval (scheduleIntervalMs). */
  pollIntervalMs: number;
  clock?: () => Date;
  /** A failed auth.test is asked again (in the background of a /readyz probe) at most this often. Default 30 s. */
  authRetryMs?: number;
}

export interface Readiness {
  /** Runs auth.test now (at start-up) and remembers the outcome. */
  verifySlack(): Promise<SlackCheck>;
  /** A poll pass that read at least one Region finished now. */
  recordPollPass(at?: Date): void;
  check(): Promise<ReadinessReport>;
}

const POLL_INTERVALS_ALLOWED = 3;

/** An auth.test answer that means the token itself is wrong (invalid_auth, token_revoked, ...), not Slack being down. */
function refusesToken(error: unknown): boolean {
  const failure = classifySlackError(error);
  return failure.kind === 'setup' && failure.scope === 'workspace';
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
  let lastPassMs: number | null = null;
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

  const pollCheck = (): ReadinessCheck => {
    const nowMs = clock().getTime();
    const allowedMs = POLL_INTERVALS_ALLOWED * options.pollIntervalMs;
    const sinceMs = nowMs - (lastPassMs ?? startedAtMs);
    const seconds = Math.round(sinceMs / 1000);
    const ok = sinceMs <= allowedMs;
    const what = lastPassMs === null ? `no poll pass yet, started ${seconds} s ago` : `last poll pass ${seconds} s ago`;
    return { name: 'poll', ok, detail: `${what} (at most ${Math.round(allowedMs / 1000)} s allowed)` };
  };

  return {
    verifySlack,
    recordPollPass(at = clock()) {
      lastPassMs = at.getTime();
    },
    async check() {
      const checks = [await storeCheck(), await slackCheck(), pollCheck()];
      return { ready: checks.every((check) => check.ok), checks };
    },
  };
}
