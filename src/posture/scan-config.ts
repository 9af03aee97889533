// POSTURE_SCHEDULE: when the org-wide scan runs, checked like the other settings (the problem names the variable).
import cron from 'node-cron';
import type { Env } from '../config-reader.js';

export interface PostureScanConfig {
  /** node-cron expression (UTC); default every 6 hours on the hour. */
  schedule: string;
}

export const DEFAULT_POSTURE_SCHEDULE = '0 */6 * * *';

export function parsePostureScanConfig(env: Env): { config: PostureScanConfig; problems: string[] } {
  const schedule = env.POSTURE_SCHEDULE?.trim() || DEFAULT_POSTURE_SCHEDULE;
  const detailed = cron.validateDetailed(schedule);
  if (detailed.valid) return { config: { schedule }, problems: [] };
  const reasons = detailed.errors.map((error) => error.message).join('; ');
  return {
    config: { schedule: DEFAULT_POSTURE_SCHEDULE },
    problems: [`POSTURE_SCHEDULE="${schedule}" is not a cron expression node-cron accepts (${reasons}): use "minute hour day-of-month month day-of-week", e.g. "${DEFAULT_POSTURE_SCHEDULE}" for every 6 hours`],
  };
}
