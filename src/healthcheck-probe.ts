#!/usr/bin/env node
// The Docker HEALTHCHECK's entry point: `node dist/healthcheck-probe.js`. It loads only the healthcheck
// command (no AWS SDK, Bolt or SQLite), so a probe every 30 s stays cheap; `aws-root-guard healthcheck`
// runs the same check through the CLI.
import { runHealthcheckCommand } from './commands/healthcheck.js';

process.exitCode = await runHealthcheckCommand(process.env);
