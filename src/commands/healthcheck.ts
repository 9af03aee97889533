// `aws-root-guard healthcheck`: the Docker HEALTHCHECK. A running bot refreshes a heartbeat file in DATA_DIR.
import { readHeartbeatAgeMs } from '../heartbeat.js';
import type { Env } from '../config.js';

const MAX_HEARTBEAT_AGE_MS = 120_000;

export async function runHealthcheckCommand(env: Env): Promise<number> {
  const dataDir = env.DATA_DIR?.trim() || './data';
  const ageMs = readHeartbeatAgeMs(dataDir, Date.now());
  if (ageMs === null) {
    process.stderr.write(`unhealthy: no heartbeat in ${dataDir} (is the bot running with this DATA_DIR?)\n`);
    return 1;
  }
  if (ageMs > MAX_HEARTBEAT_AGE_MS) {
    process.stderr.write(`unhealthy: last heartbeat ${Math.round(ageMs / 1000)} s ago\n`);
    return 1;
  }
  process.stdout.write(`healthy: heartbeat ${Math.round(ageMs / 1000)} s ago\n`);
  return 0;
}
