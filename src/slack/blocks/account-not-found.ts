// `/aws-root-check prod-x` when no watched account is called that: say so, suggest the closest one, show the usage.
import type { OverviewAccount } from '../../posture/index.js';
import { maskSecrets } from './mask.js';
import type { SlackMessage } from './message.js';
import { escapeMrkdwn, mrkdwn, oneLine, truncate, untrustedMrkdwn } from './text.js';
import { renderUsage } from './usage.js';

const ECHO_MAX = 80;

export interface AccountNotFoundOptions {
  query: string;
  suggestion: OverviewAccount | null;
  command?: string;
}

export function renderAccountNotFound(options: AccountNotFoundOptions): SlackMessage {
  const echoed = truncate(oneLine(options.query), ECHO_MAX);
  const suggestionName = options.suggestion ? (options.suggestion.name ?? options.suggestion.alias ?? options.suggestion.id) : null;
  const plain = `no watched account matches '${echoed}'${options.suggestion ? `; did you mean ${suggestionName} (${options.suggestion.id})?` : '.'}`;
  const shown = `:mag: No watched account matches \`${untrustedMrkdwn(options.query.replace(/`/g, "'"), ECHO_MAX)}\`${
    options.suggestion ? `; did you mean *${untrustedMrkdwn(suggestionName ?? '', ECHO_MAX)}* (\`${escapeMrkdwn(options.suggestion.id)}\`)?` : '.'
  }`;
  const usage = renderUsage(options.command ? { command: options.command } : {});
  return { text: maskSecrets(plain.charAt(0).toUpperCase() + plain.slice(1)), blocks: [{ type: 'section', text: mrkdwn(shown) }, ...usage.blocks] };
}
