// The one place that says in words what an alert is about (pure, plain text: callers escape it):
// - alertTitle: the short form, "Root console sign-in WITHOUT MFA", "4 failed root sign-ins", used in the
//   weekly summary;
// - alertHeadline: the title plus where and from where, "Root console sign-in WITHOUT MFA — account
//   123456789012 (prod) — from 203.0.113.7, Firefox on macOS — us-east-1", used by the alert message, its
//   notification text, `/aws-root-check alerts`, the acknowledge modal and `scan`'s grouped lines.
// Both read an alert row (or a batch group shaped like one) and its events.
import { attemptTitle } from '../activity/attempt-titles.js';
import type { RootEvent } from '../activity/model.js';
import type { AlertRecord } from './model.js';
import { describeUserAgent } from './user-agent.js';

/** What each kind of root event is called, before the details of one alert. */
export const ALERT_KIND_TITLE: Readonly<Record<RootEvent['kind'], string>> = {
  'console-login-success': 'Root console sign-in',
  'console-login-failure': 'Failed root sign-in',
  'root-credential-change': 'Root credential change',
  'root-logging-disabled': 'Root turned off security logging',
  'root-access-change': 'Root changed IAM access',
  'root-only-task': 'Root-only task',
  'root-api-call': 'Root API call',
  'root-session-opened': 'Root session opened',
};

export type TitledAlert = Pick<AlertRecord, 'kind' | 'groupKind' | 'eventCount'>;
export type HeadlineAlert = TitledAlert & Pick<AlertRecord, 'accountId' | 'region'>;

/** Account names to show beside ids ("prod-eu (210987654321)"); null when unknown. */
export type AccountNameOf = (accountId: string) => string | null;

/** "prod-eu (210987654321)", or the bare id when the name is unknown. */
export function accountLabel(accountId: string, accountName: AccountNameOf | undefined): string {
  const name = accountName?.(accountId) ?? null;
  return name ? `${name} (${accountId})` : accountId;
}

/** "Root session opened on member prod-eu (210987654321) by arn:…/alice, task policy IAMDeleteRootUserCredentials". */
function rootSessionTitle(event: RootEvent, accountName: AccountNameOf | undefined): string {
  const session = event.rootSession;
  const target = session?.targetAccountId ?? null;
  const member = target ? `member ${accountLabel(target, accountName)}` : 'a member';
  const parts = [`Root session opened on ${member}`];
  if (session?.callerArn) parts[0] += ` by ${session.callerArn}`;
  if (session?.taskPolicy) parts.push(`task policy ${session.taskPolicy}`);
  if (event.sourceIp) parts.push(`from ${event.sourceIp}`);
  if (event.auditByThisBot) parts.push('audit by aws-root-guard');
  if (event.errorCode) parts.push(`refused: ${event.errorCode}`);
  return parts.join(', ');
}

export function alertTitle(alert: TitledAlert, firstEvent: RootEvent | null, accountName?: AccountNameOf): string {
  if (alert.kind === 'root-session-opened' && firstEvent) {
    const title = rootSessionTitle(firstEvent, accountName);
    return alert.eventCount > 1 ? `${title}, and ${alert.eventCount - 1} call${alert.eventCount === 2 ? '' : 's'} in it` : title;
  }
  if (alert.groupKind === 'failed-logins') return alert.eventCount === 1 ? 'Failed root sign-in' : `${alert.eventCount} failed root sign-ins`;
  let title = attemptTitle(alert.kind, firstEvent?.errorCode) ?? ALERT_KIND_TITLE[alert.kind] ?? alert.kind;
  if (alert.kind === 'console-login-success' && firstEvent?.mfaUsed === false) title = 'Root console sign-in WITHOUT MFA';
  else if (alert.kind === 'console-login-success' && firstEvent?.mfaUsed === true) title = 'Root console sign-in with MFA';
  else if (firstEvent && alert.kind !== 'console-login-success') title = `${title}: ${firstEvent.eventName}${firstEvent.action ? ` (${firstEvent.action})` : ''}`;
  if (alert.groupKind === 'session' && alert.eventCount > 1) title = `${title} and ${alert.eventCount - 1} more in the same session`;
  return title;
}

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

function what(alert: TitledAlert, first: RootEvent | null, accountName: AccountNameOf | undefined): string {
  let title = alertTitle(alert, first, accountName);
  // The title is shared with the weekly summary; the headline adds what a responder must not miss.
  if (alert.eventCount === 1 && alert.kind === 'console-login-failure' && first?.mfaUsed === true) title = `${title} at the MFA step (the password was accepted)`;
  if (alert.kind === 'console-login-success' && first && first.mfaUsed === null) title = `${title} (MFA unknown)`;
  if (first?.centralizedRootSession) title = `${title}, in a centralized root session`;
  return title;
}

/**
 * `events`: the alert's events (oldest first), or just the first; the origin counts addresses across them.
 * `accountName`: names of other accounts the title mentions (an AssumeRoot session's member).
 */
export function alertHeadline(alert: HeadlineAlert, events: readonly RootEvent[], accountAlias: string | null, accountName?: AccountNameOf): string {
  const first = events[0] ?? null;
  const account = `account ${alert.accountId}${accountAlias ? ` (${accountAlias})` : ''}`;
  // A root session's origin is its caller's, said in its title.
  const from = alert.kind === 'root-session-opened' ? null : origin(first, events);
  return [what(alert, first, accountName), account, from, alert.region].filter((part): part is string => Boolean(part)).join(' — ');
}
