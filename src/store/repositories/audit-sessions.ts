// The bot's own root audit sessions (audit_sessions): the AccessKeyId each sts:AssumeRoot issued and its lifetime, so
// the classifier can tell the bot's audits from a person's; never the secret or the session token.
import type { AuditSession } from '../../aws/index.js';
import type { SqlQueries } from '../sql-executor.js';
import { toIso } from '../sql-rows.js';

const SQL = {
  insert: `INSERT INTO audit_sessions (access_key_id, account_id, issued_at, expires_at) VALUES (?, ?, ?, ?) ON CONFLICT (access_key_id) DO NOTHING`,
  find: `SELECT * FROM audit_sessions WHERE access_key_id = ?`,
  prune: `DELETE FROM audit_sessions WHERE expires_at < ?`,
} as const;

export class AuditSessionsRepository {
  constructor(private readonly q: SqlQueries) {}

  async record(session: AuditSession): Promise<void> {
    await this.q.run(SQL.insert, [session.accessKeyId, session.accountId, toIso(session.issuedAt, 'issuedAt'), toIso(session.expiresAt, 'expiresAt')]);
  }

  async find(accessKeyId: string): Promise<AuditSession | null> {
    const row = await this.q.get(SQL.find, [accessKeyId]);
    if (!row) return null;
    return { accessKeyId: String(row.access_key_id), accountId: String(row.account_id), issuedAt: String(row.issued_at), expiresAt: String(row.expires_at) };
  }

  async prune(before: string | Date): Promise<number> {
    return (await this.q.run(SQL.prune, [toIso(before, 'before')])).changes;
  }
}
