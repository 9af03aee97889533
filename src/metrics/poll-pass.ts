// What one CloudTrail poll pass adds to the metrics: new and malformed records, and how far each Region
// has been read (a Region that fails keeps its old cursor, so its lag grows until it reads again).
import type { PassResult } from '../activity/index.js';
import type { BotMetrics } from './bot-metrics.js';

export function recordPollPass(metrics: BotMetrics, pass: PassResult): void {
  const labels = { account_id: pass.accountId };
  metrics.eventsIngested.inc(labels, pass.totals.inserted);
  metrics.malformedRecords.inc(labels, pass.totals.malformed);
  for (const region of pass.regions) {
    if (region.committedCursor !== null) metrics.recordPollCursor(pass.accountId, region.region, new Date(region.committedCursor));
  }
}
