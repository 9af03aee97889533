#!/usr/bin/env node
// Terminal entry points: `serve` runs the bot; `check` and friends work with no Slack at all.
import { parseArgs } from 'node:util';
import { loadDotEnv } from './dotenv.js';
import { ConfigError } from './config.js';
import { CheckUsageError, runCheckCommand } from './commands/check.js';
import { runServeCommand } from './commands/serve.js';
import { runHealthcheckCommand } from './commands/healthcheck.js';
import { runScanCommand } from './commands/scan.js';
import { runSummaryCommand } from './commands/summary.js';
import { runStatusCommand } from './commands/status.js';
import { CLASSIFY_HELP, runClassifyCommand } from './commands/classify.js';

const USAGE = `aws-root-guard: keeps AWS accounts' root users safe

Usage:
  aws-root-guard serve                 run the Slack bot (HTTP or Socket Mode, from the environment)
  aws-root-guard check [--json]        check the root user's posture of the watched account(s) (WATCH_ACCOUNTS)
  aws-root-guard check --all [--json]  the organization overview: every watched account, worst first
  aws-root-guard check --account ID [--json]
                                       one watched account's full report (id, alias or Organizations name)
  aws-root-guard scan [--since 24h] [--json]
                                       one CloudTrail pass over every region: the root events found, classified
  aws-root-guard classify [FILE|-]...  classify CloudTrail records (lookup-events output or log files, .json.gz too)
  aws-root-guard summary [--json] [--last-week]
                                       the hygiene summary: posture, root events, open alerts, trends
  aws-root-guard status [--json]       which accounts and Regions the running bot watches, by which source, and
                                       what it could not read (from DATA_DIR and the events queue)
  aws-root-guard healthcheck           exit 0 when the running bot answers GET /healthz (for Docker)
  aws-root-guard <command> --help      help for one command

Configuration comes from environment variables and a .env file in the working directory
(see .env.example). AWS credentials come from the SDK's default chain (env, profile, SSO, roles).`;

const COMMAND_HELP: Record<string, string> = {
  serve: `aws-root-guard serve

Runs the Slack bot. Needs SLACK_BOT_TOKEN, and SLACK_SIGNING_SECRET (HTTP mode, default, on PORT)
or SLACK_APP_TOKEN (Socket Mode). See .env.example for every variable.`,
  check: `aws-root-guard check [--all | --account ID] [--json]

Runs the root-user posture checks and prints a table (colour on a terminal) or, with --json, JSON.
With WATCH_ACCOUNTS=self (the default) it checks the AWS account of the current credentials and prints its
report. With WATCH_ACCOUNTS=organization or a list of ids, every watched account is checked (POSTURE_CONCURRENCY
at a time) and the organization overview is printed: failing accounts first, then warnings, accounts that could
not be checked, clean ones, and the accounts left out (suspended, closed).
  --all           the overview even when one account is watched
  --account ID    one watched account's full report; ID is the account id, its IAM alias or its name in
                  AWS Organizations (an unknown name suggests the closest one)
  --json          the report as JSON; with several accounts (or --all):
                  {"accounts":[{"account":{...},"report":{...}} | {"account":{...},"error":{...}}],
                   "generatedAt":"...","totals":{...},"skipped":[...]}
Exit code: 0 nothing fails, 1 a finding fails, 2 a check or an account could not be checked (and none
failed), or no AWS access at all; with several accounts, over all of them.`,
  scan: `aws-root-guard scan [--since DURATION] [--json]

Reads CloudTrail (LookupEvents) in every enabled region (or AWS_REGIONS) back to --since (e.g. 90m, 24h,
7d; default 24h; at most 90 days) and prints the root events found, classified; no Slack, no state.
Exit code: 0 no root activity, 1 root activity found, 2 a region or AWS could not be read.`,
  summary: `aws-root-guard summary [--json] [--last-week]

Prints the hygiene summary of this week so far (or, with --last-week, of the last complete week, as the
Monday post shows it): posture score and its change, findings newly failing or fixed, root events by kind,
unacknowledged alerts, median time to acknowledge and eight-week trends. Reads the bot's state from DATA_DIR:
the posture of each account's newest snapshot (their age shown), a fresh check only for an account with none;
records nothing. Weeks are read in SUMMARY_TIMEZONE (default UTC).
Exit code: 0, or 2 when the checks could not run.`,
  classify: CLASSIFY_HELP,
  status: `aws-root-guard status [--json]

Shows the running bot's coverage of root activity: the accounts and Regions it watches and by which source
(poller, events queue), how old each account-Region's last reading is (its cursor), the accounts and Regions it
could not read with the action to fix (sts:AssumeRole, account:ListRegions, cloudtrail:LookupEvents), the events
queue's depth (GetQueueAttributes) and last message, and how many unreadable records it kept. Reads DATA_DIR (the
record the bot writes after every poll pass, and its store); records nothing.
Exit code: 0 everything read, 1 something could not be read or lags (or no pass recorded yet), 2 no bot state.`,
  healthcheck: `aws-root-guard healthcheck

Exits 0 when the running bot answers GET /healthz on 127.0.0.1 (HEALTH_PORT, else PORT, else 3000)
within 3 s, 1 otherwise. The Docker image runs the same check as \`node dist/healthcheck-probe.js\`.`,
};

type CommandRunner = (args: string[]) => Promise<number>;

const COMMANDS: Record<string, CommandRunner> = {
  serve: () => runServeCommand(process.env),
  check: async (args) => {
    const { values } = parseArgs({ args, options: { json: { type: 'boolean', default: false }, all: { type: 'boolean', default: false }, account: { type: 'string' } }, strict: true });
    return runCheckCommand(process.env, { json: values.json ?? false, all: values.all ?? false, account: values.account ?? null, stdout: process.stdout });
  },
  scan: async (args) => {
    const { values } = parseArgs({ args, options: { since: { type: 'string', default: '24h' }, json: { type: 'boolean', default: false } }, strict: true });
    return runScanCommand(process.env, { since: values.since ?? '24h', json: values.json ?? false, stdout: process.stdout });
  },
  summary: async (args) => {
    const { values } = parseArgs({ args, options: { json: { type: 'boolean', default: false }, 'last-week': { type: 'boolean', default: false } }, strict: true });
    return runSummaryCommand(process.env, { json: values.json ?? false, lastWeek: values['last-week'] ?? false, stdout: process.stdout });
  },
  status: async (args) => {
    const { values } = parseArgs({ args, options: { json: { type: 'boolean', default: false } }, strict: true });
    return runStatusCommand(process.env, { json: values.json ?? false, stdout: process.stdout, stderr: process.stderr });
  },
  classify: (args) => runClassifyCommand(args, { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin }),
  healthcheck: () => runHealthcheckCommand(process.env),
};

export async function runCli(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return command === undefined ? 2 : 0;
  }
  const runner = COMMANDS[command];
  if (!runner) {
    process.stderr.write(`Unknown command "${command}".\n\n${USAGE}\n`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`${COMMAND_HELP[command] ?? USAGE}\n`);
    return 0;
  }
  loadDotEnv(process.env);
  try {
    return await runner(rest);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      return 2;
    }
    if (error instanceof CheckUsageError) {
      process.stderr.write(`${error.message}\n\n${COMMAND_HELP[command] ?? USAGE}\n`);
      return 2;
    }
    if (error instanceof TypeError && (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`${error.message}\n\n${COMMAND_HELP[command] ?? USAGE}\n`);
      return 2;
    }
    throw error;
  }
}

runCli(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`aws-root-guard: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
  },
);
