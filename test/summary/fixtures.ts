// Summary inputs in the shapes the real pipeline produces: reports from the real check registry, RootEvents as the
// classifier emits them. Only the statuses and times vary from test to test.
import type { RootEvent } from '../../src/activity/model.js';
import { POSTURE_CHECKS, scoreFindings, type Finding, type FindingStatus, type PostureReport } from '../../src/posture/index.js';
import type { AccountSummaryInput, PostureSnapshotSummary, SummaryInput, SummaryWindow } from '../../src/summary/index.js';
import { summaryWindow } from '../../src/summary/run.js';
import { weekContaining } from '../../src/summary/week.js';

export const CHECK_IDS = POSTURE_CHECKS.map((check) => check.id);

export function titleOf(id: string): string {
  const check = POSTURE_CHECKS.find((candidate) => candidate.id === id);
  if (!check) throw new Error(`no check ${id}`);
  return check.title;
}

/** A report from the real registry: every check passes unless `statuses` says otherwise. */
export function report(accountId: string, statuses: Partial<Record<string, FindingStatus>> = {}, alias: string | null = null, generatedAt = '2026-11-30T09:00:05.000Z'): PostureReport {
  const findings: Finding[] = POSTURE_CHECKS.map((check) => ({
    id: check.id,
    title: check.title,
    status: statuses[check.id] ?? 'pass',
    severity: check.severity,
    evidence: 'evidence',
    remediation: { ...check.remediation },
    references: check.references.map((reference) => ({ ...reference })),
  }));
  return { account: { id: accountId, alias }, generatedAt, score: scoreFindings(findings), findings };
}

export function snapshotOf(posture: PostureReport, takenAt = '2026-11-23T09:00:05.000Z'): PostureSnapshotSummary {
  return {
    takenAt,
    score: { ...posture.score },
    statuses: Object.fromEntries(posture.findings.map((finding) => [finding.id, finding.status])),
    titles: Object.fromEntries(posture.findings.map((finding) => [finding.id, finding.title])),
  };
}

let eventSequence = 0;

/** A RootEvent as the classifier would emit it. */
export function rootEvent(overrides: Partial<RootEvent> & Pick<RootEvent, 'kind' | 'eventTime'>): RootEvent {
  eventSequence += 1;
  const base: RootEvent = {
    eventId: `0e1c3a52-6b8d-4d7f-9a1e-${String(eventSequence).padStart(12, '0')}`,
    kind: overrides.kind,
    severity: 'high',
    mfaUsed: null,
    rootOnlyTask: overrides.kind === 'root-only-task',
    centralizedRootSession: false,
    accountId: '111122223333',
    eventName: overrides.kind === 'console-login-success' || overrides.kind === 'console-login-failure' ? 'ConsoleLogin' : 'ListBuckets',
    eventSource: overrides.kind.startsWith('console') ? 'signin.amazonaws.com' : 's3.amazonaws.com',
    eventTime: overrides.eventTime,
    region: 'us-east-1',
    sourceIp: '203.0.113.7',
    userAgent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:120.0) Gecko/20100101 Firefox/120.0',
    errorCode: null,
    errorMessage: null,
    accessKeyId: null,
    sessionKey: null,
  };
  return { ...base, ...overrides };
}

/** The week of 23-29 Nov 2026 in `timezone`, summarized on Monday 30 Nov at 09:00 local. */
export function lastWeekWindow(timezone = 'UTC'): SummaryWindow {
  return summaryWindow(weekContaining(new Date('2026-11-25T12:00:00Z'), timezone));
}

export function account(id: string, posture: PostureReport | { message: string; code?: string }, lastWeek: PostureSnapshotSummary | null, alias: string | null = null): AccountSummaryInput {
  return {
    account: { id, alias },
    posture: 'findings' in posture ? { ok: true, report: posture } : { ok: false, error: posture },
    lastWeek,
    scoreHistory: [],
  };
}

export function input(overrides: Partial<SummaryInput> = {}): SummaryInput {
  return {
    window: lastWeekWindow(),
    now: '2026-11-30T09:00:10.000Z',
    accounts: [],
    events: [],
    eventCountHistory: [],
    unacknowledgedAlerts: [],
    acknowledgments: [],
    ...overrides,
  };
}
