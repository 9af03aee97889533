// SUMMARY_SCHEDULE and SUMMARY_TIMEZONE, checked like the rest of src/config.ts: every problem named, none fatal alone.
import cron from 'node-cron';
import type { Env } from '../config-reader.js';
import { canonicalTimeZone } from './week.js';

export interface SummaryConfig {
  /** A cron expression read by node-cron in `timezone`; default Mondays at 09:00. */
  schedule: string;
  /** IANA zone the schedule and the week boundaries are read in; default UTC. */
  timezone: string;
}

export const DEFAULT_SUMMARY_SCHEDULE = '0 9 * * 1';
const DEFAULT_SUMMARY_TIMEZONE = 'UTC';

const ALL_DAYS_OF_MONTH = Array.from({ length: 31 }, (_, index) => index + 1);
const ALL_MONTHS = Array.from({ length: 12 }, (_, index) => index + 1);

function coversAll(values: ReadonlyArray<number | string>, all: readonly number[]): boolean {
  return all.every((value) => values.includes(value));
}

/** Why a schedule cannot drive a weekly summary, or null when it can. */
export function scheduleProblem(expression: string): string | null {
  const detailed = cron.validateDetailed(expression);
  if (!detailed.valid || !detailed.fields) {
    const reasons = detailed.errors.map((error) => error.message).join('; ');
    return `is not a cron expression node-cron accepts (${reasons}). Use "minute hour day-of-month month day-of-week", e.g. "0 9 * * 1" for Mondays at 09:00`;
  }
  // The summary covers calendar weeks and posts once per week: a schedule that skips weeks would skip summaries.
  if (!coversAll(detailed.fields.dayOfMonth, ALL_DAYS_OF_MONTH) || !coversAll(detailed.fields.month, ALL_MONTHS)) {
    return 'must fire every week: restrict only the minute, hour and day of week (leave day-of-month and month as "*"), e.g. "0 9 * * 1"';
  }
  return null;
}

/** Reads the summary settings and returns the problems found instead of throwing, so they join the others. */
export function parseSummaryConfig(env: Env): { config: SummaryConfig; problems: string[] } {
  const problems: string[] = [];
  const scheduleRaw = env.SUMMARY_SCHEDULE?.trim() || DEFAULT_SUMMARY_SCHEDULE;
  const scheduleError = scheduleProblem(scheduleRaw);
  if (scheduleError) problems.push(`SUMMARY_SCHEDULE="${scheduleRaw}" ${scheduleError}`);

  const timezoneRaw = env.SUMMARY_TIMEZONE?.trim() || DEFAULT_SUMMARY_TIMEZONE;
  const timezone = canonicalTimeZone(timezoneRaw);
  if (timezone === null) {
    problems.push(`SUMMARY_TIMEZONE="${timezoneRaw}" is not an IANA time zone name: use one like UTC, Europe/Berlin or America/New_York (fixed offsets such as +01:00 are not accepted)`);
  }
  return {
    config: { schedule: scheduleError ? DEFAULT_SUMMARY_SCHEDULE : scheduleRaw, timezone: timezone ?? DEFAULT_SUMMARY_TIMEZONE },
    problems,
  };
}
