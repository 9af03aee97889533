// The summary room's door: other rooms import summary code only from here, and it lists only what they use
// (the room's own tests import its files directly).
export type * from './model.js';
export { buildWeeklySummary } from './build.js';
export type { Week } from './week.js';
export { parseSummaryConfig, type SummaryConfig } from './config.js';
export type { CatchUpDecision } from './catch-up.js';
export {
  ALERT_KIND_LABEL,
  accountLabel,
  countSparkline,
  eventCountLines,
  eventCountsInline,
  formatDuration,
  formatScore,
  formatWeekRange,
  percent,
  plural,
  postureSourcePhrase,
  scoreChangePhrase,
  scoreSparkline,
} from './format.js';
export { clean as cleanTerminalText, renderWeeklySummaryText } from './render-text.js';
export type { StoredSnapshot } from './baselines.js';
export {
  buildSummaryOnDemand,
  runWeeklySummary,
  type AssessedAccount,
  type LatestSnapshot,
  type SummaryLedger,
  type SummarySources,
  type TimeRange,
  type WeeklyRunDeps,
  type WeeklyRunOutcome,
} from './run.js';
export { claimedTurn, turnKey, unsharedTurn, type SummaryTurn } from './summary-turn.js';
export { startWeeklySummarySchedule, type SummaryTrigger, type WeeklySummaryScheduleOptions, type WeeklySummaryScheduler } from './scheduler.js';
export { messagePermalink, storeSummaryLedger, storeSummarySources, type LedgerRecord, type StoreLedgerOptions, type StoreSourcesOptions } from './store-adapter.js';
