// action_ids the listeners match on: renderers and listeners share these, so a rename cannot split them.

/** The "Run again" button under a posture report (and under a failed run). */
export const POSTURE_RUN_AGAIN_ACTION_ID = 'posture_run_again';

/** The "Refresh" button under the organization overview: a fresh scan of every watched account. */
export const POSTURE_OVERVIEW_REFRESH_ACTION_ID = 'posture_overview_refresh';
