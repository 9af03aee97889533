// Bounds the posture runs that users can start (issue 10, "Unbounded posture runs"): one run per account in flight,
// later requests share it or reuse a result younger than `reuseWithinMs`, one user may start a new run only once per
// `userCooldownMs`, and at most `maxInFlight` runs talk to AWS at once (the others queue, first come first served).
// Knows nothing of Slack: the command, the "Run again" and the "Refresh" buttons all call it.

export interface RunLimits {
  /** Runs talking to AWS at once, over all accounts; more wait their turn. */
  maxInFlight: number;
  /** A finished result this young is handed out again instead of starting a run. */
  reuseWithinMs: number;
  /** After starting a run, a user must wait this long to start another (sharing or reusing is always allowed). */
  userCooldownMs: number;
}

export const DEFAULT_RUN_LIMITS: Readonly<RunLimits> = Object.freeze({ maxInFlight: 8, reuseWithinMs: 60_000, userCooldownMs: 30_000 });

/** How a request was served: a run it started, one already in flight, or a result younger than the reuse window. */
export type RunSource = 'started' | 'shared' | 'reused';

export type CoordinatedRun<T> =
  | { kind: 'result'; value: T; source: RunSource; finishedAt: number }
  | { kind: 'cooldown'; retryInMs: number };

export interface RunCounts {
  started: number;
  /** Accounts the scheduled scan checked itself, registered through claim(). */
  claimed: number;
  shared: number;
  reused: number;
  cooledDown: number;
  /** Runs registered and not finished (running or queued). */
  inFlight: number;
  /** Of those, the ones waiting for a slot. */
  queued: number;
}

export interface RunCoordinatorOptions<T> extends Partial<RunLimits> {
  run(accountId: string): Promise<T>;
  /** Milliseconds since the epoch; tests pass a fake clock. */
  now?: () => number;
}

export interface RunCoordinator<T> {
  /** A result for `accountId`, started by `userId` only if nothing in flight or recent can serve it. */
  request(accountId: string, userId: string): Promise<CoordinatedRun<T>>;
  /**
   * Results for many accounts (the overview's Refresh): one cooldown check for the user, then each account as
   * `request` would serve it, under the same global cap. Each promise settles on its own.
   */
  requestMany(accountIds: readonly string[], userId: string): { kind: 'cooldown'; retryInMs: number } | { kind: 'started'; results: Array<Promise<CoordinatedRun<T>>> };
  /**
   * The scheduled scan checks `accountId` itself (it reads the organization once for all its accounts): registered
   * as in flight, so a request meanwhile shares the scan's result, settled by the scan. When a run of the account is
   * already in flight, nothing is registered and the scan waits for that run instead of checking the account twice.
   * A claim takes no slot of `maxInFlight`: the scan has its own concurrency (POSTURE_CONCURRENCY).
   */
  claim(accountId: string): RunClaim<T>;
  counts(): RunCounts;
}

export type RunClaim<T> = { kind: 'claimed'; settle(value: T): void; fail(error: unknown): void } | { kind: 'in-flight'; result: Promise<T> };

interface Finished<T> {
  value: T;
  at: number;
}

