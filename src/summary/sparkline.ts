// A trend as one line of text: eight block characters read at a glance in Slack and in a terminal.

const BARS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'] as const;
/** Shown for a week with no value (no snapshot that week): a gap, not a zero. */
export const SPARKLINE_GAP = '·';

export interface SparklineScale {
  /** Value drawn as the lowest bar; default the smallest value. */
  min?: number;
  /** Value drawn as the highest bar; default the largest value. */
  max?: number;
}

/**
 * One bar per value, scaled between min and max. A flat series with no fixed scale draws mid-height bars
 * (steady, not "nothing"); values at or below a fixed `min` draw the lowest bar. Null or non-finite values are gaps.
 */
export function sparkline(values: ReadonlyArray<number | null>, scale: SparklineScale = {}): string {
  const known = values.filter((value): value is number => value !== null && Number.isFinite(value));
  if (known.length === 0) return values.map(() => SPARKLINE_GAP).join('');
  const low = scale.min ?? Math.min(...known);
  const high = scale.max ?? Math.max(...known);
  return values
    .map((value) => {
      if (value === null || !Number.isFinite(value)) return SPARKLINE_GAP;
      if (high <= low) return scale.min !== undefined && value <= scale.min ? BARS[0] : BARS[3];
      const level = (Math.min(Math.max(value, low), high) - low) / (high - low);
      return BARS[Math.round(level * (BARS.length - 1))];
    })
    .join('');
}
