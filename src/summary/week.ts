// Calendar weeks in an IANA time zone, with Intl only: Monday 00:00 local to the next Monday 00:00 local.
// A week is a pair of instants, so a DST switch inside it simply makes it 167 or 169 hours long.

/** A wall-clock date and time in some zone; month 1-12, isoWeekday 1 (Monday) to 7 (Sunday). */
export interface LocalDateTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

export interface Week {
  /** ISO 8601 week key, e.g. "2026-W48": what the ledger stores so a week posts once. */
  key: string;
  timezone: string;
  /** First instant of the week: Monday 00:00 local (or the first existing instant after it). */
  start: Date;
  /** First instant of the next week: the window is [start, end). */
  end: Date;
  /** The Monday's local calendar date, YYYY-MM-DD. */
  firstDay: string;
  /** The Sunday's local calendar date, YYYY-MM-DD. */
  lastDay: string;
}

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

// One formatter per zone: building a DateTimeFormat costs far more than using one.
const partsFormatters = new Map<string, Intl.DateTimeFormat>();

function partsFormatter(timezone: string): Intl.DateTimeFormat {
  let formatter = partsFormatters.get(timezone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      era: 'short',
    });
    partsFormatters.set(timezone, formatter);
  }
  return formatter;
}

/** The wall-clock reading of an instant in a zone. */
export function localDateTime(instant: Date, timezone: string): LocalDateTime {
  const fields: Record<string, string> = {};
  for (const part of partsFormatter(timezone).formatToParts(instant)) fields[part.type] = part.value;
  const yearOfEra = Number(fields.year);
  return {
    // Years before 1 CE come back as era "BC"; only matters for absurd inputs, but keep the arithmetic honest.
    year: fields.era === 'BC' ? 1 - yearOfEra : yearOfEra,
    month: Number(fields.month),
    day: Number(fields.day),
    hour: Number(fields.hour),
    minute: Number(fields.minute),
    second: Number(fields.second),
  };
}

/** The wall clock read as if it were UTC: a plain number to do calendar arithmetic on. */
function wallClockMs(local: LocalDateTime): number {
  const date = new Date(Date.UTC(2000, local.month - 1, local.day, local.hour, local.minute, local.second));
  date.setUTCFullYear(local.year);
  return date.getTime();
}

/** Minutes the zone is ahead of UTC at this instant (Berlin in winter: 60, New York in winter: -300). */
function offsetMinutes(instant: Date, timezone: string): number {
  const wholeSecond = Math.floor(instant.getTime() / 1000) * 1000;
  return Math.round((wallClockMs(localDateTime(new Date(wholeSecond), timezone)) - wholeSecond) / MINUTE_MS);
}

/**
 * The instant a wall-clock time names in a zone. Like Temporal's "compatible" disambiguation:
 * a time repeated by a fall-back switch gives the earlier instant, a time skipped by a spring-forward switch
 * moves forward by the gap (02:30 on a day that jumps 02:00 -> 03:00 gives 03:30).
 */
export function zonedInstant(local: LocalDateTime, timezone: string): Date {
  const wall = wallClockMs(local);
  // Offsets a day either side bracket any switch near this time.
  const offsetBefore = offsetMinutes(new Date(wall - DAY_MS), timezone);
  const offsetAfter = offsetMinutes(new Date(wall + DAY_MS), timezone);
  const candidates = [...new Set([offsetBefore, offsetAfter])]
    .map((offset) => wall - offset * MINUTE_MS)
    .filter((instant) => wallClockMs(localDateTime(new Date(instant), timezone)) === wall)
    .sort((a, b) => a - b);
  if (candidates.length > 0) return new Date(candidates[0]!);
  // The wall time does not exist: read it with the offset in force before the gap, which lands after the gap.
  return new Date(wall - offsetBefore * MINUTE_MS);
}

/** 1 = Monday ... 7 = Sunday, for a calendar date. */
function isoWeekday(year: number, month: number, day: number): number {
  const weekday = new Date(wallClockMs({ year, month, day, hour: 0, minute: 0, second: 0 })).getUTCDay();
  return weekday === 0 ? 7 : weekday;
}

