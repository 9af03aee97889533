// One line saying what an alert is about, from the alert row and its first event: the same words in the alert
// message, in `/aws-root-check alerts` and in the weekly summary. Pure.
import type { RootEvent } from '../activity/model.js';
import type { AlertRecord } from './model.js';

/** What each kind of root event is called, before the details of one alert. */
export const ALERT_KIND_TITLE: Readonly<Record<RootEvent['kind'], string>> = {
  'console-login-success': 'Root console sign-in',
  'console-login-failure': 'Failed root sign-in',
  'root-credential-change': 'Root credential change',
  'root-only-task': 'Root-only task',
  'root-api-call': 'Root API call',
};

export function alertTitle(alert: Pick<AlertRecord, 'kind' | 'groupKind' | 'eventCount'>, firstEvent: RootEvent | null): string {
  if (alert.groupKind === 'failed-logins') return alert.eventCount === 1 ? 'Failed root sign-in' : `${alert.eventCount} failed root sign-ins`;
  let title = ALERT_KIND_TITLE[alert.kind] ?? alert.kind;
  if (alert.kind === 'console-login-success' && firstEvent?.mfaUsed === false) title = 'Root console sign-in WITHOUT MFA';
  else if (alert.kind === 'console-login-success' && firstEvent?.mfaUsed === true) title = 'Root console sign-in with MFA';
  else if (firstEvent && alert.kind !== 'console-login-success') title = `${title}: ${firstEvent.eventName}`;
  if (alert.groupKind === 'session' && alert.eventCount > 1) title = `${title} and ${alert.eventCount - 1} more in the same session`;
  return title;
}
