// The overview's headline and the age of its data in plain words, shared by Slack, the terminal and the summary
// (each adds its own markup around them).
import type { OrganizationOverview } from './overview.js';

/** "1 account", "2,000 accounts". */
export function countNoun(count: number, one: string, many = `${one}s`): string {
  return `${count.toLocaleString('en-US')} ${count === 1 ? one : many}`;
}

/** "just now", "14 minutes ago", "3 hours ago", "2 days ago". */
export function ageInWords(fromIso: string, now: Date): string {
  const minutes = Math.floor((now.getTime() - Date.parse(fromIso)) / 60_000);
  if (!Number.isFinite(minutes) || minutes < 1) return 'just now';
  if (minutes < 60) return `${countNoun(minutes, 'minute')} ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${countNoun(hours, 'hour')} ago`;
  return `${countNoun(Math.floor(hours / 24), 'day')} ago`;
}

/** "Root posture across 143 accounts: 128 clean, 11 failing, 4 could not be checked". */
export function overviewHeadline(overview: Pick<OrganizationOverview, 'totals'>): string {
  const { totals } = overview;
  const parts = [`${totals.clean.toLocaleString('en-US')} clean`, `${totals.failing.toLocaleString('en-US')} failing`];
  if (totals.warning > 0) parts.push(`${totals.warning.toLocaleString('en-US')} with warnings`);
  parts.push(`${totals.unchecked.toLocaleString('en-US')} could not be checked`);
  return `Root posture across ${countNoun(totals.accounts, 'account')}: ${parts.join(', ')}`;
}
