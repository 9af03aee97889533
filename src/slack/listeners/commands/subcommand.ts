// What the text after /aws-root-check asks for. Pure. New subcommands (alerts, summary) are new entries here;
// any other short text names an account (id, alias or Organizations name), resolved against the watched accounts.
import type { Visibility } from '../slack-client.js';

export type Subcommand =
  | { kind: 'report'; visibility: Visibility }
  | { kind: 'failing'; visibility: Visibility }
  | { kind: 'account'; query: string; visibility: Visibility }
  | { kind: 'alerts' }
  | { kind: 'summary' }
  | { kind: 'status' }
  | { kind: 'help' }
  | { kind: 'unknown'; text: string };

const SUBCOMMANDS: Readonly<Record<string, Subcommand>> = {
  '': { kind: 'report', visibility: 'ephemeral' },
  public: { kind: 'report', visibility: 'in_channel' },
  failing: { kind: 'failing', visibility: 'ephemeral' },
  'failing public': { kind: 'failing', visibility: 'in_channel' },
  alerts: { kind: 'alerts' },
  summary: { kind: 'summary' },
  status: { kind: 'status' },
  help: { kind: 'help' },
  '-h': { kind: 'help' },
  '--help': { kind: 'help' },
  '?': { kind: 'help' },
};

/** Organizations names are up to 50 characters, aliases 63, ids 12: longer or stranger text is not an account. */
const ACCOUNT_QUERY = /^[\p{L}\p{N}][\p{L}\p{N} ._+=,@-]{0,63}$/u;

export function parseSubcommand(text: string | undefined): Subcommand {
  const normalized = (text ?? '').trim().replace(/\s+/g, ' ');
  const known = SUBCOMMANDS[normalized.toLowerCase()];
  if (known) return known;
  const publicSuffix = / public$/i.test(normalized);
  const query = publicSuffix ? normalized.slice(0, -' public'.length) : normalized;
  if (ACCOUNT_QUERY.test(query)) return { kind: 'account', query, visibility: publicSuffix ? 'in_channel' : 'ephemeral' };
  return { kind: 'unknown', text: normalized };
}
