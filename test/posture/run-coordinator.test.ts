import { describe, expect, it } from 'vitest';
import { createRunCoordinator } from '../../src/posture/index.js';

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

function setup(limits: { maxInFlight?: number; reuseWithinMs?: number; userCooldownMs?: number } = {}) {
  let clock = 1_000_000;
  const started: string[] = [];
  const pending = new Map<string, ReturnType<typeof deferred<string>>[]>();
  const coordinator = createRunCoordinator<string>({
    ...limits,
    now: () => clock,
    run: (accountId) => {
      started.push(accountId);
      const run = deferred<string>();
      pending.set(accountId, [...(pending.get(accountId) ?? []), run]);
      return run.promise;
    },
  });
  const finish = (accountId: string, value = `report of ${accountId}`) => pending.get(accountId)?.shift()?.resolve(value);
  return { coordinator, started, pending, finish, advance: (ms: number) => (clock += ms) };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('createRunCoordinator', () => {
  it('runs an account once while requests pile up, and shares the result with all of them', async () => {
    const { coordinator, started, finish } = setup();
    const requests = Array.from({ length: 50 }, (_, index) => coordinator.request('111111111111', `U${index}`));
    await tick();
    expect(started).toEqual(['111111111111']);
    finish('111111111111');
    const results = await Promise.all(requests);
    expect(results.every((result) => result.kind === 'result' && result.value === 'report of 111111111111')).toBe(true);
    expect(results.filter((result) => result.kind === 'result' && result.source === 'started')).toHaveLength(1);
    expect(coordinator.counts()).toMatchObject({ started: 1, shared: 49, inFlight: 0 });
  });

  it('reuses a result younger than the reuse window, and runs again after it', async () => {
    const { coordinator, started, finish, advance } = setup({ reuseWithinMs: 60_000, userCooldownMs: 0 });
    const first = coordinator.request('111111111111', 'U1');
    await tick();
    finish('111111111111');
    await first;
    advance(59_000);
    expect(await coordinator.request('111111111111', 'U2')).toMatchObject({ kind: 'result', source: 'reused' });
    advance(1_000);
    const again = coordinator.request('111111111111', 'U2');
    await tick();
    expect(started).toHaveLength(2);
    finish('111111111111', 'second');
    expect(await again).toMatchObject({ kind: 'result', source: 'started', value: 'second' });
  });

  it('makes a user wait the cooldown before starting another run, but lets them share or reuse meanwhile', async () => {
    const { coordinator, started, finish, advance } = setup({ reuseWithinMs: 0, userCooldownMs: 30_000 });
    const first = coordinator.request('111111111111', 'U1');
    await tick();
    expect(await coordinator.request('222222222222', 'U1')).toEqual({ kind: 'cooldown', retryInMs: 30_000 });
    expect(coordinator.request('111111111111', 'U1')).not.toBeNull();
    finish('111111111111');
    await first;
    advance(10_000);
    expect(await coordinator.request('222222222222', 'U1')).toEqual({ kind: 'cooldown', retryInMs: 20_000 });
    // Someone else may start it.
    const other = coordinator.request('222222222222', 'U2');
    await tick();
    expect(started).toEqual(['111111111111', '222222222222']);
    finish('222222222222');
    await other;
    advance(20_000);
    const later = coordinator.request('333333333333', 'U1');
    await tick();
    expect(started).toHaveLength(3);
    finish('333333333333');
    await later;
    expect(coordinator.counts().cooledDown).toBe(2);
  });

  it('never has more than maxInFlight runs going; the others start in turn', async () => {
    const { coordinator, started, finish } = setup({ maxInFlight: 2, reuseWithinMs: 0, userCooldownMs: 0 });
    const requests = ['a', 'b', 'c', 'd'].map((accountId) => coordinator.request(accountId, `U-${accountId}`));
    await tick();
    expect(started).toEqual(['a', 'b']);
    expect(coordinator.counts()).toMatchObject({ inFlight: 4, queued: 2 });
    finish('a');
    await tick();
    expect(started).toEqual(['a', 'b', 'c']);
    finish('b');
    finish('c');
    await tick();
    finish('d');
    expect((await Promise.all(requests)).map((result) => result.kind === 'result' && result.value)).toEqual(['report of a', 'report of b', 'report of c', 'report of d']);
    expect(coordinator.counts()).toMatchObject({ inFlight: 0, queued: 0 });
  });

  it('hands a failure to everyone who shared the run, keeps nothing of it, and frees the slot', async () => {
    const { coordinator, started, pending, finish } = setup({ maxInFlight: 1, reuseWithinMs: 60_000, userCooldownMs: 0 });
    const first = coordinator.request('a', 'U1');
    const second = coordinator.request('a', 'U2');
    await tick();
    pending.get('a')?.shift()?.reject(new Error('AccessDenied'));
    await expect(first).rejects.toThrow('AccessDenied');
    await expect(second).rejects.toThrow('AccessDenied');
    const retry = coordinator.request('a', 'U3');
    await tick();
    expect(started).toEqual(['a', 'a']);
    finish('a');
    expect(await retry).toMatchObject({ kind: 'result', source: 'started' });
  });

  it('requestMany counts one cooldown for the whole refresh and coalesces each account', async () => {
    const { coordinator, started, finish } = setup({ maxInFlight: 10, reuseWithinMs: 60_000, userCooldownMs: 30_000 });
    const single = coordinator.request('a', 'U2');
    const many = coordinator.requestMany(['a', 'b', 'c'], 'U1');
    expect(many.kind).toBe('started');
    await tick();
    expect(started).toEqual(['a', 'b', 'c']);
    expect(coordinator.requestMany(['d'], 'U1')).toEqual({ kind: 'cooldown', retryInMs: 30_000 });
    for (const id of ['a', 'b', 'c']) finish(id);
    if (many.kind === 'started') expect((await Promise.all(many.results)).map((result) => result.kind === 'result' && result.source)).toEqual(['shared', 'started', 'started']);
    await single;
    // Everything is fresh: a refresh that needs no run is not held by the cooldown.
    expect(coordinator.requestMany(['a', 'b'], 'U1').kind).toBe('started');
  });

  it('claim: the scan registers an account it checks itself; requests meanwhile share it, and its result is reused', async () => {
    const { coordinator, started, advance } = setup({ maxInFlight: 1, reuseWithinMs: 60_000, userCooldownMs: 30_000 });
    const claim = coordinator.claim('a');
    expect(claim.kind).toBe('claimed');
    const asked = coordinator.request('a', 'U1');
    // A claim takes no slot: another account's request still starts at once under maxInFlight 1.
    void coordinator.request('b', 'U2');
    await tick();
    expect(started).toEqual(['b']);
    if (claim.kind === 'claimed') claim.settle('scan report of a');
    expect(await asked).toMatchObject({ kind: 'result', value: 'scan report of a', source: 'shared' });
    advance(1_000);
    expect(await coordinator.request('a', 'U3')).toMatchObject({ kind: 'result', value: 'scan report of a', source: 'reused' });
    expect(coordinator.counts()).toMatchObject({ claimed: 1, shared: 1, reused: 1, started: 1 });
  });

  it('claim: an account already running for a user is not claimed; the scan gets that run\'s result', async () => {
    const { coordinator, started, finish } = setup();
    const asked = coordinator.request('a', 'U1');
    await tick();
    const claim = coordinator.claim('a');
    expect(claim.kind).toBe('in-flight');
    finish('a', 'user report of a');
    if (claim.kind === 'in-flight') expect(await claim.result).toBe('user report of a');
    expect(await asked).toMatchObject({ kind: 'result', source: 'started' });
    expect(started).toEqual(['a']);
  });

  it('claim: a scan that fails an account rejects its sharers and keeps nothing, so the next request runs', async () => {
    const { coordinator, started, finish } = setup({ userCooldownMs: 0 });
    const claim = coordinator.claim('a');
    const asked = coordinator.request('a', 'U1');
    if (claim.kind === 'claimed') claim.fail(new Error('AccessDenied'));
    await expect(asked).rejects.toThrow('AccessDenied');
    const retry = coordinator.request('a', 'U1');
    await tick();
    expect(started).toEqual(['a']);
    finish('a');
    expect(await retry).toMatchObject({ kind: 'result', source: 'started' });
  });
});
