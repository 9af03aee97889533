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
    ['publik', { kind: 'account', query: 'publik', visibility: 'ephemeral' }],
    ['failing', { kind: 'failing', visibility: 'ephemeral' }],
    ['Failing Public', { kind: 'failing', visibility: 'in_channel' }],
    ['210987654321', { kind: 'account', query: '210987654321', visibility: 'ephemeral' }],
    ['prod-eu', { kind: 'account', query: 'prod-eu', visibility: 'ephemeral' }],
    ['  Prod   EU  ', { kind: 'account', query: 'Prod EU', visibility: 'ephemeral' }],
    ['prod-eu public', { kind: 'account', query: 'prod-eu', visibility: 'in_channel' }],
    ['public  now', { kind: 'account', query: 'public now', visibility: 'ephemeral' }],
    ['<@U123> `rm`', { kind: 'unknown', text: '<@U123> `rm`' }],
    ['x'.repeat(70), { kind: 'unknown', text: 'x'.repeat(70) }],
    ['alerts', { kind: 'alerts' }],
    ['summary', { kind: 'summary' }],
    [' ALERTS ', { kind: 'alerts' }],
  ])('%j -> %j', (text, expected) => {
    expect(parseSubcommand(text)).toEqual(expected);
  });
});