function addDays(local: LocalDateTime, days: number): LocalDateTime {
  const shifted = new Date(wallClockMs({ ...local, hour: 0, minute: 0, second: 0 }) + days * DAY_MS);
  return { year: shifted.getUTCFullYear(), month: shifted.getUTCMonth() + 1, day: shifted.getUTCDate(), hour: 0, minute: 0, second: 0 };
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

function calendarDate(local: LocalDateTime): string {
  return `${pad(local.year, 4)}-${pad(local.month, 2)}-${pad(local.day, 2)}`;
}

/** ISO 8601 week key of the week that starts on this Monday: the week belongs to the year of its Thursday. */
export function isoWeekKey(monday: Pick<LocalDateTime, 'year' | 'month' | 'day'>): string {
  const thursday = addDays({ ...monday, hour: 0, minute: 0, second: 0 }, 3);
  const januaryFirst = wallClockMs({ year: thursday.year, month: 1, day: 1, hour: 0, minute: 0, second: 0 });
  const dayOfYear = Math.round((wallClockMs(thursday) - januaryFirst) / DAY_MS);
  return `${pad(thursday.year, 4)}-W${pad(Math.floor(dayOfYear / 7) + 1, 2)}`;
}

function weekStartingOn(monday: LocalDateTime, timezone: string): Week {
  const nextMonday = addDays(monday, 7);
  return {
    key: isoWeekKey(monday),
    timezone,
    start: zonedInstant(monday, timezone),
    end: zonedInstant(nextMonday, timezone),
    firstDay: calendarDate(monday),
    lastDay: calendarDate(addDays(monday, 6)),
  };
}

/** The local Monday-to-Monday week that contains this instant. */
export function weekContaining(instant: Date, timezone: string): Week {
  const local = localDateTime(instant, timezone);
  const monday = addDays(local, 1 - isoWeekday(local.year, local.month, local.day));
  return weekStartingOn(monday, timezone);
}

/** The week `count` weeks after (positive) or before (negative) this one. */
export function shiftWeek(week: Week, count: number): Week {
  const [year, month, day] = week.firstDay.split('-').map(Number) as [number, number, number];
  return weekStartingOn(addDays({ year, month, day, hour: 0, minute: 0, second: 0 }, 7 * count), week.timezone);
}

/** The last complete week before the one containing this instant: what the Monday summary reports on. */
export function previousWeek(instant: Date, timezone: string): Week {
  return shiftWeek(weekContaining(instant, timezone), -1);
}

/** The `count` weeks ending with `last`, oldest first. */
export function weeksEndingWith(last: Week, count: number): Week[] {
  return Array.from({ length: count }, (_, index) => shiftWeek(last, index - count + 1));
}

export function isWithinWeek(instant: Date, week: Pick<Week, 'start' | 'end'>): boolean {
  const time = instant.getTime();
  return time >= week.start.getTime() && time < week.end.getTime();
}

/**
 * Checks an IANA zone name ("Europe/Berlin", "UTC") and returns its canonical spelling, or null when Intl does not
 * know it. Offsets like "+01:00" are refused on purpose: they have no DST rules, so "09:00 local" would drift.
 */
export function canonicalTimeZone(name: string): string | null {
  const trimmed = name.trim();
  if (trimmed === '' || /^[+-]\d/.test(trimmed)) return null;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: trimmed }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

/** Keys of the `count` weeks before the week that starts on `firstDay` (YYYY-MM-DD, a Monday), oldest first. */
export function precedingWeekKeys(firstDay: string, count: number): string[] {
  const [year, month, day] = firstDay.split('-').map(Number) as [number, number, number];
  const monday: LocalDateTime = { year, month, day, hour: 0, minute: 0, second: 0 };
  return Array.from({ length: count }, (_, index) => isoWeekKey(addDays(monday, 7 * (index - count))));
}
