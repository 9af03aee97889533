// The organization at a glance, as plain data: each watched account's latest result sorted into failing, warning,
// clean or could-not-be-checked, the worst first. Pure; Slack and the terminal render it their own way.
import type { AccountIdentity, Finding, PostureReport, Severity } from './model.js';
import { SEVERITY_ORDER } from './run-posture.js';

/** A watched account as the overview names it: Organizations name and OU when known. */
export interface OverviewAccount extends AccountIdentity {
  name?: string | null;
  /** e.g. "Root/Prod/EU"; null or absent when unknown (a standalone account). */
  ouPath?: string | null;
}

export interface AccountRunError {
  message: string;
  code?: string;
}

/** An account's latest result: a report, or why no report could be made; null when it was never checked. */
export type AccountResult = { ok: true; report: PostureReport } | { ok: false; error: AccountRunError };

export interface OverviewInput {
  account: OverviewAccount;
  result: AccountResult | null;
  /** When the result was obtained (ISO); null when never checked. */
  checkedAt: string | null;
}

export type AccountStanding = 'failing' | 'warning' | 'unchecked' | 'clean';

export interface OverviewLine {
  account: OverviewAccount;
  standing: AccountStanding;
  /** The failing findings, worst severity first. */
  failing: Finding[];
  /** Warnings and findings that could not be checked. */
  attention: Finding[];
  /** Why the account could not be checked at all (standing "unchecked"). */
  error: AccountRunError | null;
  checkedAt: string | null;
}

export interface OverviewTotals {
  accounts: number;
  clean: number;
  failing: number;
  warning: number;
  unchecked: number;
}

export interface OrganizationOverview {
  totals: OverviewTotals;
  /** Failing (critical first), then warnings, then could-not-be-checked, then clean. */
  lines: OverviewLine[];
  /** The oldest result shown: the age the overview admits to. null when nothing was ever checked. */
  oldestCheckedAt: string | null;
}

const STANDING_ORDER: readonly AccountStanding[] = ['failing', 'warning', 'unchecked', 'clean'];
const NEVER_CHECKED: AccountRunError = { message: 'not checked yet: the first scheduled scan has not reached it' };

function severityRank(severity: Severity): number {
  return SEVERITY_ORDER.indexOf(severity);
}

function bySeverity(a: Finding, b: Finding): number {
  return severityRank(a.severity) - severityRank(b.severity);
}

/** How the overview sorts an account into one of its groups. */
export function overviewLine(input: OverviewInput): OverviewLine {
  const base = { account: input.account, checkedAt: input.checkedAt };
  if (!input.result) return { ...base, standing: 'unchecked', failing: [], attention: [], error: NEVER_CHECKED };
  if (!input.result.ok) return { ...base, standing: 'unchecked', failing: [], attention: [], error: input.result.error };
  const findings = input.result.report.findings;
  const failing = findings.filter((finding) => finding.status === 'fail').sort(bySeverity);
  const attention = findings.filter((finding) => finding.status === 'warn' || finding.status === 'error').sort(bySeverity);
  const standing: AccountStanding = failing.length > 0 ? 'failing' : attention.length > 0 ? 'warning' : 'clean';
  return { ...base, standing, failing, attention, error: null };
}

function displayName(account: OverviewAccount): string {
  return account.name ?? account.alias ?? account.id;
}

function worstRank(line: OverviewLine): number {
  const worst = line.failing[0] ?? line.attention[0];
  return worst ? severityRank(worst.severity) : SEVERITY_ORDER.length;
}

function compareLines(a: OverviewLine, b: OverviewLine): number {
  return (
    STANDING_ORDER.indexOf(a.standing) - STANDING_ORDER.indexOf(b.standing) ||
    worstRank(a) - worstRank(b) ||
    b.failing.length - a.failing.length ||
    b.attention.length - a.attention.length ||
    displayName(a.account).localeCompare(displayName(b.account), 'en', { numeric: true }) ||
    a.account.id.localeCompare(b.account.id)
  );
}

export function buildOverview(inputs: Iterable<OverviewInput>): OrganizationOverview {
  const lines: OverviewLine[] = [];
  const totals: OverviewTotals = { accounts: 0, clean: 0, failing: 0, warning: 0, unchecked: 0 };
  let oldestCheckedAt: string | null = null;
  for (const input of inputs) {
    const line = overviewLine(input);
    lines.push(line);
    totals.accounts += 1;
    totals[line.standing] += 1;
    if (input.checkedAt && (oldestCheckedAt === null || Date.parse(input.checkedAt) < Date.parse(oldestCheckedAt))) oldestCheckedAt = input.checkedAt;
  }
  lines.sort(compareLines);
  return { totals, lines, oldestCheckedAt };
}

/** Only the accounts that need action: `/aws-root-check failing`. Totals stay those of the whole organization. */
export function failingOnly(overview: OrganizationOverview): OrganizationOverview {
  return { ...overview, lines: overview.lines.filter((line) => line.standing === 'failing') };
}
