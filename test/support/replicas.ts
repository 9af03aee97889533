// Real `aws-root-guard serve` processes as the replicas of one deployment: one PostgreSQL schema of their own, the
// fake AWS and the fake Slack, a data directory each, and the SDK's user agent naming the replica (AWS_SDK_UA_APP_ID)
// so the fake tells their requests apart. stop() kills them (SIGKILL), drops the schema and removes the directories.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FakeAws, RecordedRequest } from '../fakes/aws/index.js';
import type { FakeSlack } from '../fakes/slack/index.js';
import { killed, startBotProcess } from '../alerts/support/bot-process.js';
import { freshSchema } from '../store/postgres-database.js';
import { botEnvironment, freePort } from './bot.js';

export interface Replica {
  name: string;
  port: number;
  child: ChildProcess;
}

export interface ReplicasOptions {
  /** TEST_DATABASE_URL: the replicas get a fresh schema in it. */
  databaseUrl: string;
  /** In the schema's and the data directories' names. */
  label: string;
  aws: FakeAws;
  slack: FakeSlack;
  signingSecret: string;
  /** Default: replica-a and replica-b, started in that order without waiting for each other. */
  names?: readonly string[];
  /** Settings on top of the fakes' (POLL_SCHEDULE, LOG_LEVEL, ...), the same for each replica. */
  env?: Record<string, string>;
  /** How a replica reaches the schema (through a proxy, say); default the schema's URL. */
  databaseUrlFor?: (name: string, schemaUrl: string) => string;
  /** Each line a replica logs (pino JSON), LOG_LEVEL permitting. */
  onLogLine?: (name: string, line: string) => void;
}

export interface Replicas {
  readonly list: Replica[];
  /** The schema's URL, for the test's own store or queries. */
  readonly schemaUrl: string;
  byName(name: string): Replica;
  /** The replica whose SDK sent `request` ('unknown' for none of them). */
  nameOf(request: RecordedRequest): string;
  kill(name: string, signal?: NodeJS.Signals): Promise<void>;
  stop(): Promise<void>;
}

export async function startReplicas(options: ReplicasOptions): Promise<Replicas> {
  const schema = await freshSchema(options.databaseUrl, options.label);
  const dataDirs: string[] = [];
  const list: Replica[] = [];
  const replicas: Replicas = {
    list,
    schemaUrl: schema.url,
    byName: (name) => {
      const replica = list.find((candidate) => candidate.name === name);
      if (!replica) throw new Error(`no replica named ${name}`);
      return replica;
    },
    nameOf: (request) => list.find((replica) => request.userAgent.includes(`app/${replica.name}`))?.name ?? 'unknown',
    kill: (name, signal) => killed(replicas.byName(name).child, signal),
    stop: async () => {
      await Promise.all(list.map((replica) => killed(replica.child)));
      await schema.drop();
      for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    for (const name of options.names ?? ['replica-a', 'replica-b']) {
      const dataDir = mkdtempSync(join(tmpdir(), `root-guard-${options.label}-`));
      dataDirs.push(dataDir);
      const port = await freePort();
      const env = {
        PATH: process.env.PATH,
        ...botEnvironment({ slack: options.slack, aws: options.aws, dataDir, signingSecret: options.signingSecret }),
        DATABASE_URL: options.databaseUrlFor?.(name, schema.url) ?? schema.url,
        PORT: String(port),
        AWS_SDK_UA_APP_ID: name,
        ...options.env,
      };
      const onLogLine = options.onLogLine;
      list.push({ name, port, child: startBotProcess(env, onLogLine ? { onLogLine: (line) => onLogLine(name, line) } : {}) });
    }
  } catch (error) {
    await replicas.stop();
    throw error;
  }
  return replicas;
}

/** Every replica answers HTTP (/readyz, ready or not). */
export async function allAnswering(replicas: Replicas): Promise<boolean> {
  const answers = await Promise.all(replicas.list.map((replica) => fetch(`http://127.0.0.1:${replica.port}/readyz`).then(() => true, () => false)));
  return answers.every(Boolean);
}

/** Poll passes seen at the fake: LookupEvents requests grouped by the end of the window they read (one per pass). */
export function pollPasses(aws: FakeAws, replicas: Replicas, sinceMs = 0): Array<{ endMs: number; replica: string; ok: boolean }> {
  const byEnd = new Map<number, { replica: string; ok: boolean }>();
  for (const request of aws.requests) {
    if (request.operation !== 'LookupEvents' || request.receivedAt < sinceMs) continue;
    const endMs = Math.round(Number(request.params.EndTime) * 1000);
    byEnd.set(endMs, { replica: replicas.nameOf(request), ok: request.status === 200 });
  }
  return [...byEnd].map(([endMs, pass]) => ({ endMs, ...pass })).sort((a, b) => a.endMs - b.endMs);
}

/** How many of `passes` fall in each `slotMs` slot of the schedule, for "at most one pass a tick". */
export function passesPerSlot(passes: ReadonlyArray<{ endMs: number }>, slotMs: number): Map<number, number> {
  const perSlot = new Map<number, number>();
  for (const pass of passes) perSlot.set(Math.floor(pass.endMs / slotMs), (perSlot.get(Math.floor(pass.endMs / slotMs)) ?? 0) + 1);
  return perSlot;
}

/** The run lease rows (store/run-leases.ts) whose occurrence key starts with `keyPrefix`, read from the schema. */
export async function runLeaseRows(replicas: Replicas, keyPrefix: string): Promise<Array<{ occurrence_key: string; holder: string; completed_at: string | null }>> {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: replicas.schemaUrl });
  await client.connect();
  try {
    return (await client.query(`SELECT occurrence_key, holder, completed_at FROM run_leases WHERE occurrence_key LIKE $1 ORDER BY claimed_at`, [`${keyPrefix}%`])).rows;
  } finally {
    await client.end();
  }
}