export function createRunCoordinator<T>(options: RunCoordinatorOptions<T>): RunCoordinator<T> {
  const limits: RunLimits = {
    maxInFlight: Math.max(1, options.maxInFlight ?? DEFAULT_RUN_LIMITS.maxInFlight),
    reuseWithinMs: Math.max(0, options.reuseWithinMs ?? DEFAULT_RUN_LIMITS.reuseWithinMs),
    userCooldownMs: Math.max(0, options.userCooldownMs ?? DEFAULT_RUN_LIMITS.userCooldownMs),
  };
  const now = options.now ?? Date.now;
  const inFlight = new Map<string, Promise<Finished<T>>>();
  const finished = new Map<string, Finished<T>>();
  const lastStartByUser = new Map<string, number>();
  const waiting: Array<() => void> = [];
  let running = 0;
  const tally = { started: 0, claimed: 0, shared: 0, reused: 0, cooledDown: 0 };

  async function slot(): Promise<void> {
    if (running < limits.maxInFlight) {
      running += 1;
      return;
    }
    // The slot is handed over by release(), so `running` stays at the cap meanwhile.
    await new Promise<void>((resolve) => waiting.push(resolve));
  }

  function release(): void {
    const next = waiting.shift();
    if (next) next();
    else running -= 1;
  }

  function prune(at: number): void {
    // Old results are dropped as time goes by, so the map never holds more than the last minute's accounts.
    for (const [accountId, result] of finished) if (at - result.at >= limits.reuseWithinMs) finished.delete(accountId);
    for (const [userId, startedAt] of lastStartByUser) if (at - startedAt >= limits.userCooldownMs) lastStartByUser.delete(userId);
  }

  function start(accountId: string): Promise<Finished<T>> {
    tally.started += 1;
    const run = (async () => {
      await slot();
      try {
        const value = await options.run(accountId);
        const result = { value, at: now() };
        if (limits.reuseWithinMs > 0) finished.set(accountId, result);
        return result;
      } finally {
        release();
        inFlight.delete(accountId);
      }
    })();
    inFlight.set(accountId, run);
    return run;
  }

  /** A result that needs no new run, if there is one. */
  function existing(accountId: string, at: number): Promise<CoordinatedRun<T>> | null {
    const current = inFlight.get(accountId);
    if (current) {
      tally.shared += 1;
      return current.then((result) => ({ kind: 'result', value: result.value, source: 'shared', finishedAt: result.at }));
    }
    const recent = finished.get(accountId);
    if (recent && at - recent.at < limits.reuseWithinMs) {
      tally.reused += 1;
      return Promise.resolve({ kind: 'result', value: recent.value, source: 'reused', finishedAt: recent.at });
    }
    return null;
  }

  function cooldownLeft(userId: string, at: number): number {
    const lastStart = lastStartByUser.get(userId);
    return lastStart === undefined ? 0 : Math.max(0, lastStart + limits.userCooldownMs - at);
  }

  function startFor(accountId: string): Promise<CoordinatedRun<T>> {
    return start(accountId).then((result) => ({ kind: 'result', value: result.value, source: 'started', finishedAt: result.at }));
  }

  return {
    request(accountId, userId) {
      const at = now();
      prune(at);
      const served = existing(accountId, at);
      if (served) return served;
      const wait = cooldownLeft(userId, at);
      if (wait > 0) {
        tally.cooledDown += 1;
        return Promise.resolve({ kind: 'cooldown', retryInMs: wait });
      }
      if (limits.userCooldownMs > 0) lastStartByUser.set(userId, at);
      return startFor(accountId);
    },
    requestMany(accountIds, userId) {
      const at = now();
      prune(at);
      const needsRun = accountIds.some((accountId) => !inFlight.has(accountId) && !finished.has(accountId));
      const wait = needsRun ? cooldownLeft(userId, at) : 0;
      if (wait > 0) {
        tally.cooledDown += 1;
        return { kind: 'cooldown', retryInMs: wait };
      }
      if (needsRun && limits.userCooldownMs > 0) lastStartByUser.set(userId, at);
      return { kind: 'started', results: accountIds.map((accountId) => existing(accountId, at) ?? startFor(accountId)) };
    },
    claim(accountId) {
      const current = inFlight.get(accountId);
      if (current) {
        tally.shared += 1;
        return { kind: 'in-flight', result: current.then((result) => result.value) };
      }
      tally.claimed += 1;
      let settle!: (value: T) => void;
      let fail!: (error: unknown) => void;
      const outcome = new Promise<T>((resolve, reject) => {
        settle = resolve;
        fail = reject;
      });
      const run = outcome
        .then((value) => {
          const result = { value, at: now() };
          if (limits.reuseWithinMs > 0) finished.set(accountId, result);
          return result;
        })
        .finally(() => {
          if (inFlight.get(accountId) === run) inFlight.delete(accountId);
        });
      // A scan whose account could not be checked rejects its sharers; nobody may be listening, which is fine.
      run.catch(() => undefined);
      inFlight.set(accountId, run);
      return { kind: 'claimed', settle, fail };
    },
    counts() {
      return { ...tally, inFlight: inFlight.size, queued: waiting.length };
    },
  };
}
