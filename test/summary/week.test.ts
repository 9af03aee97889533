import { describe, expect, it } from 'vitest';
import {
  canonicalTimeZone,
  isoWeekKey,
  isWithinWeek,
  localDateTime,
  precedingWeekKeys,
  previousWeek,
  shiftWeek,
  weekContaining,
  weeksEndingWith,
  zonedInstant,
} from '../../src/summary/week.js';

const HOUR = 3_600_000;

describe('weekContaining', () => {
  it('is Monday 00:00 to Monday 00:00 UTC', () => {
    const week = weekContaining(new Date('2026-11-25T12:00:00Z'), 'UTC');
    expect(week).toMatchObject({ key: '2026-W48', firstDay: '2026-11-23', lastDay: '2026-11-29' });
    expect(week.start.toISOString()).toBe('2026-11-23T00:00:00.000Z');
    expect(week.end.toISOString()).toBe('2026-11-30T00:00:00.000Z');
  });

  it('Europe/Berlin, spring forward (29 Mar 2026, 02:00 -> 03:00): a 167-hour week from CET to CEST', () => {
    const week = weekContaining(new Date('2026-03-29T12:00:00Z'), 'Europe/Berlin');
    expect(week.key).toBe('2026-W13');
    expect(week.start.toISOString()).toBe('2026-03-22T23:00:00.000Z'); // Monday 00:00 CET (+01:00)
    expect(week.end.toISOString()).toBe('2026-03-29T22:00:00.000Z'); // Monday 00:00 CEST (+02:00)
    expect(week.end.getTime() - week.start.getTime()).toBe(167 * HOUR);
  });

  it('Europe/Berlin, fall back (25 Oct 2026, 03:00 -> 02:00): a 169-hour week', () => {
    const week = weekContaining(new Date('2026-10-25T01:30:00Z'), 'Europe/Berlin');
    expect(week.key).toBe('2026-W43');
    expect(week.start.toISOString()).toBe('2026-10-18T22:00:00.000Z');
    expect(week.end.toISOString()).toBe('2026-10-25T23:00:00.000Z');
    expect(week.end.getTime() - week.start.getTime()).toBe(169 * HOUR);
  });

  it('America/New_York, spring forward (8 Mar 2026) and fall back (1 Nov 2026)', () => {
    const spring = weekContaining(new Date('2026-03-08T07:30:00Z'), 'America/New_York');
    expect(spring.start.toISOString()).toBe('2026-03-02T05:00:00.000Z'); // EST -05:00
    expect(spring.end.toISOString()).toBe('2026-03-09T04:00:00.000Z'); // EDT -04:00
    const fall = weekContaining(new Date('2026-11-01T05:30:00Z'), 'America/New_York');
    expect(fall.start.toISOString()).toBe('2026-10-26T04:00:00.000Z');
    expect(fall.end.toISOString()).toBe('2026-11-02T05:00:00.000Z');
    expect(fall.end.getTime() - fall.start.getTime()).toBe(169 * HOUR);
  });

  it('Pacific/Auckland: the local Monday starts on Sunday in UTC, and its DST (27 Sep 2026) is in spring', () => {
    // 30 Nov 2026 08:00 UTC is Monday 30 Nov 21:00 NZDT (+13:00).
    const week = weekContaining(new Date('2026-11-30T08:00:00Z'), 'Pacific/Auckland');
    expect(week).toMatchObject({ key: '2026-W49', firstDay: '2026-11-30' });
    expect(week.start.toISOString()).toBe('2026-11-29T11:00:00.000Z');
    const dstWeek = weekContaining(new Date('2026-09-27T08:00:00Z'), 'Pacific/Auckland');
    expect(dstWeek.start.toISOString()).toBe('2026-09-20T12:00:00.000Z'); // NZST +12:00
    expect(dstWeek.end.toISOString()).toBe('2026-09-27T11:00:00.000Z'); // NZDT +13:00
  });

  it('a zone whose clocks jump at midnight starts the week at the first instant that exists', () => {
    // America/Santiago moves from -04:00 to -03:00 at 24:00 on Saturday 5 Sep 2026: Sunday 00:00 does not exist,
    // the week after starts normally, and this week is an hour short.
    const week = weekContaining(new Date('2026-09-05T12:00:00Z'), 'America/Santiago');
    expect(week.end.getTime() - week.start.getTime()).toBe(167 * HOUR);
    expect(localDateTime(week.end, 'America/Santiago')).toMatchObject({ day: 7, hour: 0, minute: 0 });
  });

  it('Sunday 23:59 local belongs to the week, Monday 00:00 local to the next one', () => {
    for (const timezone of ['UTC', 'Europe/Berlin', 'America/New_York', 'Pacific/Auckland']) {
      const week = weekContaining(new Date('2026-11-25T12:00:00Z'), timezone);
      const sundayLate = zonedInstant({ year: 2026, month: 11, day: 29, hour: 23, minute: 59, second: 59 }, timezone);
      const mondayMidnight = zonedInstant({ year: 2026, month: 11, day: 30, hour: 0, minute: 0, second: 0 }, timezone);
      expect(isWithinWeek(sundayLate, week), timezone).toBe(true);
      expect(isWithinWeek(mondayMidnight, week), timezone).toBe(false);
      expect(weekContaining(mondayMidnight, timezone).key, timezone).toBe('2026-W49');
      expect(mondayMidnight.getTime()).toBe(week.end.getTime());
    }
  });
});

