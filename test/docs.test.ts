// The front door stays true: every variable the code reads is documented, the Dockerfile lints clean and
// only copies what exists, and the README's commands are the package's scripts.
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { validate } from 'dockerfile-utils';

const read = (path: string) => readFileSync(path, 'utf8');

const CONFIG_FILES = ['src/config.ts', 'src/alerts/config.ts', 'src/activity/poll-config.ts', 'src/summary/config.ts', 'src/commands/summary.ts', 'src/commands/healthcheck.ts', 'src/aws/accounts-config.ts'];
// Read by the code but not settings of the bot: a test switch and the no-color.org convention.
const NOT_SETTINGS = new Set(['AWS_ROOT_GUARD_NO_DOTENV', 'NO_COLOR']);

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
    expect(dockerfile).toMatch(/^HEALTHCHECK [^]*?CMD \["node", "dist\/healthcheck-probe\.js"\]$/m);
    expect(dockerfile).toMatch(/^ENTRYPOINT \["node", "dist\/cli\.js"\]$/m);
  });

  it('copies only files that exist, and runs what the build produces', () => {
    for (const match of dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)) {
      for (const source of match[1]!.split(/\s+/)) expect(existsSync(source), source).toBe(true);
    }
    const build = JSON.parse(read('tsconfig.build.json')) as { compilerOptions: { outDir: string; rootDir: string } };
    expect(build.compilerOptions).toMatchObject({ outDir: 'dist', rootDir: 'src' });
    expect(existsSync('src/cli.ts')).toBe(true);
    expect(existsSync('src/healthcheck-probe.ts')).toBe(true);
  });
});
