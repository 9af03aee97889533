// Times a posture run into the posture_run_duration_seconds histogram, whether it succeeds or throws.
import type { BotMetrics } from './bot-metrics.js';

export type PostureTrigger = 'command' | 'summary';

export function timedPostureRun<T>(metrics: BotMetrics, trigger: PostureTrigger, run: () => Promise<T>): () => Promise<T> {
  return async () => {
    const done = metrics.postureRunDuration.startTimer({ trigger });
    try {
      return await run();
    } finally {
      done();
    }
  };
}