describe('zonedInstant', () => {
  it('moves a wall time skipped by spring forward ahead by the gap', () => {
    expect(zonedInstant({ year: 2026, month: 3, day: 29, hour: 2, minute: 30, second: 0 }, 'Europe/Berlin').toISOString()).toBe('2026-03-29T01:30:00.000Z'); // 03:30 CEST
  });

  it('takes the earlier of a wall time repeated by fall back', () => {
    expect(zonedInstant({ year: 2026, month: 10, day: 25, hour: 2, minute: 30, second: 0 }, 'Europe/Berlin').toISOString()).toBe('2026-10-25T00:30:00.000Z'); // 02:30 CEST
  });

  it('round-trips through localDateTime on ordinary times', () => {
    const local = { year: 2026, month: 7, day: 14, hour: 9, minute: 5, second: 7 };
    expect(localDateTime(zonedInstant(local, 'Asia/Kathmandu'), 'Asia/Kathmandu')).toEqual(local);
  });
});

describe('ISO week keys', () => {
  it.each([
    ['2020-12-28', '2020-W53'],
    ['2021-01-04', '2021-W01'],
    ['2024-12-30', '2025-W01'],
    ['2026-11-23', '2026-W48'],
    ['2026-12-28', '2026-W53'],
    ['2027-01-04', '2027-W01'],
  ])('the week starting %s is %s', (monday, key) => {
    const [year, month, day] = monday.split('-').map(Number) as [number, number, number];
    expect(isoWeekKey({ year, month, day })).toBe(key);
  });

  it('sort as text in time order across a year end', () => {
    const keys = weeksEndingWith(weekContaining(new Date('2027-01-06T00:00:00Z'), 'UTC'), 4).map((week) => week.key);
    expect(keys).toEqual(['2026-W51', '2026-W52', '2026-W53', '2027-W01']);
    expect([...keys].sort()).toEqual(keys);
  });

  it('precedingWeekKeys lists the weeks before, oldest first', () => {
    // 1 Jan 2026 is a Thursday, so the week of Monday 29 Dec 2025 is 2026-W01 and 5 Jan starts W02.
    expect(isoWeekKey({ year: 2026, month: 1, day: 5 })).toBe('2026-W02');
    expect(precedingWeekKeys('2026-01-05', 3)).toEqual(['2025-W51', '2025-W52', '2026-W01']);
  });
});

describe('previousWeek and shiftWeek', () => {
  it('the Monday summary reports on the week that just ended, in local time', () => {
    // Monday 30 Nov 2026 09:00 in Auckland is Sunday 29 Nov 20:00 UTC.
    const week = previousWeek(new Date('2026-11-29T20:00:00Z'), 'Pacific/Auckland');
    expect(week).toMatchObject({ key: '2026-W48', firstDay: '2026-11-23', lastDay: '2026-11-29' });
  });

  it('shifts across DST keeping local midnights', () => {
    const week = shiftWeek(weekContaining(new Date('2026-03-18T12:00:00Z'), 'Europe/Berlin'), 2);
    expect(week.key).toBe('2026-W14');
    expect(week.start.toISOString()).toBe('2026-03-29T22:00:00.000Z');
  });
});

describe('canonicalTimeZone', () => {
  it('accepts IANA names and returns their canonical spelling', () => {
    expect(canonicalTimeZone('Europe/Berlin')).toBe('Europe/Berlin');
    expect(canonicalTimeZone('utc')).toBe('UTC');
    expect(canonicalTimeZone(' Pacific/Auckland ')).toBe('Pacific/Auckland');
  });

  it('refuses unknown names, empty text and fixed offsets', () => {
    expect(canonicalTimeZone('Mars/Olympus_Mons')).toBeNull();
    expect(canonicalTimeZone('')).toBeNull();
    expect(canonicalTimeZone('+01:00')).toBeNull();
    expect(canonicalTimeZone('Europe/Berlin; rm -rf')).toBeNull();
  });
});
