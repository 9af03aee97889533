// ALERT_ROUTES: which Slack channel an account's alerts go to. Parsed once at start (a bad entry stops the bot,
// named), decided by one pure function: the account's own route, else the nearest OU up its path, else "*", else
// ALERT_CHANNEL. The weekly summary is not routed: it covers every account and stays in ALERT_CHANNEL.

export interface AlertRoutes {
  /** Account id -> channel id. */
  accounts: ReadonlyMap<string, string>;
  /** OU id ("ou-…") or root id ("r-…") -> channel id. */
  units: ReadonlyMap<string, string>;
  /** The "*" route, or null: then ALERT_CHANNEL. */
  fallback: string | null;
}

/** Where an account sits: its OU ids from the root down to its parent (Organizations), empty when unknown. */
export interface AccountPlacement {
  accountId: string;
  ouPath: readonly string[];
}

export const NO_ROUTES: AlertRoutes = { accounts: new Map(), units: new Map(), fallback: null };

const ACCOUNT_ID = /^\d{12}$/;
const UNIT_ID = /^(ou-[0-9a-z]{4,32}-[0-9a-z]{8,32}|r-[0-9a-z]{4,32})$/;
/** A Slack channel id: C… public, G… private (ALERT_CHANNEL's rule too). */
export const CHANNEL_ID = /^[CG][A-Z0-9]{6,}$/;
const ROUTES_FORMAT = 'use ACCOUNT_ID=CHANNEL_ID, OU_ID=CHANNEL_ID or *=CHANNEL_ID, comma-separated (e.g. 210987654321=C0PROD0001,ou-ab12-cdef3456=C0DEV00001,*=C0SECURITY)';

/** Parses ALERT_ROUTES; each problem names the variable and the bad entry. */
export function parseAlertRoutes(raw: string | undefined): { routes: AlertRoutes; problems: string[] } {
  const problems: string[] = [];
  const text = raw?.trim() ?? '';
  if (text === '') return { routes: NO_ROUTES, problems };
  const accounts = new Map<string, string>();
  const units = new Map<string, string>();
  let fallback: string | null = null;
  const seen = new Set<string>();
  for (const entry of text.split(',').map((part) => part.trim())) {
    if (entry === '') continue;
    const equals = entry.indexOf('=');
    const target = equals < 0 ? entry : entry.slice(0, equals).trim();
    const channel = equals < 0 ? '' : entry.slice(equals + 1).trim();
    if (equals < 0 || target === '' || channel === '') {
      problems.push(`ALERT_ROUTES: "${entry}" is not TARGET=CHANNEL: ${ROUTES_FORMAT}`);
      continue;
    }
    if (!CHANNEL_ID.test(channel)) {
      problems.push(`ALERT_ROUTES: "${entry}": "${channel}" is not a channel ID (C… or G…; a channel name will not do)`);
      continue;
    }
    if (seen.has(target)) {
      problems.push(`ALERT_ROUTES: "${entry}": ${target} is routed twice; keep one entry for it`);
      continue;
    }
    seen.add(target);
    if (target === '*') fallback = channel;
    else if (ACCOUNT_ID.test(target)) accounts.set(target, channel);
    else if (UNIT_ID.test(target)) units.set(target, channel);
    else problems.push(`ALERT_ROUTES: "${entry}": "${target}" is not a 12-digit account id, an OU id (ou-…), a root id (r-…) or *`);
  }
  return { routes: { accounts, units, fallback }, problems };
}

/** True when some route names an OU: those need the organization's tree to decide. */
export function routesNeedOrganization(routes: AlertRoutes): boolean {
  return routes.units.size > 0;
}

/** The channel of an account's alerts: its own route, the nearest OU up its path, "*", then `defaultChannel`. */
export function alertChannelFor(routes: AlertRoutes, placement: AccountPlacement, defaultChannel: string): string {
  const own = routes.accounts.get(placement.accountId);
  if (own) return own;
  for (let index = placement.ouPath.length - 1; index >= 0; index -= 1) {
    const unit = routes.units.get(placement.ouPath[index]!);
    if (unit) return unit;
  }
  return routes.fallback ?? defaultChannel;
}

/** Every channel the routes (and the default) post to: the bot must be a member of each. */
export function routedChannels(routes: AlertRoutes, defaultChannel: string): string[] {
  return [...new Set([defaultChannel, ...(routes.fallback ? [routes.fallback] : []), ...routes.accounts.values(), ...routes.units.values()])];
}
