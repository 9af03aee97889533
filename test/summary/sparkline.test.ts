import { describe, expect, it } from 'vitest';
import { SPARKLINE_GAP, sparkline } from '../../src/summary/sparkline.js';

describe('sparkline', () => {
  it('scales from the smallest to the largest value over the eight bars', () => {
    expect(sparkline([0, 1, 2, 3, 4, 5, 6, 7])).toBe('▁▂▃▄▅▆▇█');
    expect(sparkline([7, 0])).toBe('█▁');
  });

  it('uses a fixed scale when given, clamping values outside it', () => {
    expect(sparkline([0.5, 1, 0], { min: 0, max: 1 })).toBe('▅█▁');
    expect(sparkline([2, -1], { min: 0, max: 1 })).toBe('█▁');
  });

  it('draws a flat series at mid height, and all zeros on a zero-based scale as the lowest bar', () => {
    expect(sparkline([5, 5, 5])).toBe('▄▄▄');
    expect(sparkline([0, 0, 0], { min: 0 })).toBe('▁▁▁');
    expect(sparkline([0, 0, 4], { min: 0 })).toBe('▁▁█');
  });

  it('shows missing weeks as gaps, not zeros', () => {
    expect(sparkline([null, 1, null, 3])).toBe(`${SPARKLINE_GAP}▁${SPARKLINE_GAP}█`);
    expect(sparkline([null, null])).toBe(SPARKLINE_GAP.repeat(2));
    expect(sparkline([Number.NaN, 2], { min: 0 })).toBe(`${SPARKLINE_GAP}█`);
  });

  it('is empty for no values and one character per value', () => {
    expect(sparkline([])).toBe('');
    expect([...sparkline([3, 1, 4, 1, 5, 9, 2, 6])]).toHaveLength(8);
  });
});
