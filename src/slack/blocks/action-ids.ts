// action_ids the listeners match on: renderers and listeners share these, so a rename cannot split them.

/** The "Run again" button under a posture report (and under a failed run). */
export const POSTURE_RUN_AGAIN_ACTION_ID = 'posture_run_again';

/** The "Refresh" button under the organization overview: a fresh scan of every watched account. */
export const POSTURE_OVERVIEW_REFRESH_ACTION_ID = 'posture_overview_refresh';

/** The Run again button's value: the account the report is about, or "run_again" for the bot's own account. */
export function runAgainValue(accountId?: string): string {
  return accountId ? `account:${accountId}` : 'run_again';
}

/** The account a Run again button names, or null for the bot's own account. */
export function accountIdFromRunAgainValue(value: string | undefined): string | null {
  const match = /^account:(\d{12})$/.exec(value ?? '');
  return match?.[1] ?? null;
}
