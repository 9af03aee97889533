// The store's repositories, one per record kind, each the SQL of its table over one connection scope (the executor or
// an open transaction). The store's operations (sql-store.ts) compose them; nothing outside store/ uses them.
import type { SqlExecutor, SqlQueries } from '../sql-executor.js';
import { AlertsRepository } from './alerts.js';
import { AuditSessionsRepository } from './audit-sessions.js';
import { AuditRepository } from './audit.js';
import { ChannelPacingRepository } from './channel-pacing.js';
import { CoverageRecordRepository } from './coverage.js';
import { CursorsRepository } from './cursors.js';
import { EventsRepository } from './events.js';
import { LedgerRepository } from './ledger.js';
import { OutboxRepository } from './outbox.js';
import { SnapshotsRepository } from './snapshots.js';
import { UnreadableRecordsRepository } from './unreadable.js';

export interface Repositories {
  events: EventsRepository;
  alerts: AlertsRepository;
  audit: AuditRepository;
  outbox: OutboxRepository;
  pacing: ChannelPacingRepository;
  cursors: CursorsRepository;
  coverage: CoverageRecordRepository;
  unreadable: UnreadableRecordsRepository;
  auditSessions: AuditSessionsRepository;
  snapshots: SnapshotsRepository;
  ledger: LedgerRepository;
}

export function repositoriesOn(q: SqlQueries, dialect: SqlExecutor['dialect']): Repositories {
  return {
    events: new EventsRepository(q),
    alerts: new AlertsRepository(q),
    audit: new AuditRepository(q),
    outbox: new OutboxRepository(q, dialect),
    pacing: new ChannelPacingRepository(q),
    cursors: new CursorsRepository(q),
    coverage: new CoverageRecordRepository(q),
    unreadable: new UnreadableRecordsRepository(q),
    auditSessions: new AuditSessionsRepository(q),
    snapshots: new SnapshotsRepository(q),
    ledger: new LedgerRepository(q),
  };
}

export type { LastPollRead } from './cursors.js';
export type { EventInsert } from './events.js';
export type { OutboxInsert } from './outbox.js';
