// The summary room's door: other rooms import summary code only from here.
export type * from './model.js';
export { TREND_WEEKS } from './model.js';
export { buildWeeklySummary, emptyEventCounts, scoreRatio } from './build.js';
export { sparkline, SPARKLINE_GAP, type SparklineScale } from './sparkline.js';
export {
  canonicalTimeZone,
  isoWeekKey,
  isWithinWeek,
  localDateTime,
  offsetMinutes,
  precedingWeekKeys,
  previousWeek,
  shiftWeek,
  weekContaining,
  weeksEndingWith,
  zonedInstant,
  type LocalDateTime,
  type Week,
} from './week.js';
export { DEFAULT_SUMMARY_SCHEDULE, DEFAULT_SUMMARY_TIMEZONE, parseSummaryConfig, scheduleProblem, type SummaryConfig } from './config.js';
export { firstScheduledTimeInWeek, reportWeekAt, shouldPostOnStartup, type CatchUpDecision } from './catch-up.js';
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
  scoreChangePhrase,
  scoreSparkline,
} from './format.js';
export { renderWeeklySummaryText } from './render-text.js';
export { firstSnapshotsIn, snapshotSummary, weeklyScoreHistory, type StoredSnapshot } from './baselines.js';
export {
  buildSummaryOnDemand,
  gatherAndBuild,
  postureRunError,
  runWeeklySummary,
  summaryWindow,
  type AssessedAccount,
  type BuildOptions,
  type SummaryLedger,
  type SummarySources,
  type TimeRange,
  type WeeklyRunDeps,
  type WeeklyRunOutcome,
} from './run.js';
export { startWeeklySummarySchedule, type SummaryTrigger, type WeeklySummaryScheduleOptions, type WeeklySummaryScheduler } from './scheduler.js';
export { messagePermalink, storeSummaryLedger, storeSummarySources, type LedgerRecord, type StoreLedgerOptions, type StoreSourcesOptions } from './store-adapter.js';
