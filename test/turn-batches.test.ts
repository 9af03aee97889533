// batchByTurn (src/turn-batches.ts), the group commit the poller's cursor commits and the replay guard's inserts
// share: what arrives in one turn of the event loop is one group, answered item by item in order; a failed group is
// retried item by item when it can be, and otherwise fails every caller (never answers one with another's result).
import { describe, expect, it } from 'vitest';
import { batchByTurn } from '../src/turn-batches.js';

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('batchByTurn', () => {
  it('commits what arrives in one turn as one group and answers each item with its own result; a later turn is a group of its own', async () => {
    const groups: number[][] = [];
    const commit = batchByTurn<number, string>({
      commitGroup: async (items) => {
        groups.push([...items]);
        return items.map((item) => `stored ${item}`);
      },
    });
    const first = await Promise.all([commit(1), commit(2), commit(3)]);
    const later = await commit(4);
    expect(first).toEqual(['stored 1', 'stored 2', 'stored 3']);
    expect(later).toBe('stored 4');
    expect(groups).toEqual([[1, 2, 3], [4]]);
  });

  it('items arriving while a group is being committed form the next group', async () => {
    const groups: number[][] = [];
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const commit = batchByTurn<number, number>({
      commitGroup: async (items) => {
        groups.push([...items]);
        if (items.includes(1)) await held;
        return items.map((item) => item * 10);
      },
    });
    const firstGroup = Promise.all([commit(1), commit(2)]);
    await nextTurn();
    const secondGroup = Promise.all([commit(3), commit(4)]);
    await nextTurn();
    expect(groups).toEqual([[1, 2], [3, 4]]);
    release();
    expect(await firstGroup).toEqual([10, 20]);
    expect(await secondGroup).toEqual([30, 40]);
  });

  it('retries a failed group item by item: the bad item fails alone', async () => {
    const alone: number[] = [];
    const commit = batchByTurn<number, number>({
      commitGroup: async () => {
        throw new Error('group failed');
      },
      commitAlone: async (item) => {
        alone.push(item);
        if (item === 2) throw new Error('item 2 failed');
        return item;
      },
    });
    const outcomes = await Promise.allSettled([commit(1), commit(2), commit(3)]);
    expect(outcomes.map((outcome) => (outcome.status === 'fulfilled' ? outcome.value : (outcome.reason as Error).message))).toEqual([1, 'item 2 failed', 3]);
    expect(alone).toEqual([1, 2, 3]);
  });

  it('without a way to commit one alone, a failed group fails every caller with its error', async () => {
    const commit = batchByTurn<number, number>({
      commitGroup: async () => {
        throw new Error('disk full');
      },
    });
    const outcomes = await Promise.allSettled([commit(1), commit(2)]);
    expect(outcomes.map((outcome) => outcome.status === 'rejected' && (outcome.reason as Error).message)).toEqual(['disk full', 'disk full']);
  });

  it('a group answered with the wrong number of results fails every caller rather than answer one with another\'s result', async () => {
    const commit = batchByTurn<number, number>({ commitGroup: async (items) => items.slice(1) });
    const outcomes = await Promise.allSettled([commit(1), commit(2)]);
    expect(outcomes.every((outcome) => outcome.status === 'rejected')).toBe(true);
  });
});
