// The organization overview for a Slack user, from the latest stored results (no AWS call, no waiting on a scan):
// the message, then what did not fit as follow-up messages on the same response_url (Slack allows 5 uses).
import type { RespondArguments, RespondFn } from '@slack/bolt';
import { buildOverview, failingOnly } from '../../posture/index.js';
import { maskMessageSecrets, renderOrganizationOverview, type OverviewScope, type SlackMessage } from '../blocks/index.js';
import type { ListenerDeps, OrganizationDeps } from '../deps.js';
import type { Visibility } from './slack-client.js';

/** A response_url takes 5 posts: the overview and up to 4 continuation pages (about 6,000 listed accounts). */
export const MAX_FOLLOW_UP_PAGES = 4;

export interface OverviewReply {
  scope: OverviewScope;
  visibility: Visibility;
  /** The Refresh button replaces the message that held it. */
  replaceOriginal: boolean;
  reply: RespondFn;
  now: Date;
}

export async function overviewMessages(organization: OrganizationDeps, scope: OverviewScope, now: Date): Promise<{ message: SlackMessage; pages: SlackMessage[]; accounts: number }> {
  const overview = buildOverview(await organization.latestResults());
  const rendered = renderOrganizationOverview(scope === 'failing' ? failingOnly(overview) : overview, { now, scope });
  return { ...rendered, accounts: overview.totals.accounts };
}

export async function replyWithOverview(deps: Pick<ListenerDeps, 'secretValues'> & { organization: OrganizationDeps }, request: OverviewReply): Promise<{ accounts: number; pages: number }> {
  const { message, pages, accounts } = await overviewMessages(deps.organization, request.scope, request.now);
  const first: RespondArguments = request.replaceOriginal ? { replace_original: true, ...maskMessageSecrets(message, deps.secretValues) } : { response_type: request.visibility, ...maskMessageSecrets(message, deps.secretValues) };
  await request.reply(first);
  for (const page of pages.slice(0, MAX_FOLLOW_UP_PAGES)) {
    await request.reply({ response_type: request.visibility, replace_original: false, ...maskMessageSecrets(page, deps.secretValues) });
  }
  return { accounts, pages: Math.min(pages.length, MAX_FOLLOW_UP_PAGES) };
}
