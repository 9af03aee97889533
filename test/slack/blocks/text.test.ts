import { describe, expect, it } from 'vitest';
import { maskSecrets } from '../../../src/slack/blocks/index.js';
import { escapeMrkdwn, mrkdwnLink, truncate, untrustedMrkdwn } from '../../../src/slack/blocks/text.js';

describe('maskSecrets', () => {
  it('keeps the first and last four characters of access key ids, even glued to other text', () => {
    expect(maskSecrets('key AKIAIOSFODNN7EXAMPLE in use')).toBe('key AKIA…MPLE in use');
    expect(maskSecrets('idASIAABCDEFGHIJKLMNOPnext')).toBe('idASIA…MNOPnext');
  });

  it('removes Slack tokens, response/webhook URLs, secret assignments, private keys and known values', () => {
    expect(maskSecrets('bot xoxb-123-456-abcDEF and app xapp-1-A0-123-abc')).toBe('bot [REDACTED slack token] and app [REDACTED slack app token]');
    expect(maskSecrets('post to https://hooks.slack.com/commands/T1/2/abc')).toBe('post to [REDACTED slack url]');
    expect(maskSecrets('aws_secret_access_key = "wJalrXUtnFEMI/K7MDENG"')).toBe('aws_secret_access_key = "[REDACTED]"');
    expect(maskSecrets('-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY----- after')).toBe('[REDACTED private key] after');
    expect(maskSecrets('secret 0123456789abcdef0123 here', ['0123456789abcdef0123'])).toBe('secret [REDACTED] here');
    expect(maskSecrets('short ab', ['ab'])).toBe('short ab');
  });
});

describe('text helpers', () => {
  it('escapes &, < and >', () => {
    expect(escapeMrkdwn('a & <b> c')).toBe('a &amp; &lt;b&gt; c');
  });

  it('truncates with an ellipsis, never splitting an entity or a surrogate pair', () => {
    expect(truncate('abcdef', 6)).toBe('abcdef');
    expect(truncate('abcdef', 4)).toBe('abc…');
    expect(truncate('ab&amp;cd', 6)).toBe('ab…');
    expect(truncate('ab😀cd', 4)).toBe('ab…');
  });

  it('untrustedMrkdwn masks, escapes, joins lines and cuts', () => {
    expect(untrustedMrkdwn('a\n<b>\tAKIAIOSFODNN7EXAMPLE', 100)).toBe('a &lt;b&gt; AKIA…MPLE');
    expect(untrustedMrkdwn('&'.repeat(10), 8).length).toBeLessThanOrEqual(8);
    expect(untrustedMrkdwn('&'.repeat(10), 8)).toBe('&amp;…');
  });

  it('links only http(s) URLs', () => {
    expect(mrkdwnLink('https://docs.aws.amazon.com/x', 'docs')).toBe('<https://docs.aws.amazon.com/x|docs>');
    expect(mrkdwnLink('javascript:alert(1)', 'docs')).toBe('docs');
    expect(mrkdwnLink('https://a.example/x|y', 'docs')).toBe('docs');
  });
});
