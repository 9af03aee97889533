// docker-compose.yml, checked without a container engine: it parses (anchors and merge keys as Compose reads them),
// PostgreSQL plus two bot replicas, each replica's environment, interpolated as Compose does, is a valid `serve`
// configuration on that PostgreSQL, and every variable it takes from .env is documented in .env.example.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadServeConfig } from '../src/config.js';
import { readPostgresConfig } from '../src/store/postgres-config.js';

const repoRoot = join(import.meta.dirname, '..');
const composeText = readFileSync(join(repoRoot, 'docker-compose.yml'), 'utf8');

interface Service {
  image?: string;
  build?: string;
  env_file?: string | string[];
  environment?: Record<string, string>;
  ports?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
}
const compose = parse(composeText, { merge: true }) as { services: Record<string, Service> };

/** Compose's interpolation of ${NAME}, ${NAME:-default} and ${NAME:?error} from the project's .env. */
function interpolate(value: string, env: Record<string, string>): string {
  return value.replace(/\$\{([A-Z][A-Z0-9_]*)(?::([-?])([^}]*))?\}/g, (_match, name: string, operator?: string, argument?: string) => {
    const set = env[name];
    if (set) return set;
    if (operator === '?') throw new Error(`required variable ${name} is missing a value: ${argument}`);
    return operator === '-' ? (argument ?? '') : '';
  });
}

const dotEnv = { POSTGRES_PASSWORD: 'compose-secret-1', SLACK_BOT_TOKEN: 'xoxb-1-2-3', SLACK_SIGNING_SECRET: 'signing-secret', ALERT_CHANNEL: 'C0SECURITY1' };
const bots = ['bot-a', 'bot-b'];

describe('docker-compose.yml', () => {
  it('has PostgreSQL with a health check and two bot replicas built from the Dockerfile that wait for it', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['bot-a', 'bot-b', 'postgres']);
    const postgres = compose.services.postgres!;
    expect(postgres.image).toMatch(/^postgres:\d+/);
    expect(postgres.healthcheck?.test).toContain('pg_isready');
    for (const name of bots) {
      const bot = compose.services[name]!;
      expect(bot.build, name).toBe('.');
      expect(bot.env_file, name).toBe('.env');
      expect(bot.depends_on, name).toEqual({ postgres: { condition: 'service_healthy' } });
    }
  });

  it("gives each replica a DATABASE_URL on the postgres service's database and user, its password from POSTGRES_PASSWORD", () => {
    const postgres = compose.services.postgres!.environment!;
    for (const name of bots) {
      const environment = Object.fromEntries(Object.entries(compose.services[name]!.environment!).map(([key, value]) => [key, interpolate(String(value), dotEnv)]));
      const { config, problems } = readPostgresConfig(environment);
      expect(problems, name).toEqual([]);
      expect(config!.pool, name).toMatchObject({ host: 'postgres', port: 5432, user: postgres.POSTGRES_USER, database: postgres.POSTGRES_DB, password: dotEnv.POSTGRES_PASSWORD });
      expect(interpolate(postgres.POSTGRES_PASSWORD!, dotEnv)).toBe(dotEnv.POSTGRES_PASSWORD);
    }
  });

  it('makes each replica a valid serve configuration (Slack, AWS, ALERT_CHANNEL, PORT), each on its own host port', () => {
    const hostPorts: string[] = [];
    for (const name of bots) {
      const bot = compose.services[name]!;
      const environment = Object.fromEntries(Object.entries(bot.environment!).map(([key, value]) => [key, interpolate(String(value), dotEnv)]));
      for (const variable of ['DATABASE_URL', 'PORT', 'SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'SLACK_APP_TOKEN', 'ALERT_CHANNEL', 'AWS_REGION']) expect(environment, `${name} ${variable}`).toHaveProperty(variable);
      const config = loadServeConfig(environment);
      expect(config.slack.mode).toBe('http');
      const [hostPort, containerPort] = bot.ports![0]!.split(':');
      expect(Number(containerPort), name).toBe(config.slack.port);
      hostPorts.push(hostPort!);
    }
    expect(new Set(hostPorts).size).toBe(bots.length);
  });

  it('stops with the variable named when .env lacks one it requires', () => {
    const environment = compose.services['bot-a']!.environment!;
    const withoutPassword = { ...dotEnv, POSTGRES_PASSWORD: '' };
    expect(() => Object.values(environment).map((value) => interpolate(String(value), withoutPassword))).toThrow('required variable POSTGRES_PASSWORD is missing a value: set POSTGRES_PASSWORD in .env');
  });

  it('takes from .env only variables .env.example documents', () => {
    const example = readFileSync(join(repoRoot, '.env.example'), 'utf8');
    const taken = [...new Set([...composeText.matchAll(/\$\{([A-Z][A-Z0-9_]*)/g)].map((match) => match[1]!))];
    expect(taken.length).toBeGreaterThan(5);
    expect(taken.filter((name) => !new RegExp(`^#? ?${name}=`, 'm').test(example))).toEqual([]);
  });
});
