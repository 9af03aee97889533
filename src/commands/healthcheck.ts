// `aws-root-guard healthcheck`: the Docker HEALTHCHECK. Asks the running bot's GET /healthz on this host
// (HEALTH_PORT, else PORT, else 3000: where the bot serves it in either Slack mode). Imports nothing of the
// bot, so the probe entry (src/healthcheck-probe.ts) costs a bare Node start, not the whole CLI.
import { get } from 'node:http';
import type { Env } from '../config.js';

const DEFAULT_PORT = '3000';
const PROBE_TIMEOUT_MS = 3_000;

/** The URL of the running bot's liveness endpoint. */
export function healthzUrl(env: Env): string {
  const port = env.HEALTH_PORT?.trim() || env.PORT?.trim() || DEFAULT_PORT;
  return `http://127.0.0.1:${port}/healthz`;
}

/** GET `url`: its status, or the reason it did not answer. node:http, not fetch: fetch loads undici, doubling the probe's memory. */
function getStatus(url: string): Promise<{ status: number } | { error: string }> {
  return new Promise((resolve) => {
    const request = get(url, { timeout: PROBE_TIMEOUT_MS }, (response) => {
      response.resume();
      resolve({ status: response.statusCode ?? 0 });
    });
    request.on('timeout', () => request.destroy(Object.assign(new Error(`no answer within ${PROBE_TIMEOUT_MS} ms`), { code: 'ETIMEDOUT' })));
    request.on('error', (error: Error & { code?: string }) => resolve({ error: error.code ?? error.message }));
  });
}

export async function runHealthcheckCommand(env: Env, output: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream } = process): Promise<number> {
  const url = healthzUrl(env);
  const answer = await getStatus(url);
  if ('error' in answer) {
    output.stderr.write(`unhealthy: ${url} did not answer (${answer.error}): is the bot running, with this PORT / HEALTH_PORT?\n`);
    return 1;
  }
  if (answer.status >= 200 && answer.status < 300) {
    output.stdout.write(`healthy: ${url} answered ${answer.status}\n`);
    return 0;
  }
  output.stderr.write(`unhealthy: ${url} answered ${answer.status}\n`);
  return 1;
}
