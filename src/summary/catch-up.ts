// When is this week's summary due, and has it been posted? Pure decisions on a given clock reading.
import cron from 'node-cron';
import { isWithinWeek, localDateTime, previousWeek, weekContaining, zonedInstant, type Week } from './week.js';

/**
 * The first instant of `week` at which node-cron fires `schedule` in the week's zone, or null if it never does.
 * Candidates come from the schedule's own fields and are confirmed with node-cron's matcher, so a wall time skipped by
 * a DST switch is skipped here exactly as node-cron skips it.
 */
export function firstScheduledTimeInWeek(schedule: string, week: Week): Date | null {
  const fields = cron.parse(schedule);
  const hours = [...fields.hour].sort((a, b) => a - b);
  const minutes = [...fields.minute].sort((a, b) => a - b);
  const seconds = [...fields.second].sort((a, b) => a - b);
  // A task that is created but never started: only its matcher is used, then it leaves node-cron's registry.
  const matcher = cron.createTask(schedule, () => undefined, { timezone: week.timezone });
  try {
    const monday = localDateTime(week.start, week.timezone);
    for (let dayIndex = 0; dayIndex < 7; dayIndex += 1) {
      const day = localDateTime(new Date(Date.UTC(monday.year, monday.month - 1, monday.day + dayIndex, 12)), 'UTC');
      for (const hour of hours) {
        for (const minute of minutes) {
          for (const second of seconds) {
            const instant = zonedInstant({ year: day.year, month: day.month, day: day.day, hour, minute, second }, week.timezone);
            if (isWithinWeek(instant, week) && matcher.match(instant)) return instant;
          }
        }
      }
    }
    return null;
  } finally {
    void matcher.destroy();
  }
}

export type CatchUpDecision =
  | { post: true; reason: 'missed'; reportWeek: Week; scheduledAt: Date }
  | { post: false; reason: 'not-due-yet' | 'already-posted'; reportWeek: Week; scheduledAt: Date }
  | { post: false; reason: 'no-run-this-week'; reportWeek: Week; scheduledAt: null };

/** ISO week keys ("2026-W48") sort as text: zero-padded year and week. */
function postedAtOrAfter(lastPostedWeekKey: string | null, weekKey: string): boolean {
  return lastPostedWeekKey !== null && lastPostedWeekKey >= weekKey;
}

/**
 * On start-up: post now only if this week's scheduled time has passed and its summary (of the previous week) was not
 * posted. A restart right after posting finds the week in the ledger; a start before the scheduled time waits for cron.
 */
export function shouldPostOnStartup(now: Date, lastPostedWeekKey: string | null, schedule: string, timezone: string): CatchUpDecision {
  const currentWeek = weekContaining(now, timezone);
  const reportWeek = previousWeek(now, timezone);
  const scheduledAt = firstScheduledTimeInWeek(schedule, currentWeek);
  if (scheduledAt === null) return { post: false, reason: 'no-run-this-week', reportWeek, scheduledAt };
  if (now.getTime() < scheduledAt.getTime()) return { post: false, reason: 'not-due-yet', reportWeek, scheduledAt };
  if (postedAtOrAfter(lastPostedWeekKey, reportWeek.key)) return { post: false, reason: 'already-posted', reportWeek, scheduledAt };
  return { post: true, reason: 'missed', reportWeek, scheduledAt };
}

/** The week a summary made at `now` reports on: the last complete week. */
export function reportWeekAt(now: Date, timezone: string): Week {
  return previousWeek(now, timezone);
}
