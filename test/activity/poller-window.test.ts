import { describe, expect, it } from 'vitest';
import { cursorKeptAfterFailure, pollWindow } from '../../src/activity/poller.js';

const now = new Date('2026-11-28T12:00:00.000Z');
const settings = { overlapMinutes: 15, initialLookbackHours: 24 };

describe('poll window', () => {
  it('reads back the initial lookback on first start, not 90 days', () => {
    const window = pollWindow({ storedCursor: null, now, ...settings });
    expect(window.startTime.toISOString()).toBe('2026-11-27T12:00:00.000Z');
    expect(window.endTime.toISOString()).toBe('2026-11-28T12:00:00.000Z');
    expect(window.firstStart).toBe(true);
  });

  it('starts at the stored cursor minus the overlap', () => {
    const window = pollWindow({ storedCursor: '2026-11-28T11:59:00.000Z', now, ...settings });
    expect(window.startTime.toISOString()).toBe('2026-11-28T11:44:00.000Z');
    expect(window.firstStart).toBe(false);
    expect(window.clampedToHistory).toBe(false);
  });

  it('never asks for more than CloudTrail\'s 90 days', () => {
    const window = pollWindow({ storedCursor: '2026-01-01T00:00:00.000Z', now, ...settings });
    expect(window.startTime.toISOString()).toBe('2026-08-30T12:00:00.000Z');
    expect(window.clampedToHistory).toBe(true);
  });

  it('still reads the overlap when the cursor is ahead of the clock', () => {
    const window = pollWindow({ storedCursor: '2026-11-28T13:00:00.000Z', now, ...settings });
    expect(window.startTime.toISOString()).toBe('2026-11-28T11:45:00.000Z');
  });

  it('treats a cursor that is not a time as a first start', () => {
    expect(pollWindow({ storedCursor: 'garbage', now, ...settings }).firstStart).toBe(true);
  });

  it('keeps the cursor of a failed Region so the next pass reads the same window again', () => {
    const stored = '2026-11-28T11:59:00.000Z';
    const window = pollWindow({ storedCursor: stored, now, ...settings });
    expect(cursorKeptAfterFailure(stored, window, 15)).toBe(stored);
    // First start: a cursor whose window starts exactly where this one did.
    const first = pollWindow({ storedCursor: null, now, ...settings });
    const kept = cursorKeptAfterFailure(null, first, 15);
    const later = new Date(now.getTime() + 5 * 60_000);
    expect(pollWindow({ storedCursor: kept, now: later, ...settings }).startTime.toISOString()).toBe(first.startTime.toISOString());
  });
});
