// Ages relative to the moment facts were gathered, so evaluation stays a pure function of the facts.
const HOUR_MS = 60 * 60 * 1000;
export const DAY_MS = 24 * HOUR_MS;

/** Milliseconds from `thenIso` to `nowIso`; null when the timestamp does not parse. Clock skew never yields a negative age. */
export function ageMs(thenIso: string, nowIso: string): number | null {
  const then = Date.parse(thenIso);
  const now = Date.parse(nowIso);
  if (Number.isNaN(then) || Number.isNaN(now)) return null;
  return Math.max(0, now - then);
}

/** "less than an hour ago", "5 hours ago", "1 day ago", "3 days ago". */
export function formatAge(ms: number): string {
  if (ms < HOUR_MS) return 'less than an hour ago';
  if (ms < DAY_MS) {
    const hours = Math.floor(ms / HOUR_MS);
    return hours === 1 ? '1 hour ago' : `${hours} hours ago`;
  }
  const days = Math.floor(ms / DAY_MS);
  return days === 1 ? '1 day ago' : `${days} days ago`;
}

/** formatAge for a report timestamp, falling back to the raw value when it does not parse. */
export function describeWhen(thenIso: string, nowIso: string): string {
  const age = ageMs(thenIso, nowIso);
  return age === null ? `at ${thenIso}` : formatAge(age);
}
