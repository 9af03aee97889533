// A report shared by many requesters is rendered, masked and serialized once per audience.
import { describe, expect, it } from 'vitest';
import { renderPostureReport } from '../../../src/slack/blocks/index.js';
import { createReportReplies } from '../../../src/slack/index.js';
import { jsonBodyOf } from '../../../src/slack/listeners/prepared-reply.js';
import { typicalReport } from '../report-fixture.js';

describe('createReportReplies', () => {
  it('hands every requester of one report and audience the same reply, serialized once', () => {
    const replies = createReportReplies([]);
    const report = typicalReport();
    const first = replies.replyFor(report, { visibility: 'ephemeral', replaceOriginal: false });
    const again = replies.replyFor(report, { visibility: 'ephemeral', replaceOriginal: false });
    expect(again).toBe(first);
    expect(first).toMatchObject({ response_type: 'ephemeral', ...renderPostureReport(report) });
    expect(JSON.parse(jsonBodyOf(first).toString('utf8'))).toEqual(JSON.parse(JSON.stringify({ response_type: 'ephemeral', ...renderPostureReport(report) })));
    // Shared, so nobody may change it for the others.
    expect(Object.isFrozen(first)).toBe(true);
    expect(Object.isFrozen(first.blocks)).toBe(true);
    expect(() => (first.blocks as unknown[]).push({})).toThrow();
  });

  it('renders again for another audience, another account naming, or another report', () => {
    const replies = createReportReplies([]);
    const report = typicalReport();
    const ephemeral = replies.replyFor(report, { visibility: 'ephemeral', replaceOriginal: false });
    const inChannel = replies.replyFor(report, { visibility: 'in_channel', replaceOriginal: false });
    const replacing = replies.replyFor(report, { visibility: 'ephemeral', replaceOriginal: true });
    expect(inChannel).toMatchObject({ response_type: 'in_channel' });
    expect(replacing).toMatchObject({ replace_original: true });
    expect(replacing).not.toHaveProperty('response_type');
    const named = replies.replyFor(report, { visibility: 'ephemeral', replaceOriginal: false, account: { id: report.account.id, alias: null, name: 'prod-eu', ouPath: 'Root/Prod' } });
    expect(JSON.stringify(named.blocks)).toContain('prod-eu');
    expect(new Set([ephemeral, inChannel, replacing, named]).size).toBe(4);
    expect(replies.replyFor(typicalReport(), { visibility: 'ephemeral', replaceOriginal: false })).not.toBe(ephemeral);
  });

  it('masks the secret values once, in the shared reply', () => {
    const report = typicalReport();
    const secret = 'AKIAFAKESECRETVALUE0';
    report.findings[0]!.evidence = `key ${secret} seen`;
    const reply = createReportReplies([secret]).replyFor(report, { visibility: 'ephemeral', replaceOriginal: false });
    expect(jsonBodyOf(reply).toString('utf8')).not.toContain(secret);
    expect(JSON.stringify(reply)).not.toContain(secret);
  });
});
