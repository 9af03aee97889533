// The real bot process (`aws-root-guard serve` through tsx) for the crash tests: start it, kill it, and count
// what reached the fake Slack. (A free port for it: freePort in test/support/bot.ts.)
import { spawn, type ChildProcess } from 'node:child_process';
import type { CloudTrailRecord } from '../../fakes/aws/index.js';
import type { FakeSlack } from '../../fakes/slack/index.js';
import { fixtureRecord } from '../../fixtures/cloudtrail/load.js';

/** `onLogLine`: each line the bot logs (stderr, pino JSON), for a test that reads what a process did. */
export function startBotProcess(env: NodeJS.ProcessEnv, options: { onLogLine?: (line: string) => void } = {}): ChildProcess {
  const { onLogLine } = options;
  const stderr = onLogLine ? 'pipe' : process.env.CRASH_TEST_DEBUG ? 'inherit' : 'ignore';
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'serve'], { env, stdio: ['ignore', 'ignore', stderr] });
  if (onLogLine && child.stderr) {
    let rest = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      const lines = (rest + chunk).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) onLogLine(line);
    });
  }
  return child;
}

export function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
  });
}

export function killed(child: ChildProcess, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  const done = exited(child);
  if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  return done;
}

/** A root console sign-in without MFA with its own event id, `minutesAgo` in the past: one alert each. */
export function rootSignIn(eventId: string, minutesAgo: number): CloudTrailRecord {
  const record = fixtureRecord('root-console-login-success-no-mfa');
  return { ...record, eventID: eventId, eventTime: new Date(Date.now() - minutesAgo * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z') } as CloudTrailRecord;
}

/** How many top-level posts in `channel` (every channel when null) Slack holds for each event id. */
export function postsPerEvent(slack: FakeSlack, eventIds: readonly string[], channel: string | null = null): Map<string, number> {
  const counts = new Map(eventIds.map((id) => [id, 0]));
  for (const message of slack.state.messages) {
    if (message.threadTs !== null || (channel !== null && message.channel !== channel)) continue;
    const blocks = JSON.stringify(message.blocks ?? '');
    for (const id of eventIds) if (blocks.includes(id)) counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}

export function lostAndDuplicated(counts: Map<string, number>): { lost: string[]; duplicates: number } {
  return {
    lost: [...counts].filter(([, count]) => count === 0).map(([id]) => id),
    duplicates: [...counts.values()].reduce((sum, count) => sum + Math.max(0, count - 1), 0),
  };
}
