// after-ack.ts: production detaches the work after an ack (and logs what it throws); the awaited form returns with it.
import { expect, it } from 'vitest';
import { awaitedAfterAck, detachedAfterAck } from '../../src/slack/after-ack.js';

it('detached: returns before the work is done, and a failure of the work is logged, not thrown', async () => {
  const lines: Array<[object, string]> = [];
  const log = { debug: () => {}, info: () => {}, warn: () => {}, error: (details: object, message: string) => void lines.push([details, message]) };
  let finish: () => void = () => {};
  let done = false;
  await detachedAfterAck(log)(async () => {
    await new Promise<void>((resolve) => (finish = resolve));
    done = true;
    throw new Error('delivery failed');
  });
  expect(done).toBe(false);
  finish();
  await new Promise((resolve) => setTimeout(resolve, 10));
  expect(done).toBe(true);
  expect(lines).toHaveLength(1);
  const [details, message] = lines[0]!;
  expect(message).toBe('the work after an ack failed');
  expect((details as { err?: Error }).err?.message).toBe('delivery failed');
});

it('awaited: returns when the work is done, and its failure reaches the caller', async () => {
  let done = false;
  await awaitedAfterAck(async () => {
    done = true;
  });
  expect(done).toBe(true);
  await expect(awaitedAfterAck(async () => Promise.reject(new Error('no')))).rejects.toThrow('no');
});
