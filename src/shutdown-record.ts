// A file in DATA_DIR saying how long the last clean shutdown took, written as the bot exits and read at the
// next start (for the last_shutdown_duration_seconds metric). A run that was killed leaves none.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const SHUTDOWN_FILE = 'last-shutdown.json';

export function writeShutdownRecord(dataDir: string, record: { stoppedAt: Date; durationMs: number }): void {
  writeFileSync(join(dataDir, SHUTDOWN_FILE), JSON.stringify({ stoppedAt: record.stoppedAt.toISOString(), durationMs: record.durationMs }), { mode: 0o600 });
}

/** The duration of the previous run's shutdown in seconds, or null; the file is removed, so a later kill is not mistaken for it. */
export function takeShutdownRecordSeconds(dataDir: string): number | null {
  const path = join(dataDir, SHUTDOWN_FILE);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return null;
  }
  rmSync(path, { force: true });
  try {
    const durationMs = (JSON.parse(text) as { durationMs?: unknown }).durationMs;
    return typeof durationMs === 'number' && Number.isFinite(durationMs) && durationMs >= 0 ? durationMs / 1000 : null;
  } catch {
    return null;
  }
}
