// Which watched account a user means by "210987654321", "prod-eu" or "Prod EU": the id, the IAM alias or the
// Organizations name, case-insensitive. With no match, the closest name within a small edit distance is suggested.
import type { OverviewAccount } from './overview.js';

export type AccountMatch<A extends OverviewAccount> = { kind: 'match'; account: A } | { kind: 'none'; suggestion: A | null };

/** Levenshtein distance, two rows: names are short. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

function namesOf(account: OverviewAccount): string[] {
  return [account.id, account.alias, account.name].filter((name): name is string => typeof name === 'string' && name.length > 0).map((name) => name.toLowerCase());
}

/** A suggestion must be closer than a third of the query's length (at least 1, at most 3 edits). */
function maxSuggestionDistance(query: string): number {
  return Math.min(3, Math.max(1, Math.floor(query.length / 3)));
}

export function matchAccount<A extends OverviewAccount>(query: string, accounts: readonly A[]): AccountMatch<A> {
  const wanted = query.trim().toLowerCase();
  const exact = accounts.find((account) => namesOf(account).includes(wanted));
  if (exact) return { kind: 'match', account: exact };
  let best: { account: A; distance: number } | null = null;
  for (const account of accounts) {
    for (const name of namesOf(account)) {
      const distance = editDistance(wanted, name);
      if (distance <= maxSuggestionDistance(wanted) && (!best || distance < best.distance)) best = { account, distance };
    }
  }
  return { kind: 'none', suggestion: best?.account ?? null };
}
