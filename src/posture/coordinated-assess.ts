// Posture checks of some accounts through the run coordinator, as the weekly summary asks for the accounts that have
// no snapshot yet: bounded like a user's runs, shared with a scan or a user's run of the same account, recorded by
// the run itself (organization-results.ts).
import { postureRunError } from './assess.js';
import type { AssessedAccount, PostureReport } from './model.js';
import { AccountCheckError } from './organization-results.js';
import type { RunCoordinator } from './run-coordinator.js';

export async function assessThroughCoordinator(runs: Pick<RunCoordinator<PostureReport>, 'requestMany'>, accountIds: readonly string[], requester: string): Promise<AssessedAccount[]> {
  const requested = runs.requestMany(accountIds, requester);
  if (requested.kind === 'cooldown') {
    const error = { message: `checks for these accounts were started moments ago: the next summary shows them (or try again in ${Math.ceil(requested.retryInMs / 1000)} s)` };
    return accountIds.map((id) => ({ account: { id, alias: null }, posture: { ok: false, error } }));
  }
  const settled = await Promise.allSettled(requested.results);
  return settled.map((outcome, index): AssessedAccount => {
    const id = accountIds[index]!;
    if (outcome.status === 'rejected') {
      const error = outcome.reason instanceof AccountCheckError ? outcome.reason.runError : postureRunError(outcome.reason);
      return { account: { id, alias: null }, posture: { ok: false, error } };
    }
    const run = outcome.value;
    if (run.kind !== 'result') return { account: { id, alias: null }, posture: { ok: false, error: { message: 'the check was not started' } } };
    return { account: run.value.account, posture: { ok: true, report: run.value } };
  });
}
