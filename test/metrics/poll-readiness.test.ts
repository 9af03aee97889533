// The poll check's decision (pure): the deployment's last poll pass, whichever replica ran it, at most three
// intervals old; before a pass since this replica started, the start time counts.
import { describe, expect, it } from 'vitest';
import { pollReadiness } from '../../src/metrics/index.js';

const START = Date.parse('2026-12-02T07:00:00.000Z');
const INTERVAL = 5_000;
const at = (ms: number) => new Date(START + ms).toISOString();

describe('pollReadiness', () => {
  it('is ready with another replica’s pass within three intervals, up to the limit, and names it', () => {
    const lastRead = { readAt: at(10_000), readBy: 'host-b:3001' };
    expect(pollReadiness({ nowMs: START + 25_000, startedAtMs: START, pollIntervalMs: INTERVAL, lastRead })).toEqual({
      name: 'poll',
      ok: true,
      detail: 'last poll pass 15 s ago by host-b:3001 (at most 15 s allowed)',
      lastPassAt: at(10_000),
      lastPassBy: 'host-b:3001',
    });
    expect(pollReadiness({ nowMs: START + 25_001, startedAtMs: START, pollIntervalMs: INTERVAL, lastRead })).toMatchObject({ ok: false, lastPassBy: 'host-b:3001' });
  });

  it('counts from the start until a pass is seen, then fails when none comes', () => {
    expect(pollReadiness({ nowMs: START + 15_000, startedAtMs: START, pollIntervalMs: INTERVAL, lastRead: null })).toEqual({
      name: 'poll',
      ok: true,
      detail: 'no poll pass yet, started 15 s ago (at most 15 s allowed)',
      lastPassAt: null,
      lastPassBy: null,
    });
    expect(pollReadiness({ nowMs: START + 16_000, startedAtMs: START, pollIntervalMs: INTERVAL, lastRead: null }).ok).toBe(false);
  });

  it('gives a restarted replica three intervals after its start though the last pass is older, and says when that was', () => {
    const lastRead = { readAt: at(-600_000), readBy: 'host-a:3000' };
    expect(pollReadiness({ nowMs: START + 10_000, startedAtMs: START, pollIntervalMs: INTERVAL, lastRead })).toEqual({
      name: 'poll',
      ok: true,
      detail: 'no poll pass yet, started 10 s ago (at most 15 s allowed); the last one was 610 s ago by host-a:3000',
      lastPassAt: at(-600_000),
      lastPassBy: 'host-a:3000',
    });
    expect(pollReadiness({ nowMs: START + 20_000, startedAtMs: START, pollIntervalMs: INTERVAL, lastRead }).ok).toBe(false);
  });

  it('leaves the replica out when the store has no name for it, and tolerates a reader whose clock runs ahead', () => {
    expect(pollReadiness({ nowMs: START + 20_000, startedAtMs: START, pollIntervalMs: INTERVAL, lastRead: { readAt: at(15_000), readBy: null } }).detail).toBe('last poll pass 5 s ago (at most 15 s allowed)');
    expect(pollReadiness({ nowMs: START + 20_000, startedAtMs: START, pollIntervalMs: INTERVAL, lastRead: { readAt: at(22_000), readBy: 'host-b:3001' } })).toMatchObject({ ok: true, detail: 'last poll pass 0 s ago by host-b:3001 (at most 15 s allowed)' });
  });

  it('treats a read time that is not a time as no pass', () => {
    expect(pollReadiness({ nowMs: START + 20_000, startedAtMs: START, pollIntervalMs: INTERVAL, lastRead: { readAt: 'garbage', readBy: 'host-b:3001' } })).toMatchObject({ ok: false, lastPassAt: null, lastPassBy: null });
  });
});
