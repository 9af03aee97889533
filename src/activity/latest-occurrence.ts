// The start-up pass ("run now, then on the schedule") of a distributed node-cron task, taken as the occurrence of
// the schedule's latest slot, the tick just passed: it asks the task's RunCoordinator under the key node-cron uses
// for that tick (`<task name>:<slot ISO time>`). Of replicas starting together one runs it, and none does when a
// replica already ran that tick, so each tick's pass runs once across replicas, the start-up ones included. What
// a skipped start-up pass would have read, the next tick reads (the poller's cursor). node-cron's own execute()
// asks no coordinator, hence this. The posture scan's first run on a store without snapshots (main.ts) is claimed the
// same way, under a name of its own.
import type { ScheduledTask, TaskOptions } from 'node-cron';

/** How far back the latest slot is looked for (one match() a second, about 30 µs each). */
const LOOKBACK_LIMIT_MS = 60 * 60_000;
/** node-cron's lease for a distributed task's occurrence (its `distributedLease` default). */
const OCCURRENCE_LEASE_MS = 30_000;

export type Coordination = Required<Pick<TaskOptions, 'distributed' | 'runCoordinator'>>;

/**
 * What a run may answer: nothing (the occurrence is done: nobody runs it again), or 'unfinished' (it did not do its
 * work: the claim is left to lapse after its lease, so a replica asking after that runs it).
 */
export type OccurrenceRunResult = undefined | 'unfinished';

/**
 * The schedule's latest slot at or before `now` (whole seconds, as node-cron ticks); a schedule with none in the last
 * hour gets the hour's start, so replicas starting within one hour still share one start-up run.
 */
export function latestSlot(task: Pick<ScheduledTask, 'match'>, now: Date): Date {
  const startMs = Math.floor(now.getTime() / 1000) * 1000;
  for (let atMs = startMs; atMs > startMs - LOOKBACK_LIMIT_MS; atMs -= 1000) {
    const at = new Date(atMs);
    if (task.match(at)) return at;
  }
  return new Date(Math.floor(now.getTime() / LOOKBACK_LIMIT_MS) * LOOKBACK_LIMIT_MS);
}

/**
 * Runs `run` now if this replica wins the latest slot's occurrence of the task named `taskName`; false when another
 * replica has it (running or done). A coordinator that fails throws, and nothing runs (node-cron fails closed too).
 * A run that throws completes the occurrence; one that answers 'unfinished' leaves it to lapse.
 */
export async function runAsLatestOccurrence(task: Pick<ScheduledTask, 'match'>, taskName: string, coordination: Coordination, run: () => Promise<OccurrenceRunResult>, now: Date = new Date()): Promise<boolean> {
  const key = `${taskName}:${latestSlot(task, now).toISOString()}`;
  const coordinator = coordination.runCoordinator;
  if (!(await coordinator.shouldRun(key, OCCURRENCE_LEASE_MS))) return false;
  let result: OccurrenceRunResult;
  try {
    result = await run();
  } finally {
    if (result !== 'unfinished') await coordinator.onComplete?.(key);
  }
  return true;
}
