// What a grouped alert adds to its message: a run of failed root sign-ins, or the calls of one root session,
// summed up in a few lines (who, from where, which calls, how many failed). The calls themselves are listed in
// the alert's thread. mrkdwn lines, untrusted values escaped. Pure.
import type { RootEvent } from '../../activity/model.js';
import { isFailedLoginBurst, type AlertRecord } from '../../alerts/index.js';
import { formatSpan, slackDate } from './alert-date.js';
import { describeUserAgent } from '../../alerts/index.js';
import { untrustedMrkdwn } from './text.js';

const TOP_VALUES = 5;

/** "203.0.113.7 ×3, 198.51.100.2 ×2 (+1 more)": the most frequent values first. */
export function countedList(values: ReadonlyArray<string | null>, limit: number = TOP_VALUES): string {
  const counts = new Map<string, number>();
  for (const value of values) if (value) counts.set(value, (counts.get(value) ?? 0) + 1);
  const sorted = [...counts].sort((left, right) => right[1] - left[1] || left[0].localeCompare(right[0]));
  const shown = sorted.slice(0, limit).map(([value, count]) => `${untrustedMrkdwn(value, 120)}${count > 1 ? ` ×${count}` : ''}`);
  return `${shown.join(', ')}${sorted.length > limit ? ` (+${sorted.length - limit} more)` : ''}`;
}

function plural(count: number, word: string): string {
  return `${count.toLocaleString('en-US')} ${word}${count === 1 ? '' : 's'}`;
}

function period(alert: Pick<AlertRecord, 'firstEventTime' | 'lastEventTime'>): string {
  return `within ${formatSpan(alert.firstEventTime, alert.lastEventTime)} (${slackDate(alert.firstEventTime, { seconds: true })} to ${slackDate(alert.lastEventTime, { seconds: true })})`;
}

function failedLogins(alert: AlertRecord, events: readonly RootEvent[], burstThreshold: number | undefined): string[] {
  const burst = isFailedLoginBurst(alert, burstThreshold) ? ': a burst, someone may be guessing the root password' : '';
  const lines = [`*${plural(alert.eventCount, 'failed root sign-in')}* ${period(alert)}${burst}`];
  lines.push(`From: ${countedList(events.map((event) => event.sourceIp))}`);
  lines.push(`Clients: ${countedList(events.map((event) => describeUserAgent(event.userAgent)))}`);
  const atMfaStep = events.filter((event) => event.mfaUsed === true).length;
  if (atMfaStep > 0) lines.push(`:warning: *${plural(atMfaStep, 'attempt')} failed at the MFA step: the password was accepted.* Change the root password.`);
  return lines;
}

function session(alert: AlertRecord, events: readonly RootEvent[]): string[] {
  const centralized = events.length > 0 && events.every((event) => event.centralizedRootSession);
  const lines = [`*${plural(alert.eventCount, 'root API call')} in one ${centralized ? 'centralized root session' : 'session'}* ${period(alert)}`];
  lines.push(`Calls: ${countedList(events.map((event) => event.eventName))}`);
  const failed = events.filter((event) => event.errorCode !== null);
  if (failed.length > 0) lines.push(`Failed: ${plural(failed.length, 'call')} (${countedList(failed.map((event) => event.errorCode))})`);
  const addresses = new Set(events.map((event) => event.sourceIp));
  if (addresses.size > 1) lines.push(`From: ${countedList(events.map((event) => event.sourceIp))}`);
  const regions = new Set(events.map((event) => event.region));
  if (regions.size > 1) lines.push(`Regions: ${countedList(events.map((event) => event.region))}`);
  lines.push('The calls after the first are listed in this thread.');
  return lines;
}

/** The summary lines of a grouped alert; none for an alert of one event. */
export function summarizeAlertGroup(alert: AlertRecord, events: readonly RootEvent[], failedLoginBurstThreshold?: number): string[] {
  if (alert.eventCount <= 1) return [];
  if (alert.groupKind === 'failed-logins') return failedLogins(alert, events, failedLoginBurstThreshold);
  if (alert.groupKind === 'session') return session(alert, events);
  return [`*${plural(alert.eventCount, 'event')}* ${period(alert)}`];
}
