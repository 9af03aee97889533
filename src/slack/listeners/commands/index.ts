// Slash commands: one listener per file.
import type { App } from '@slack/bolt';
import type { ListenerDeps } from '../../deps.js';
import { awsRootCheck } from './aws-root-check.js';

export { AWS_ROOT_CHECK_COMMAND, awsRootCheck, type CommandListenerArgs } from './aws-root-check.js';
export { parseSubcommand, type Subcommand } from './subcommand.js';

export function register(app: App, deps: ListenerDeps): void {
  app.command(deps.command, awsRootCheck(deps));
}
