// What the outbox sender does about crashes, outages and shutdowns, as metrics: posts found in the channel
// history instead of posted again, rows that waited out a pause and then went, and how long the previous
// shutdown took (a shutdown cannot be scraped while it happens, so the bot records it in DATA_DIR and the next
// run reports it).
import { Counter, Gauge } from 'prom-client';
import type { OutboxSenderEvents } from '../alerts/index.js';
import type { BotMetrics } from './bot-metrics.js';

const PREFIX = 'aws_root_guard_';

export interface OutboxDeliveryMetrics {
  /** Pass to createOutboxSender as `events`. */
  readonly senderEvents: OutboxSenderEvents;
  /** The previous run's shutdown, as recorded in DATA_DIR (null: none recorded, e.g. it was killed). */
  setLastShutdownSeconds(seconds: number | null): void;
}

export function outboxDeliveryMetrics(metrics: BotMetrics): OutboxDeliveryMetrics {
  const registers = [metrics.registry];
  const foundInHistory = new Counter({
    name: `${PREFIX}outbox_found_in_history_total`,
    help: 'Messages whose send may have reached Slack (interrupted, or alerted by a store before this one) found in the channel history and recorded instead of posted again, by kind',
    labelNames: ['kind'],
    registers,
  });
  const resumedRows = new Counter({
    name: `${PREFIX}outbox_rows_resumed_after_pause_total`,
    help: 'Outbox rows that were waiting when sending resumed after a Slack outage or rate limit pause',
    registers,
  });
  const lastShutdown = new Gauge({
    name: `${PREFIX}last_shutdown_duration_seconds`,
    help: 'How long the previous run took from SIGTERM/SIGINT to exit (NaN when it did not record one: killed, or the first run)',
    registers,
  });
  lastShutdown.set(Number.NaN);
  return {
    senderEvents: {
      foundInHistory: (row) => foundInHistory.inc({ kind: row.kind }),
      resumedAfterPause: (rows) => resumedRows.inc(rows),
    },
    setLastShutdownSeconds: (seconds) => lastShutdown.set(seconds ?? Number.NaN),
  };
}
