// /aws-root-check with several watched accounts, over the real HTTP receiver: the overview from stored results,
// one account's report by id, alias or name, `failing`, an unknown account with a suggestion, and the buttons.
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { buildOverview } from '../../../src/posture/index.js';
import type { OverviewInput, PostureReport } from '../../../src/posture/index.js';
import { blockActionsPayload, signedInteraction, signedSlashCommand, slashCommandFields } from '../../fakes/slack/index.js';
import { organization, reportWith } from '../overview-fixture.js';
import { blockText, SIGNING_SECRET, startHarness, type Harness } from './harness.js';

let harness: Harness;
let results: OverviewInput[];
const assessAccount = vi.fn<(accountId: string) => Promise<PostureReport>>();

beforeAll(async () => {
  harness = await startHarness({
    deps: {
      organization: {
        watchedAccounts: () => results.map((entry) => entry.account),
        latestResults: async () => results,
        assessAccount: (accountId) => assessAccount(accountId),
      },
    },
  });
});
afterAll(() => harness.close());
beforeEach(() => {
  results = organization(143);
  results[0]!.account = { id: '210987654321', alias: 'acme-prod-eu', name: 'prod-eu', ouPath: 'Root/Prod/EU' };
  assessAccount.mockReset();
  assessAccount.mockImplementation(async (accountId) => reportWith(accountId, 'pass', { 'root-no-access-keys': 'fail' }, new Date().toISOString()));
  harness.allow([]);
});

function command(text: string) {
  const responseUrl = harness.slack.newResponseUrl();
  const request = signedSlashCommand(harness.eventsUrl, SIGNING_SECRET, slashCommandFields({ responseUrl, text }));
  return { responseUrl, request };
}

describe('/aws-root-check with an organization', () => {
  it('answers with the overview from the stored results, running nothing', async () => {
    const { responseUrl, request } = command('');
    const answer = await request;
    expect(answer.status).toBe(200);
    expect(assessAccount).not.toHaveBeenCalled();
    expect(harness.runPosture).not.toHaveBeenCalled();
    const posts = harness.slack.responsesTo(responseUrl);
    expect(posts).toHaveLength(1);
    const totals = buildOverview(results).totals;
    expect(posts[0]!.body).toMatchObject({ response_type: 'ephemeral', text: `Root posture across 143 accounts: ${totals.clean} clean, 11 failing, ${totals.warning} with warnings, 4 could not be checked` });
    expect(blockText(posts[0]!.body)).toContain('posture_overview_refresh');
  });

  it('`failing` lists only the failing accounts', async () => {
    const { responseUrl, request } = command('failing');
    await request;
    const body = harness.slack.responsesTo(responseUrl)[0]!.body;
    expect(blockText(body)).toContain('failing accounts');
    expect(blockText(body)).not.toContain('Warnings');
  });

  it.each(['210987654321', 'acme-prod-eu', 'Prod-EU'])('`%s` runs that account and shows its report with name and OU', async (text) => {
    const { responseUrl, request } = command(text);
    await request;
    expect(assessAccount).toHaveBeenCalledWith('210987654321');
    const report = harness.slack.responsesTo(responseUrl).at(-1)!.body;
    expect(blockText(report)).toContain('AWS root posture: prod-eu 210987654321 · Root/Prod/EU');
    expect(blockText(report)).toContain('account:210987654321');
  });

  it('an unknown account answers, once the user is authorized, with a suggestion and the usage', async () => {
    const { responseUrl, request } = command('prod-x');
    expect((await request).status).toBe(200);
    const posts = harness.slack.responsesTo(responseUrl);
    expect(posts).toHaveLength(1);
    expect(posts[0]!.body).toMatchObject({ response_type: 'ephemeral', text: "No watched account matches 'prod-x'; did you mean prod-eu (210987654321)?" });
    expect(blockText(posts[0]!.body)).toContain('How to use /aws-root-check');
    expect(assessAccount).not.toHaveBeenCalled();
  });

  it('Run again under an account report runs that account again', async () => {
    const responseUrl = harness.slack.newResponseUrl();
    const answer = await signedInteraction(harness.eventsUrl, SIGNING_SECRET, blockActionsPayload({ responseUrl, actionId: 'posture_run_again', value: 'account:210987654321' }));
    expect(answer.status).toBe(200);
    expect(assessAccount).toHaveBeenCalledWith('210987654321');
    expect(harness.slack.responsesTo(responseUrl).at(-1)!.body).toMatchObject({ replace_original: true });
  });

  it('Refresh runs every watched account and replaces the overview', async () => {
    const responseUrl = harness.slack.newResponseUrl();
    const answer = await signedInteraction(harness.eventsUrl, SIGNING_SECRET, blockActionsPayload({ responseUrl, actionId: 'posture_overview_refresh', value: 'all', userId: 'U0REFRESHER' }));
    expect(answer.status).toBe(200);
    expect(assessAccount).toHaveBeenCalledTimes(143);
    const post = harness.slack.responsesTo(responseUrl).at(-1)!.body;
    expect(post).toMatchObject({ replace_original: true, text: expect.stringContaining('Root posture across 143 accounts') });
  });
});
