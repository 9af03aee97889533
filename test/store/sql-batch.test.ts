// The chunks multi-row statements are cut into: powers of two, so a store prepares a handful of statement texts.
import { describe, expect, it } from 'vitest';
import { chunkSizes, MAX_ROWS_PER_STATEMENT } from '../../src/store/sql-batch.js';

describe('chunkSizes', () => {
  it('full chunks first, then the binary digits of the rest, adding up to the count', () => {
    expect(chunkSizes(10_000)).toEqual([...Array.from({ length: 19 }, () => 512), 256, 16]);
    expect(chunkSizes(1_320)).toEqual([512, 512, 256, 32, 8]);
    expect(chunkSizes(7)).toEqual([4, 2, 1]);
    expect(chunkSizes(0)).toEqual([]);
  });

  it('makes no more distinct sizes than the powers of two up to the maximum, whatever the counts', () => {
    const sizes = new Set(Array.from({ length: 3_000 }, (_unused, count) => chunkSizes(count)).flat());
    expect(Math.max(...sizes)).toBe(MAX_ROWS_PER_STATEMENT);
    expect(sizes.size).toBe(Math.log2(MAX_ROWS_PER_STATEMENT) + 1);
    for (const count of [1, 511, 512, 513, 2_047]) expect(chunkSizes(count).reduce((sum, size) => sum + size, 0)).toBe(count);
  });
});
