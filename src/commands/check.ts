// `aws-root-guard check [--json]`: the posture report in a terminal, no Slack needed.
import { loadCheckConfig, type Env } from '../config.js';
import { createAwsClients } from '../aws/index.js';
import { assessAccount } from '../posture/index.js';
import { exitCodeFor, renderReportText, toReportJson } from '../terminal/index.js';
import { describeFatalAwsError } from '../aws/index.js';

export interface CheckCommandOptions {
  json: boolean;
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
}

export async function runCheckCommand(env: Env, options: CheckCommandOptions): Promise<number> {
  const config = loadCheckConfig(env);
  const clients = createAwsClients({ region: config.aws.region });
  try {
    const report = await assessAccount(clients, config.posture);
    if (options.json) options.stdout.write(`${JSON.stringify(toReportJson(report), null, 2)}\n`);
    else options.stdout.write(renderReportText(report, { colour: options.stdout.isTTY === true && !env.NO_COLOR }));
    return exitCodeFor(report);
  } catch (error) {
    // No credentials, no network, STS refused: no check could run at all.
    process.stderr.write(`aws-root-guard check: ${describeFatalAwsError(error)}\n`);
    return 2;
  } finally {
    clients.destroy();
  }
}
