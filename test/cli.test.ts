// The terminal entry point end to end: the real CLI process, the real SDK, the wire-level fake AWS.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAKE_CREDENTIALS, hardenedAccount, rootWithActiveKeysUsedYesterday, startFakeAws, type FakeAws } from './fakes/aws/index.js';
import { runCli } from './support/cli-process.js';

let fake: FakeAws;
let awsEnv: Record<string, string>;

beforeAll(async () => {
  fake = await startFakeAws();
  awsEnv = {
    AWS_ENDPOINT_URL: fake.url,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: FAKE_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: FAKE_CREDENTIALS.secretAccessKey,
    LOG_LEVEL: 'trace',
  };
});

afterAll(async () => {
  await fake.close();
});

describe('aws-root-guard check', () => {
  it('prints the JSON report and exits 1 when root has active keys used yesterday', async () => {
    fake.state = rootWithActiveKeysUsedYesterday();
    const run = await runCli(['check', '--json'], awsEnv);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as { account: { id: string }; score: { passed: number; total: number }; findings: Array<{ id: string; status: string }> };
    expect(report.account.id).toBe(fake.state.accountId);
    const statusById = Object.fromEntries(report.findings.map((finding) => [finding.id, finding.status]));
    expect(statusById['root-no-access-keys']).toBe('fail');
    expect(statusById['root-not-used-recently']).toBe('fail');
    expect(report.score.passed).toBeLessThan(report.score.total);
    // AWS_ENDPOINT_URL (the SDK's standard variable) sent every call to the fake.
    expect(fake.calls('GetCallerIdentity')).toBeGreaterThan(0);
    expect(run.stdout + run.stderr).not.toContain(FAKE_CREDENTIALS.secretAccessKey);
  });

  it('prints a table and exits 0 for a hardened account', async () => {
    fake.state = hardenedAccount();
    const run = await runCli(['check'], awsEnv);
    expect(run.stdout).toContain(`account ${fake.state.accountId}`);
    expect(run.stdout).toMatch(/PASS\s+critical\s+root-mfa-enabled/);
    expect(run.code).toBe(0);
  });

  it('exits 2 naming the IAM action when a call is refused', async () => {
    fake.state = hardenedAccount();
    fake.faults.accessDenied('GetCredentialReport');
    const run = await runCli(['check'], awsEnv);
    expect(run.code).toBe(2);
    expect(run.stdout).toContain('iam:GetCredentialReport');
  });

  it('exits 2 with a clear message when AWS cannot be reached at all', async () => {
    const run = await runCli(['check'], { ...awsEnv, AWS_ENDPOINT_URL: 'http://127.0.0.1:9', AWS_MAX_ATTEMPTS: '1' });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('aws-root-guard check:');
    expect(run.stderr).not.toContain(FAKE_CREDENTIALS.secretAccessKey);
  });
});

describe('aws-root-guard usage and config errors', () => {
  it('unknown command: usage and exit 2', async () => {
    const run = await runCli(['frobnicate'], {});
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('Unknown command "frobnicate"');
    expect(run.stderr).toContain('aws-root-guard check [--json]');
  });

  it('serve with missing config names each variable and exits 2', async () => {
    const run = await runCli(['serve'], { SLACK_MODE: 'http' });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('SLACK_BOT_TOKEN is not set');
    expect(run.stderr).toContain('SLACK_SIGNING_SECRET is not set');
  });

  it('--help on a command prints its help', async () => {
    const run = await runCli(['check', '--help'], {});
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Exit code: 0 nothing fails, 1 a finding fails, 2');
  });
});

describe('aws-root-guard summary', () => {
  it('prints this week with the fresh posture score and says when there is no bot state', async () => {
    fake.faults.clear();
    fake.state = rootWithActiveKeysUsedYesterday();
    const run = await runCli(['summary', '--json'], { ...awsEnv, DATA_DIR: '/nonexistent-root-guard-state' });
    expect(run.stderr).toContain('no bot state in /nonexistent-root-guard-state');
    const summary = JSON.parse(run.stdout) as { accounts: Array<{ account: { id: string }; score: { passed: number; total: number } }> };
    expect(summary.accounts[0]!.account.id).toBe(fake.state.accountId);
    expect(summary.accounts[0]!.score.passed).toBeLessThan(summary.accounts[0]!.score.total);
    expect(run.code).toBe(0);
  });
});

describe('aws-root-guard classify', () => {
  it('prints one JSON line per record and exits 1 when a record is root activity', async () => {
    const run = await runCli(['classify', 'test/fixtures/cloudtrail/inputs/lookup-events-username-root.json'], {});
    const lines = run.stdout.trim().split('\n').map((line) => JSON.parse(line) as { alert: boolean; kind: string });
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.some((line) => line.alert)).toBe(true);
    expect(run.code).toBe(1);
  });
});
