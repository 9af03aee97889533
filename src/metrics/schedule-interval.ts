// How far apart a cron schedule's runs are, read from node-cron itself (so it agrees with the scheduler).
import cron from 'node-cron';

/** Runs looked at: enough to see a weekend gap in a weekday schedule. */
const RUNS_SAMPLED = 20;

/** The longest gap between consecutive runs of `expression` among its next runs, in ms. */
export function scheduleIntervalMs(expression: string, timezone?: string): number {
  const task = cron.createTask(expression, () => undefined, timezone ? { timezone } : {});
  try {
    const runs = task.getNextRuns(RUNS_SAMPLED).map((run) => run.getTime());
    let longest = 0;
    for (let index = 1; index < runs.length; index++) longest = Math.max(longest, (runs[index] as number) - (runs[index - 1] as number));
    if (longest <= 0) throw new RangeError(`the schedule "${expression}" does not repeat`);
    return longest;
  } finally {
    void task.destroy();
  }
}
