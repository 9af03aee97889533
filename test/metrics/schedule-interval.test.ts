// The poll schedule's interval as node-cron runs it, for /readyz's "three intervals".
import { describe, expect, it } from 'vitest';
import { scheduleIntervalMs } from '../../src/metrics/index.js';

describe('scheduleIntervalMs', () => {
  it('reads regular schedules', () => {
    expect(scheduleIntervalMs('* * * * *')).toBe(60_000);
    expect(scheduleIntervalMs('*/5 * * * *')).toBe(5 * 60_000);
    expect(scheduleIntervalMs('*/10 * * * * *')).toBe(10_000);
  });

  it('takes the longest gap of an irregular one (weekdays at 9: the weekend)', () => {
    expect(scheduleIntervalMs('0 9 * * 1-5')).toBe(3 * 24 * 60 * 60_000);
  });
});
