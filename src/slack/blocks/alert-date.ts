// Times in alerts are shown in each reader's own time zone: Slack's <!date^UNIX^{tokens}|fallback> syntax, with a
// UTC fallback for clients that cannot format it (notifications, old clients). Pure.
import { escapeMrkdwn } from './text.js';

export interface SlackDateOptions {
  /** Seconds matter for an event time (CloudTrail is to the second); not for "acknowledged at". */
  seconds?: boolean;
}

/** "2026-11-02 03:12:00 UTC": what the fallback shows. */
function utcFallback(date: Date, seconds: boolean): string {
  const iso = date.toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, seconds ? 19 : 16)} UTC`;
}

export function slackDate(iso: string, options: SlackDateOptions = {}): string {
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) return escapeMrkdwn(iso);
  const seconds = options.seconds ?? false;
  return `<!date^${Math.floor(ms / 1000)}^{date_short_pretty} ${seconds ? '{time_secs}' : '{time}'}|${utcFallback(new Date(ms), seconds)}>`;
}

/** "4 min", "2 h 5 min", "3 d 4 h": how long a group of events lasted. */
export function formatSpan(fromIso: string, toIso: string): string {
  const minutes = Math.max(0, Math.round((Date.parse(toIso) - Date.parse(fromIso)) / 60_000));
  if (!Number.isFinite(minutes)) return 'unknown time';
  if (minutes < 1) return 'under a minute';
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
  const days = Math.floor(hours / 24);
  return hours % 24 === 0 ? `${days} d` : `${days} d ${hours % 24} h`;
}
