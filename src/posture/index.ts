// The posture room's door: other rooms import posture code only from here.
export type * from './model.js';
export { POSTURE_CHECKS } from './checks/index.js';
export { DEFAULT_CHECK_OPTIONS, SEVERITY_ORDER, STATUS_ORDER, runPosture, scoreFindings } from './run-posture.js';
export { gatherAccountFacts, type GatherOptions } from './facts.js';
export { assessAccount, assessAccounts, postureRunError, watchedAccountsAssessment, type AssessAccountsOptions, type WatchedAccountsAssessment } from './assess.js';
export { buildOverview, failingOnly, overviewLine, type AccountResult, type AccountRunError, type AccountStanding, type OrganizationOverview, type OverviewAccount, type OverviewInput, type OverviewLine, type OverviewTotals } from './overview.js';
export { ageInWords, countNoun, overviewHeadline } from './overview-words.js';
export { findingInFewWords } from './check-words.js';
export { editDistance, matchAccount, type AccountMatch } from './account-match.js';
export { createRunCoordinator, DEFAULT_RUN_LIMITS, type CoordinatedRun, type RunClaim, type RunCoordinator, type RunCoordinatorOptions, type RunCounts, type RunLimits, type RunSource } from './run-coordinator.js';
export { AccountCheckError, createOrganizationResults, type OrganizationResults, type OrganizationResultsDeps, type ScanOutcome, type StoredReport } from './organization-results.js';
export { DEFAULT_POSTURE_SCHEDULE, parsePostureScanConfig, type PostureScanConfig } from './scan-config.js';
export { assessThroughCoordinator } from './coordinated-assess.js';
export { newlyFailingFindings, type NewlyFailing } from './newly-failing.js';
