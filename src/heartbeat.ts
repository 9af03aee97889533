// A file whose modification time says the bot's event loop and schedules are alive.
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const HEARTBEAT_FILE = 'heartbeat';

export function writeHeartbeat(dataDir: string, now: Date): void {
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(join(dataDir, HEARTBEAT_FILE), now.toISOString());
}

export function readHeartbeatAgeMs(dataDir: string, nowMs: number): number | null {
  try {
    return nowMs - statSync(join(dataDir, HEARTBEAT_FILE)).mtimeMs;
  } catch {
    return null;
  }
}
