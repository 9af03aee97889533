import { describe, expect, it } from 'vitest';
import { weeklySummaryOutbox } from '../../src/summary/ledger.js';

describe('weeklySummaryOutbox (pure)', () => {
  it('one post to the given channel and one thread reply per detail part, in order, each naming the week', () => {
    expect(weeklySummaryOutbox({ weekKey: '2026-W45', summary: { score: '9/9' }, threadParts: ['accounts', 'alerts'], channel: 'C0SUMMARY' })).toEqual({
      post: { payload: { weekKey: '2026-W45' }, channel: 'C0SUMMARY' },
      replies: [{ payload: { weekKey: '2026-W45', part: 0 } }, { payload: { weekKey: '2026-W45', part: 1 } }],
      threadParts: ['accounts', 'alerts'],
    });
  });

  it('without parts or a channel: the post alone, to the sender\'s default channel', () => {
    expect(weeklySummaryOutbox({ weekKey: '2026-W45', summary: null })).toEqual({ post: { payload: { weekKey: '2026-W45' }, channel: null }, replies: [], threadParts: [] });
  });
});
