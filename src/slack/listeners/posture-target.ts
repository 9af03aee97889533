// Which account a posture run is about: one of the organization's watched accounts, or (no organization set up)
// the one account the bot's credentials belong to, whose id the Slack side does not know before the run.
import type { OverviewAccount } from '../../posture/index.js';
import type { SlackDeps } from '../deps.js';

/** The run coordinator's key for the single watched account of a bot without `organization`. */
export const SELF_ACCOUNT_KEY = 'self';

/** The coordinator's `run`: by account id, or the single account. */
export function postureRunFor(deps: Pick<SlackDeps, 'runPosture' | 'organization'>) {
  return (accountKey: string) => (accountKey === SELF_ACCOUNT_KEY || !deps.organization ? deps.runPosture() : deps.organization.assessAccount(accountKey));
}

/** The watched accounts, or none when the bot watches only its own account. */
export function watchedAccounts(deps: Pick<SlackDeps, 'organization'>): readonly OverviewAccount[] {
  return deps.organization?.watchedAccounts() ?? [];
}
