// The schema, as a list of steps. PRAGMA user_version holds how many have run; each step runs in its own
// transaction together with the version bump, so a crash mid-migration leaves the previous version.
// Append new steps; never edit one that has shipped.
//
// Times are ISO 8601 UTC strings from Date.toISOString() (fixed width, so text order is time order).
import type { Database } from 'better-sqlite3';
import { redactRecordText } from '../secrets.js';

export interface Migration {
  version: number;
  description: string;
  /**
   * The step rebuilds a table others reference (SQLite cannot change a CHECK in place): foreign keys are turned off
   * around its transaction, as SQLite's documented table rebuild asks, and checked before it commits.
   */
  rebuildsTables?: boolean;
  up(db: Database): void;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'root events, alerts, audit, outbox, cursors, posture snapshots, weekly summaries',
    up(db) {
      db.exec(`
        CREATE TABLE store_meta (
          key   TEXT PRIMARY KEY,
          value TEXT NOT NULL
        );

        CREATE TABLE alerts (
          id               INTEGER PRIMARY KEY,
          account_id       TEXT NOT NULL,
          region           TEXT NOT NULL,
          kind             TEXT NOT NULL,
          severity         TEXT NOT NULL CHECK (severity IN ('critical', 'high', 'medium', 'low')),
          group_kind       TEXT NOT NULL CHECK (group_kind IN ('single', 'session', 'failed-logins')),
          group_key        TEXT,
          first_event_id   TEXT NOT NULL,
          first_event_time TEXT NOT NULL,
          last_event_time  TEXT NOT NULL,
          event_count      INTEGER NOT NULL DEFAULT 1,
          state            TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'investigating', 'acknowledged', 'escalated')),
          state_by         TEXT,
          state_at         TEXT,
          state_reason     TEXT,
          created_at       TEXT NOT NULL,
          post_outbox_id   INTEGER,
          post_channel     TEXT,
          post_ts          TEXT,
          posted_at        TEXT,
          reminders_sent   INTEGER NOT NULL DEFAULT 0,
          last_reminder_at TEXT
        );
        -- Grouping looks up unresolved alerts of one account by group.
        CREATE INDEX alerts_grouping ON alerts (account_id, group_kind, group_key, state);
        CREATE INDEX alerts_state ON alerts (state, created_at);
        CREATE INDEX alerts_first_event_time ON alerts (first_event_time);
        CREATE UNIQUE INDEX alerts_post ON alerts (post_channel, post_ts) WHERE post_ts IS NOT NULL;

        CREATE TABLE root_events (
          event_id      TEXT PRIMARY KEY,
          account_id    TEXT NOT NULL,
          region        TEXT NOT NULL,
          kind          TEXT NOT NULL CHECK (kind IN ('console-login-success', 'console-login-failure', 'root-credential-change', 'root-only-task', 'root-api-call')),
          severity      TEXT NOT NULL CHECK (severity IN ('critical', 'high', 'medium', 'low')),
          mfa_used      INTEGER,
          event_time    TEXT NOT NULL,
          session_key   TEXT,
          event_json    TEXT NOT NULL,
          raw_record    TEXT NOT NULL,
          alert_id      INTEGER REFERENCES alerts (id),
          first_seen_at TEXT NOT NULL
        );
        CREATE INDEX root_events_time ON root_events (event_time);
        CREATE INDEX root_events_alert ON root_events (alert_id, event_time);

        CREATE TABLE alert_audit (
          id         INTEGER PRIMARY KEY,
          alert_id   INTEGER NOT NULL REFERENCES alerts (id),
          action     TEXT NOT NULL CHECK (action IN ('acknowledge', 'investigate', 'escalate')),
          from_state TEXT NOT NULL,
          to_state   TEXT NOT NULL,
          user_id    TEXT NOT NULL,
          reason     TEXT,
          at         TEXT NOT NULL
        );
        CREATE INDEX alert_audit_alert ON alert_audit (alert_id, id);
        CREATE INDEX alert_audit_to_state ON alert_audit (to_state, at);

        CREATE TABLE outbox (
          id              INTEGER PRIMARY KEY,
          kind            TEXT NOT NULL CHECK (kind IN ('alert-post', 'alert-reply', 'alert-update', 'reminder', 'event-record', 'summary-post', 'summary-reply')),
          -- 0: new alerts jump the queue; 1: everything else, oldest first.
          priority        INTEGER NOT NULL,
          alert_id        INTEGER REFERENCES alerts (id),
          week_key        TEXT,
          parent_id       INTEGER REFERENCES outbox (id),
          payload_json    TEXT NOT NULL DEFAULT '{}',
          channel         TEXT,
          state           TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sending', 'sent', 'failed')),
          attempts        INTEGER NOT NULL DEFAULT 0,
          next_attempt_at TEXT NOT NULL,
          last_error      TEXT,
          created_at      TEXT NOT NULL,
          sending_since   TEXT,
          uncertain       INTEGER NOT NULL DEFAULT 0,
          sent_at         TEXT,
          result_channel  TEXT,
          result_ts       TEXT
        );
        CREATE INDEX outbox_due ON outbox (state, priority, id);
        CREATE INDEX outbox_alert ON outbox (alert_id, kind, state);
        CREATE INDEX outbox_parent ON outbox (parent_id);

        CREATE TABLE poll_cursors (
          account_id TEXT NOT NULL,
          region     TEXT NOT NULL,
          cursor     TEXT NOT NULL,
          updated_at TEXT NOT NULL,
          PRIMARY KEY (account_id, region)
        );

        CREATE TABLE posture_snapshots (
          id          INTEGER PRIMARY KEY,
          account_id  TEXT NOT NULL,
          taken_at    TEXT NOT NULL,
          passed      INTEGER NOT NULL,
          total       INTEGER NOT NULL,
          report_json TEXT NOT NULL
        );
        CREATE INDEX posture_snapshots_account_time ON posture_snapshots (account_id, taken_at);

        -- One row per week: the key is unique, so a summary is enqueued once even across restarts.
        CREATE TABLE weekly_summaries (
          week_key          TEXT PRIMARY KEY,
          created_at        TEXT NOT NULL,
          summary_json      TEXT NOT NULL,
          thread_parts_json TEXT NOT NULL DEFAULT '[]',
          outbox_id         INTEGER NOT NULL REFERENCES outbox (id)
        );
      `);
    },
  },
  {
    version: 2,
    description: 'records and queue messages a source could not read, kept with the reason',
    up(db) {
      db.exec(`
        CREATE TABLE unreadable_records (
          id          INTEGER PRIMARY KEY,
          source      TEXT NOT NULL,
          record_id   TEXT,
          reason      TEXT NOT NULL,
          body        TEXT NOT NULL,
          received_at TEXT NOT NULL
        );
        -- The poller reads its overlap again every pass: a malformed record is kept once.
        CREATE UNIQUE INDEX unreadable_records_source_id ON unreadable_records (source, record_id);
      `);
    },
  },
  {
    version: 3,
    description: 'redact secrets in the records kept before the store redacted them on write',
    up(db) {
      // All rows first: better-sqlite3 runs no statement while another iterates. Both tables are small.
      const records = db.prepare(`SELECT event_id AS id, raw_record AS text FROM root_events`).all() as Array<{ id: string; text: string }>;
      const updateRecord = db.prepare(`UPDATE root_events SET raw_record = ? WHERE event_id = ?`);
      for (const row of records) {
        const redacted = redactRecordText(row.text);
        if (redacted !== row.text) updateRecord.run(redacted, row.id);
      }
      const bodies = db.prepare(`SELECT id, body AS text FROM unreadable_records`).all() as Array<{ id: number; text: string }>;
      const updateBody = db.prepare(`UPDATE unreadable_records SET body = ? WHERE id = ?`);
      for (const row of bodies) {
        const redacted = redactRecordText(row.text);
        if (redacted !== row.text) updateBody.run(redacted, row.id);
      }
    },
  },
  {
    version: 4,
    description: 'the access key ids sts:AssumeRoot issued to the bot, so its own audit calls are recognised',
    up(db) {
      // Only the key id and its lifetime: never the secret or the session token.
      db.exec(`
        CREATE TABLE audit_sessions (
          access_key_id TEXT PRIMARY KEY,
          account_id    TEXT NOT NULL,
          issued_at     TEXT NOT NULL,
          expires_at    TEXT NOT NULL
        );
        CREATE INDEX audit_sessions_expires_at ON audit_sessions (expires_at);
      `);
    },
  },
  {
    version: 5,
    description: 'root event kinds root-logging-disabled (root turning off the record) and root-access-change (root changing IAM access)',
    up(db) {
      // SQLite cannot alter a CHECK: the table is rebuilt with the same columns and indexes, and the longer list.
      db.exec(`
        CREATE TABLE root_events_rebuilt (
          event_id      TEXT PRIMARY KEY,
          account_id    TEXT NOT NULL,
          region        TEXT NOT NULL,
          kind          TEXT NOT NULL CHECK (kind IN ('console-login-success', 'console-login-failure', 'root-credential-change', 'root-logging-disabled', 'root-access-change', 'root-only-task', 'root-api-call')),
          severity      TEXT NOT NULL CHECK (severity IN ('critical', 'high', 'medium', 'low')),
          mfa_used      INTEGER,
          event_time    TEXT NOT NULL,
          session_key   TEXT,
          event_json    TEXT NOT NULL,
          raw_record    TEXT NOT NULL,
          alert_id      INTEGER REFERENCES alerts (id),
          first_seen_at TEXT NOT NULL
        );
        INSERT INTO root_events_rebuilt (event_id, account_id, region, kind, severity, mfa_used, event_time, session_key, event_json, raw_record, alert_id, first_seen_at)
          SELECT event_id, account_id, region, kind, severity, mfa_used, event_time, session_key, event_json, raw_record, alert_id, first_seen_at FROM root_events;
        DROP TABLE root_events;
        ALTER TABLE root_events_rebuilt RENAME TO root_events;
        CREATE INDEX root_events_time ON root_events (event_time);
        CREATE INDEX root_events_alert ON root_events (alert_id, event_time);
      `);
    },
  },
  {
    version: 6,
    description: "root events of kind 'root-session-opened' (sts:AssumeRoot calls)",
    up(db) {
      // SQLite cannot change a CHECK: rebuild root_events from its own definition (whatever columns it has by now)
      // with the new kind allowed, keeping its rows and indexes.
      const table = db.prepare(`SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'root_events'`).get() as { sql: string };
      const indexes = db.prepare(`SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'root_events' AND sql IS NOT NULL`).all() as Array<{ sql: string }>;
      const widened = table.sql.replace("'root-api-call')", "'root-api-call', 'root-session-opened')");
      if (widened === table.sql) throw new Error('migration 6: the root_events kind CHECK is not the one this migration knows');
      // A table renamed by an earlier rebuild reads CREATE TABLE "root_events" in sqlite_master.
      db.exec(widened.replace(/^CREATE TABLE\s+("?)root_events\1/, 'CREATE TABLE root_events_rebuilt'));
      db.exec(`INSERT INTO root_events_rebuilt SELECT * FROM root_events; DROP TABLE root_events; ALTER TABLE root_events_rebuilt RENAME TO root_events;`);
      for (const index of indexes) db.exec(index.sql);
    },
  },
  {
    version: 7,
    description: "the outbox takes 'posture-alert' rows: a check that newly fails between two posture scans",
    rebuildsTables: true,
    up(db) {
      const columns = 'id, kind, priority, alert_id, week_key, parent_id, payload_json, channel, state, attempts, next_attempt_at, last_error, created_at, sending_since, uncertain, sent_at, result_channel, result_ts';
      db.exec(`
        CREATE TABLE outbox_rebuilt (
          id              INTEGER PRIMARY KEY,
          kind            TEXT NOT NULL CHECK (kind IN ('alert-post', 'alert-reply', 'alert-update', 'reminder', 'event-record', 'summary-post', 'summary-reply', 'posture-alert')),
          priority        INTEGER NOT NULL,
          alert_id        INTEGER REFERENCES alerts (id),
          week_key        TEXT,
          parent_id       INTEGER REFERENCES outbox (id),
          payload_json    TEXT NOT NULL DEFAULT '{}',
          channel         TEXT,
          state           TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sending', 'sent', 'failed')),
          attempts        INTEGER NOT NULL DEFAULT 0,
          next_attempt_at TEXT NOT NULL,
          last_error      TEXT,
          created_at      TEXT NOT NULL,
          sending_since   TEXT,
          uncertain       INTEGER NOT NULL DEFAULT 0,
          sent_at         TEXT,
          result_channel  TEXT,
          result_ts       TEXT
        );
        INSERT INTO outbox_rebuilt (${columns}) SELECT ${columns} FROM outbox;
        DROP TABLE outbox;
        ALTER TABLE outbox_rebuilt RENAME TO outbox;
        CREATE INDEX outbox_due ON outbox (state, priority, id);
        CREATE INDEX outbox_alert ON outbox (alert_id, kind, state);
        CREATE INDEX outbox_parent ON outbox (parent_id);
      `);
    },
  },
  {
    version: 8,
    description: 'run leases (each schedule occurrence runs once across replicas) and seen Slack request signatures (the shared replay guard)',
    up(db) {
      // Plain SQL that PostgreSQL takes as it is (TEXT times are ISO UTC here, timestamptz there).
      db.exec(`
        CREATE TABLE run_leases (
          occurrence_key TEXT PRIMARY KEY,
          holder         TEXT NOT NULL,
          claimed_at     TEXT NOT NULL,
          lease_until    TEXT NOT NULL,
          completed_at   TEXT
        );
        CREATE INDEX run_leases_lease_until ON run_leases (lease_until);

        CREATE TABLE seen_slack_signatures (
          signature_hash TEXT PRIMARY KEY,
          accepted_until INTEGER NOT NULL
        );
        CREATE INDEX seen_slack_signatures_accepted_until ON seen_slack_signatures (accepted_until);
      `);
    },
  },
  {
    version: 9,
    description: "outbox claims with a lease (claimed_by, lease_until), and Slack's per-channel pacing shared by the replicas",
    up(db) {
      // Plain SQL that PostgreSQL's version 9 repeats (postgres-migrations.ts).
      db.exec(`
        ALTER TABLE outbox ADD COLUMN claimed_by TEXT;
        ALTER TABLE outbox ADD COLUMN lease_until TEXT;
        CREATE INDEX outbox_claims ON outbox (state, lease_until);

        CREATE TABLE slack_channel_pacing (
          channel         TEXT PRIMARY KEY,
          -- Unix milliseconds: the earliest moment the next post to the channel may go.
          next_post_at_ms INTEGER NOT NULL
        );
      `);
    },
  },
  {
    version: 10,
    description: 'seen Slack request signatures in a WITHOUT ROWID table without the accepted_until index (one b-tree written per request instead of three)',
    up(db) {
      // Every Slack request inserts a row (the ack path): the hash is the key, so the table is its key's b-tree; the
      // sweep once a minute scans the 5 minutes of rows instead of keeping an index on every insert. Live rows are
      // kept: a request seen before the upgrade is still refused after it. PostgreSQL's version 10 drops the index.
      db.exec(`
        CREATE TABLE seen_slack_signatures_rebuilt (
          signature_hash TEXT PRIMARY KEY,
          accepted_until INTEGER NOT NULL
        ) WITHOUT ROWID;
        INSERT INTO seen_slack_signatures_rebuilt (signature_hash, accepted_until) SELECT signature_hash, accepted_until FROM seen_slack_signatures;
        DROP TABLE seen_slack_signatures;
        ALTER TABLE seen_slack_signatures_rebuilt RENAME TO seen_slack_signatures;
      `);
    },
  },
  {
    version: 11,
    description: 'the coverage record of the latest poll pass (was DATA_DIR/coverage.json): one row, written by the replica that ran the pass',
    up(db) {
      // Plain SQL that PostgreSQL's version 11 repeats (postgres-migrations.ts).
      db.exec(`
        CREATE TABLE coverage_record (
          id          TEXT NOT NULL PRIMARY KEY CHECK (id = 'latest'),
          record_json TEXT NOT NULL,
          written_at  TEXT NOT NULL
        );
      `);
    },
  },
  {
    version: 12,
    description: 'poll cursors: when a Region was last read to its window\'s end and by which replica (readiness of the deployment)',
    up(db) {
      // Plain SQL that PostgreSQL's version 12 repeats (postgres-migrations.ts).
      db.exec(`
        ALTER TABLE poll_cursors ADD COLUMN read_at TEXT;
        ALTER TABLE poll_cursors ADD COLUMN read_by TEXT;
        CREATE INDEX poll_cursors_read_at ON poll_cursors (read_at);
      `);
    },
  },
];

export class StoreVersionError extends Error {
  constructor(readonly found: number, readonly known: number, readonly location: string, elsewhere = 'point DATA_DIR at another directory') {
    super(`The state database ${location} has schema version ${found}, newer than this build knows (${known}). Run a newer aws-root-guard, or ${elsewhere}.`);
    this.name = 'StoreVersionError';
  }
}

/** Brings the database to the newest schema; returns the versions it applied. */
export function migrate(db: Database, location: string, migrations: readonly Migration[] = MIGRATIONS): number[] {
  const known = migrations.at(-1)?.version ?? 0;
  const applied: number[] = [];
  for (;;) {
    // Re-read inside the loop: another process may be migrating the same file.
    const current = db.pragma('user_version', { simple: true }) as number;
    if (current > known) throw new StoreVersionError(current, known, location);
    const next = migrations.find((migration) => migration.version === current + 1);
    if (!next) return applied;
    // PRAGMA foreign_keys is a no-op inside a transaction: it is set around it.
    const foreignKeys = db.pragma('foreign_keys', { simple: true }) as number;
    if (next.rebuildsTables) db.pragma('foreign_keys = OFF');
    try {
      db.transaction(() => {
        // Checked again under the write lock: if another process won the race, do nothing.
        if ((db.pragma('user_version', { simple: true }) as number) !== current) return;
        next.up(db);
        if (next.rebuildsTables) {
          const broken = db.pragma('foreign_key_check') as unknown[];
          if (broken.length > 0) throw new Error(`migration ${next.version} would break ${broken.length} foreign key reference(s); nothing was changed`);
        }
        db.pragma(`user_version = ${next.version}`);
        applied.push(next.version);
      }).immediate();
    } finally {
      if (next.rebuildsTables) db.pragma(`foreign_keys = ${foreignKeys ? 'ON' : 'OFF'}`);
    }
  }
}
