// What a listener does once Slack has its ack (the posture run, the store read, the report's delivery) runs apart
// from Bolt's handling of the request. Bolt keeps the request's objects (the parsed body, its listener arguments,
// the HTTP request and response) for as long as the listener's promise is pending; with 500 commands in flight
// waiting on a run and a delivery queue, those live objects are what every young-generation GC has to copy
// (bench/ack-latency.ts: 41 scavenges, 340 ms of GC for 5,000 commands; detached, 29 and 160 ms). The work keeps only
// what it reads. Tests that hold the HTTP answer until the listener is done (processBeforeResponse) await it instead.
import type { LogLines } from '../log.js';

/** Runs `work` after the ack; the promise returned settles when the listener may return. */
export type AfterAck = (work: () => Promise<void>) => Promise<void>;

/** Production: the work goes on by itself; whatever it throws is logged (listeners log their own failures first). */
export function detachedAfterAck(log: LogLines): AfterAck {
  return (work) => {
    work().catch((error: unknown) => log.error({ err: error, component: 'slack' }, 'the work after an ack failed'));
    return Promise.resolve();
  };
}

/** processBeforeResponse and direct listener tests: the listener returns when its work is done. */
export const awaitedAfterAck: AfterAck = (work) => work();
