// One line saying what happened, where and from where: "Root console sign-in WITHOUT MFA — account 123456789012
// (prod) — from 203.0.113.7, Firefox on macOS — us-east-1". The alert message, its notification text and the
// `/aws-root-check alerts` list all use it. Plain text (the caller escapes it). Pure.
import type { RootEvent } from '../../activity/model.js';
import { alertTitle, type AlertRecord } from '../../alerts/index.js';
import { describeUserAgent } from './alert-user-agent.js';

type HeadlineAlert = Pick<AlertRecord, 'accountId' | 'region' | 'kind' | 'groupKind' | 'eventCount'>;

function distinct(values: ReadonlyArray<string | null>): string[] {
  return [...new Set(values.filter((value): value is string => value !== null && value !== ''))];
}

/** "from 203.0.113.7, Firefox on macOS", or "from 3 addresses" for a group that came from several. */
function origin(first: RootEvent | null, events: readonly RootEvent[]): string | null {
  if (!first) return null;
  const addresses = distinct(events.length > 0 ? events.map((event) => event.sourceIp) : [first.sourceIp]);
  const clients = distinct(events.length > 0 ? events.map((event) => describeUserAgent(event.userAgent)) : [describeUserAgent(first.userAgent)]);
  const client = clients.length > 1 ? `${clients.length} clients` : describeUserAgent(first.userAgent);
  if (addresses.length > 1) return `from ${addresses.length} addresses, ${client}`;
  return first.sourceIp ? `from ${first.sourceIp}, ${client}` : client;
}

function what(alert: HeadlineAlert, first: RootEvent | null): string {
  let title = alertTitle(alert, first);
  // The title is shared with the weekly summary; the alert adds what a responder must not miss.
  if (alert.eventCount === 1 && alert.kind === 'console-login-failure' && first?.mfaUsed === true) title = `${title} at the MFA step (the password was accepted)`;
  if (alert.kind === 'console-login-success' && first && first.mfaUsed === null) title = `${title} (MFA unknown)`;
  if (first?.centralizedRootSession) title = `${title}, in a centralized root session`;
  return title;
}

/** `events`: the alert's events (oldest first), or just the first; the origin counts addresses across them. */
export function alertHeadline(alert: HeadlineAlert, events: readonly RootEvent[], accountAlias: string | null): string {
  const first = events[0] ?? null;
  const account = `account ${alert.accountId}${accountAlias ? ` (${accountAlias})` : ''}`;
  return [what(alert, first), account, origin(first, events), alert.region].filter((part): part is string => Boolean(part)).join(' — ');
}
