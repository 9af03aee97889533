import { describe, expect, it } from 'vitest';
import { checkBlockKitLimits, POSTURE_RUN_AGAIN_ACTION_ID, renderError, renderRefusal, renderRunning, renderUsage } from '../../../src/slack/blocks/index.js';

describe('short messages', () => {
  it('usage lists the subcommands, and an unknown one is echoed (escaped, cut) as unknown', () => {
    const help = renderUsage();
    expect(JSON.stringify(help.blocks)).toContain('`/aws-root-check public`');
    expect(help.text).toMatch(/^How to use \/aws-root-check/);
    const unknown = renderUsage({ unknownSubcommand: `<@U123> ${'z'.repeat(200)}` });
    expect(unknown.text).toMatch(/^Unknown subcommand "<@U123> z+…"/);
    const first = unknown.blocks[0] as { text: { text: string } };
    expect(first.text.text).toMatch(/^:thinking_face: Unknown subcommand `&lt;@U123&gt; z+…`\.$/);
    expect(checkBlockKitLimits(unknown)).toEqual([]);
  });

  it('refusal says why and who can change it', () => {
    expect(renderRefusal().text).toContain('You are not allowed to use /aws-root-check');
    expect(renderRefusal().text).toContain('ALLOWED_USERGROUPS');
    expect(renderRefusal({ reason: 'membership-unknown' }).text).toContain('could not be checked');
    expect(checkBlockKitLimits(renderRefusal())).toEqual([]);
  });

  it('running says where the report will land', () => {
    expect(renderRunning().text).toContain('will appear here');
    expect(renderRunning({ visibility: 'in_channel' }).text).toContain('posted in this channel');
    expect(checkBlockKitLimits(renderRunning())).toEqual([]);
  });

  it('error shows the user message, masked, with a Try again button', () => {
    const message = renderError('could not reach AWS with key AKIAIOSFODNN7EXAMPLE: check the network');
    expect(message.text).toBe('The AWS root posture check failed: could not reach AWS with key AKIA…MPLE: check the network');
    expect(JSON.stringify(message)).not.toContain('AKIAIOSFODNN7EXAMPLE');
    expect(message.blocks[1]).toMatchObject({ type: 'actions', elements: [{ action_id: POSTURE_RUN_AGAIN_ACTION_ID }] });
    expect(checkBlockKitLimits(renderError('x'.repeat(10_000)))).toEqual([]);
    expect(renderError('  ').text).toContain('unexpected error');
  });
});
