import { describe, expect, it } from 'vitest';
import { parseSubcommand } from '../../../src/slack/index.js';

describe('parseSubcommand', () => {
  it.each([
    ['', { kind: 'report', visibility: 'ephemeral' }],
    ['   ', { kind: 'report', visibility: 'ephemeral' }],
    [undefined, { kind: 'report', visibility: 'ephemeral' }],
    ['public', { kind: 'report', visibility: 'in_channel' }],
    [' PUBLIC ', { kind: 'report', visibility: 'in_channel' }],
    ['help', { kind: 'help' }],
    ['--help', { kind: 'help' }],
    ['?', { kind: 'help' }],
    ['publik', { kind: 'unknown', text: 'publik' }],
    ['public  now', { kind: 'unknown', text: 'public now' }],
    ['alerts', { kind: 'alerts' }],
    ['summary', { kind: 'summary' }],
    [' ALERTS ', { kind: 'alerts' }],
  ])('%j -> %j', (text, expected) => {
    expect(parseSubcommand(text)).toEqual(expected);
  });
});
