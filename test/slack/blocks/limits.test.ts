import { describe, expect, it } from 'vitest';
import type { KnownBlock } from '@slack/types';
import { checkBlockKitLimits } from '../../../src/slack/blocks/index.js';

const section = (text: string): KnownBlock => ({ type: 'section', text: { type: 'mrkdwn', text } });
const button = (actionId: string, text = 'Go', value?: string) => ({ type: 'button' as const, action_id: actionId, text: { type: 'plain_text' as const, text }, ...(value === undefined ? {} : { value }) });

describe('checkBlockKitLimits', () => {
  it('accepts a small valid message', () => {
    expect(checkBlockKitLimits({ text: 'hi', blocks: [section('hello'), { type: 'actions', elements: [button('a')] }] })).toEqual([]);
  });

  it('requires a non-empty top-level text fallback', () => {
    expect(checkBlockKitLimits({ blocks: [section('x')] })).toEqual([{ path: 'text', rule: 'a top-level text fallback is present', actual: 'missing' }]);
    expect(checkBlockKitLimits({ text: '  ', blocks: [] }).map((violation) => violation.path)).toEqual(['text']);
  });

  it('counts blocks: 50 pass, 51 fail', () => {
    expect(checkBlockKitLimits({ text: 't', blocks: Array.from({ length: 50 }, () => ({ type: 'divider' })) })).toEqual([]);
    expect(checkBlockKitLimits({ text: 't', blocks: Array.from({ length: 51 }, () => ({ type: 'divider' })) })).toEqual([
      { path: 'blocks', rule: 'a message has at most 50 blocks', actual: 51 },
    ]);
  });

  it('checks section text (1..3000) and fields (<= 10 of <= 2000)', () => {
    expect(checkBlockKitLimits({ text: 't', blocks: [section('x'.repeat(3000))] })).toEqual([]);
    expect(checkBlockKitLimits({ text: 't', blocks: [section('x'.repeat(3001))] })[0]).toMatchObject({ path: 'blocks[0].text.text', actual: 3001 });
    expect(checkBlockKitLimits({ text: 't', blocks: [section('')] })[0]).toMatchObject({ path: 'blocks[0].text.text', actual: 0 });
    const fields = Array.from({ length: 11 }, (_, index) => ({ type: 'mrkdwn' as const, text: index === 3 ? 'y'.repeat(2001) : 'f' }));
    const violations = checkBlockKitLimits({ text: 't', blocks: [{ type: 'section', fields }] });
    expect(violations).toEqual([
      { path: 'blocks[0].fields', rule: 'a section has at most 10 fields', actual: 11 },
      { path: 'blocks[0].fields[3].text', rule: 'a section field is 1 to 2000 characters', actual: 2001 },
    ]);
    expect(checkBlockKitLimits({ text: 't', blocks: [{ type: 'section' } as KnownBlock] })[0]).toMatchObject({ rule: 'a section has text or fields' });
  });

  it('checks header text (<= 150)', () => {
    const header = (text: string): KnownBlock => ({ type: 'header', text: { type: 'plain_text', text } });
    expect(checkBlockKitLimits({ text: 't', blocks: [header('h'.repeat(150))] })).toEqual([]);
    expect(checkBlockKitLimits({ text: 't', blocks: [header('h'.repeat(151))] })).toEqual([
      { path: 'blocks[0].text.text', rule: 'header text is 1 to 150 characters', actual: 151 },
    ]);
  });

  it('checks buttons: text <= 75, value <= 2000, and action_ids unique across the message', () => {
    const violations = checkBlockKitLimits({
      text: 't',
      blocks: [
        { type: 'actions', elements: [button('same', 'b'.repeat(76)), button('other', 'ok', 'v'.repeat(2001))] },
        { type: 'section', text: { type: 'mrkdwn', text: 's' }, accessory: button('same') },
      ],
    });
    expect(violations).toEqual([
      { path: 'blocks[0].elements[0].text.text', rule: 'button text is 1 to 75 characters', actual: 76 },
      { path: 'blocks[0].elements[1].value', rule: 'button value is at most 2000 characters', actual: 2001 },
      { path: 'blocks[1].accessory.action_id', rule: 'action_id is unique in a message', actual: 'same' },
    ]);
  });

  it('checks actions blocks hold at most 25 elements', () => {
    const elements = Array.from({ length: 26 }, (_, index) => button(`a${index}`));
    expect(checkBlockKitLimits({ text: 't', blocks: [{ type: 'actions', elements }] })).toEqual([
      { path: 'blocks[0].elements', rule: 'an actions block has at most 25 elements', actual: 26 },
    ]);
  });

  it('checks block_id length (<= 255) and uniqueness', () => {
    const violations = checkBlockKitLimits({
      text: 't',
      blocks: [
        { type: 'divider', block_id: 'b'.repeat(256) },
        { type: 'divider', block_id: 'dup' },
        { type: 'divider', block_id: 'dup' },
      ],
    });
    expect(violations).toEqual([
      { path: 'blocks[0].block_id', rule: 'block_id is at most 255 characters', actual: 256 },
      { path: 'blocks[2].block_id', rule: 'block_id is unique in a message', actual: 'dup' },
    ]);
  });

  it('checks context blocks hold at most 10 elements', () => {
    const elements = Array.from({ length: 11 }, () => ({ type: 'mrkdwn' as const, text: 'c' }));
    expect(checkBlockKitLimits({ text: 't', blocks: [{ type: 'context', elements }] })[0]).toMatchObject({ path: 'blocks[0].elements', actual: 11 });
  });
});
