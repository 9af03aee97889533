// action_ids the listeners match on: renderers and listeners share these, so a rename cannot split them.

/** The "Run again" button under a posture report (and under a failed run). */
export const POSTURE_RUN_AGAIN_ACTION_ID = 'posture_run_again';
