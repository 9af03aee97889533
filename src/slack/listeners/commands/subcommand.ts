// What the text after /aws-root-check asks for. Pure. New subcommands (alerts, summary) are new entries here.
import type { Visibility } from '../slack-client.js';

export type Subcommand =
  | { kind: 'report'; visibility: Visibility }
  | { kind: 'alerts' }
  | { kind: 'summary' }
  | { kind: 'help' }
  | { kind: 'unknown'; text: string };

const SUBCOMMANDS: Readonly<Record<string, Subcommand>> = {
  '': { kind: 'report', visibility: 'ephemeral' },
  public: { kind: 'report', visibility: 'in_channel' },
  alerts: { kind: 'alerts' },
  summary: { kind: 'summary' },
  help: { kind: 'help' },
  '-h': { kind: 'help' },
  '--help': { kind: 'help' },
  '?': { kind: 'help' },
};

export function parseSubcommand(text: string | undefined): Subcommand {
  const normalized = (text ?? '').trim().replace(/\s+/g, ' ');
  const known = SUBCOMMANDS[normalized.toLowerCase()];
  return known ?? { kind: 'unknown', text: normalized };
}
