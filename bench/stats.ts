// Small statistics for benchmarks: percentiles over measured samples.
import { cpus, loadavg } from 'node:os';

export function percentile(samples: readonly number[], fraction: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1));
  return sorted[index]!;
}

export function median(samples: readonly number[]): number {
  return percentile(samples, 0.5);
}

export function formatMs(value: number): string {
  return `${value.toFixed(value < 10 ? 2 : 1)} ms`;
}

/** Runs `task` over `count` items with at most `concurrency` in flight. */
export async function runConcurrently(count: number, concurrency: number, task: (index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(concurrency, count) }, async () => {
    while (next < count) {
      const index = next;
      next += 1;
      await task(index);
    }
  });
  await Promise.all(workers);
}

/** The machine's load while the figures were taken (it is shared): "load 3.1 2.8 2.5 (1, 5, 15 min) on 2 CPUs". */
export function loadLine(): string {
  const [one, five, fifteen] = loadavg();
  return `load ${one!.toFixed(1)} ${five!.toFixed(1)} ${fifteen!.toFixed(1)} (1, 5, 15 min, as uptime shows) on ${cpus().length} CPUs`;
}
