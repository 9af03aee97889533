// Coverage: what the bot watches and what it could not read (model.ts), for /aws-root-check status,
// `aws-root-guard status` and the weekly summary's coverage line.
export type { AccountCoverage, MemberRulesStatus, CoverageProblem, CoverageRecord, CoverageReport, CoverageSource, CursorReading, DeadLetterQueueDepth, OldestMessageAge, PolledAccount, QueueActivity, QueueDepth, QueueHealth, RegionCoverage } from './model.js';
export { ageText, buildCoverageReport, coverageLine, coverageProblemLines, problemText, queueDetailLines, queueGapLines, queueText, type CoverageInput } from './report.js';
export { createCoverageTracker, type CoverageTracker } from './tracker.js';
export { readCoverage, type CoverageSources } from './read.js';
