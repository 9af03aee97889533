// The bot's Prometheus metrics, made once in main.ts and passed to what records them (no module-level
// registry: prom-client's default one would be shared by every bot a test process starts). Gauges that
// describe stored state (open alerts, outbox depth) read the store when scraped, so they cannot drift.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { AlertSeverity } from '../activity/index.js';
import type { Store } from '../store/index.js';

const PREFIX = 'aws_root_guard_';
const SEVERITIES: readonly AlertSeverity[] = ['critical', 'high', 'medium', 'low'];
const OUTBOX_STATES = ['pending', 'sending', 'failed', 'waiting_for_parent'] as const;

/** The part of the store the scrape-time gauges read. */
export type MetricsStore = Pick<Store, 'listOpenAlerts' | 'outboxCounts'>;

export interface BotMetricsOptions {
  /** Read on every scrape for the alert and outbox gauges; leave out where there is no store. */
  store?: MetricsStore;
  clock?: () => Date;
  /** Node's process metrics (CPU, memory, event loop lag, handles). Default true. */
  processMetrics?: boolean;
}

export interface BotMetrics {
  readonly registry: Registry;
  /** Root events stored for the first time, per account. */
  readonly eventsIngested: Counter<'account_id'>;
  /** CloudTrail records skipped because they could not be read, per account. */
  readonly malformedRecords: Counter<'account_id'>;
  /** Failed AWS SDK calls (after the SDK's own retries), by service, operation and error code. */
  readonly awsErrors: Counter<'service' | 'operation' | 'code'>;
  /** Failed Slack Web API calls of the outbox sender, by method and error code. */
  readonly slackErrors: Counter<'method' | 'code'>;
  /** How long a posture run over the watched accounts took, by what started it. */
  readonly postureRunDuration: Histogram<'trigger'>;
  /** Records where polling has read up to, per account and Region (the lag gauge reads it on scrape). */
  recordPollCursor(accountId: string, region: string, cursor: Date): void;
}

export function createBotMetrics(options: BotMetricsOptions = {}): BotMetrics {
  const registry = new Registry();
  const clock = options.clock ?? (() => new Date());
  const { store } = options;
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: PREFIX });

  const cursors = new Map<string, { accountId: string; region: string; cursorMs: number }>();
  new Gauge({
    name: `${PREFIX}poll_lag_seconds`,
    help: 'Seconds between now and the time up to which CloudTrail has been read and committed, per account and Region',
    labelNames: ['account_id', 'region'],
    registers: [registry],
    collect() {
      const nowMs = clock().getTime();
      for (const { accountId, region, cursorMs } of cursors.values()) this.set({ account_id: accountId, region }, Math.max(0, (nowMs - cursorMs) / 1000));
    },
  });

  if (store) {
    new Gauge({
      name: `${PREFIX}alerts_open`,
      help: 'Alerts not yet acknowledged, by severity',
      labelNames: ['severity'],
      registers: [registry],
      async collect() {
        const counts = new Map<AlertSeverity, number>(SEVERITIES.map((severity) => [severity, 0]));
        for (const alert of await store.listOpenAlerts()) counts.set(alert.severity, (counts.get(alert.severity) ?? 0) + 1);
        for (const [severity, count] of counts) this.set({ severity }, count);
      },
    });
    new Gauge({
      name: `${PREFIX}outbox_depth`,
      help: 'Slack outbox rows not yet sent, by state (waiting_for_parent: pending rows whose parent post is not sent yet)',
      labelNames: ['state'],
      registers: [registry],
      async collect() {
        const counts = await store.outboxCounts();
        const byState: Record<(typeof OUTBOX_STATES)[number], number> = { pending: counts.pending, sending: counts.sending, failed: counts.failed, waiting_for_parent: counts.waitingForParent };
        for (const state of OUTBOX_STATES) this.set({ state }, byState[state]);
      },
    });
    new Gauge({
      name: `${PREFIX}outbox_oldest_pending_age_seconds`,
      help: 'Age of the oldest pending outbox row (0 when none is pending)',
      registers: [registry],
      async collect() {
        const oldest = (await store.outboxCounts()).oldestPendingCreatedAt;
        this.set(oldest === null ? 0 : Math.max(0, (clock().getTime() - Date.parse(oldest)) / 1000));
      },
    });
  }

  return {
    registry,
    eventsIngested: new Counter({ name: `${PREFIX}events_ingested_total`, help: 'Root events stored for the first time', labelNames: ['account_id'], registers: [registry] }),
    malformedRecords: new Counter({ name: `${PREFIX}malformed_records_total`, help: 'CloudTrail records skipped because they could not be read', labelNames: ['account_id'], registers: [registry] }),
    awsErrors: new Counter({ name: `${PREFIX}aws_errors_total`, help: 'Failed AWS SDK calls (after the SDK retries), by service, operation and error code', labelNames: ['service', 'operation', 'code'], registers: [registry] }),
    slackErrors: new Counter({ name: `${PREFIX}slack_errors_total`, help: 'Failed Slack Web API calls of the outbox sender, by method and error code', labelNames: ['method', 'code'], registers: [registry] }),
    postureRunDuration: new Histogram({
      name: `${PREFIX}posture_run_duration_seconds`,
      help: 'Duration of posture runs, by what started them (command, summary)',
      labelNames: ['trigger'],
      buckets: [0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
      registers: [registry],
    }),
    recordPollCursor(accountId, region, cursor) {
      cursors.set(`${accountId}\u0000${region}`, { accountId, region, cursorMs: cursor.getTime() });
    },
  };
}
