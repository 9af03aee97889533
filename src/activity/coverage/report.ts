// The coverage report (model.ts) from what the bot recorded, the store's cursors and the queue's health. Pure.
import type { MemberRulesReading } from '../sources/queue-member-rules.js';
import type { AccountCoverage, CoverageRecord, CoverageReport, CursorReading, OldestMessageAge, QueueHealth, RegionCoverage } from './model.js';
import { queueRulesView } from './queue-rules.js';

export interface CoverageInput {
  now: Date;
  /** null: the bot has not written a record yet (not started, or no pass finished). */
  record: CoverageRecord | null;
  cursors: readonly CursorReading[];
  /** The queue's live figures; null when they were not read. */
  queueHealth: QueueHealth | null;
  /** The member-rules StackSet's instances (which account-Regions the queue hears); null when not read. */
  memberRules?: MemberRulesReading | null;
  unreadableRecords: number;
}

const LAG_MARGIN_MS = 60_000;

export function buildCoverageReport(input: CoverageInput): CoverageReport {
  const nowMs = input.now.getTime();
  const intervalMs = input.record?.pollIntervalMs ?? 60_000;
  const cursors = new Map(input.cursors.map((reading) => [`${reading.accountId}/${reading.region}`, reading.cursor]));
  const rules = input.record?.queue && input.memberRules ? queueRulesView(input.memberRules, input.record?.managementAccountId ?? null) : null;
  const regionOf = (accountId: string, region: string, problem: RegionCoverage['problem']): RegionCoverage => {
    const readUpTo = cursors.get(`${accountId}/${region}`) ?? null;
    const ageMs = readUpTo === null ? null : Math.max(0, nowMs - Date.parse(readUpTo));
    return { region, readUpTo, cursorAgeSeconds: ageMs === null ? null : Math.round(ageMs / 1000), lagging: ageMs === null || ageMs > 2 * intervalMs + LAG_MARGIN_MS, problem };
  };

  const accounts: AccountCoverage[] = (input.record?.accounts ?? []).map((account) => {
    const accountRules = rules?.forAccount?.(account.accountId) ?? null;
    // An account that could not be listed this pass still shows the Regions it was read in before.
    const regionNames =
      account.regions.length > 0 ? account.regions.map((entry) => entry.region) : input.cursors.filter((reading) => reading.accountId === account.accountId).map((reading) => reading.region);
    const problems = new Map(account.regions.map((entry) => [entry.region, entry.problem]));
    const regions = regionNames.map((region) => regionOf(account.accountId, region, problems.get(region) ?? null));
    const unreadable = account.problem !== null || (account.regions.length > 0 && account.regions.every((entry) => entry.problem !== null));
    // The queue counts for an account only where its rules forward in every Region it has; for an account the
    // poller could not list (its role is missing), the Regions its rules were deployed to: the queue may still hear it.
    const ruleRegions = regions.length > 0 ? regions.map((region) => region.region) : (accountRules?.instanceRegions ?? []);
    const gaps = accountRules
      ? ruleRegions.flatMap((region) => {
          const rule = accountRules.regionRule(region);
          return rule.forwarding ? [] : [{ region, reason: rule.reason }];
        })
      : [];
    const queueRules = accountRules ? { forwardingRegions: ruleRegions.length - gaps.length, regions: ruleRegions.length, reason: accountRules.accountReason, gaps } : null;
    const viaQueue = queueRules && ruleRegions.length > 0 && gaps.length === 0 ? (['queue'] as const) : [];
    return { accountId: account.accountId, name: account.name, sources: ['poller', ...viaQueue], problem: account.problem, regions, unreadable, queueRules };
  });
  accounts.sort((left, right) => Number(right.unreadable) - Number(left.unreadable) || left.accountId.localeCompare(right.accountId));

  const regionNames = new Set(accounts.flatMap((account) => account.regions.map((region) => region.region)));
  const allRegions = accounts.flatMap((account) => account.regions);
  const health = input.queueHealth;
  const queue = input.record?.queue
    ? { ...input.record.queue, depth: health?.depth ?? null, oldestMessage: health?.oldestMessage ?? null, deadLetterQueue: health?.deadLetterQueue ?? null, memberRules: rules?.status ?? null }
    : null;
  return {
    generatedAt: input.now.toISOString(),
    lastPassAt: input.record?.lastPassAt ?? null,
    pollIntervalSeconds: Math.round(intervalMs / 1000),
    accounts,
    totals: {
      accounts: accounts.length,
      regions: regionNames.size,
      unreadableAccounts: accounts.filter((account) => account.unreadable).length,
      failingRegions: allRegions.filter((region) => region.problem !== null).length,
      laggingRegions: allRegions.filter((region) => region.problem === null && region.lagging).length,
      queueAccounts: rules?.forAccount ? accounts.filter((account) => account.sources.includes('queue')).length : null,
    },
    queue,
    unreadableRecords: input.unreadableRecords,
  };
}

/** Why an account could not be read, in a word or two for the headline: "role missing", or the action failing. */
function unreadableCause(account: AccountCoverage): string {
  const problem = account.problem ?? account.regions.find((region) => region.problem)?.problem ?? null;
  if (problem?.action === 'sts:AssumeRole' && /AccessDenied/.test(problem.reason)) return 'role missing';
  return problem?.action ?? 'other';
}

/**
 * "watching 143 accounts × 17 Regions and the events queue (heard from 141 of 143 accounts); 2 could not be read
 * (role missing), 1 of them blind": the headline, and the weekly summary's coverage line.
 */
export function coverageLine(report: Pick<CoverageReport, 'totals' | 'queue' | 'accounts'>): string {
  const { accounts, regions, unreadableAccounts, queueAccounts } = report.totals;
  const plural = (count: number, word: string) => `${count.toLocaleString('en-US')} ${word}${count === 1 ? '' : 's'}`;
  const parts = [`watching ${plural(accounts, 'account')} × ${plural(regions, 'Region')}`];
  if (report.queue) {
    const rules = report.queue.memberRules;
    const heard = queueAccounts !== null ? ` (heard from ${queueAccounts.toLocaleString('en-US')} of ${plural(accounts, 'account')})` : rules?.error ? ' (its member rules could not be read)' : '';
    parts[0] += ` and the events queue${heard}`;
  }
  if (unreadableAccounts > 0) {
    const unreadable = report.accounts.filter((account) => account.unreadable);
    const causes = [...new Set(unreadable.map(unreadableCause))].join(', ');
    // Blind: neither read by the poller nor heard by the queue. Known only once the queue's member rules were read.
    const blind = queueAccounts === null ? null : unreadable.filter((account) => !account.sources.includes('queue')).length;
    const blindText = blind === null ? '' : blind === 0 ? ', none of them blind (the events queue hears them)' : `, ${blind === unreadable.length && blind > 1 ? 'all' : blind.toLocaleString('en-US')} of them blind`;
    parts.push(`${unreadableAccounts.toLocaleString('en-US')} could not be read (${causes})${blindText}`);
  }
  return parts.join('; ');
}

/** "sts:AssumeRole: cannot assume …", or the reason alone when no action is to blame. */
export function problemText(problem: { action: string | null; reason: string }): string {
  return problem.action && !problem.reason.startsWith(problem.action) ? `${problem.action}: ${problem.reason}` : problem.reason;
}

/** "45 s", "12 min", "3 h", "2 d": how old a reading is. */
export function ageText(seconds: number): string {
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 2 * 3600) return `${Math.round(seconds / 60)} min`;
  if (seconds < 2 * 86_400) return `${Math.round(seconds / 3600)} h`;
  return `${Math.round(seconds / 86_400)} d`;
}

/** The lines both faces list: accounts that could not be read, failing Regions, lagging Regions (in that order). */
export function coverageProblemLines(report: CoverageReport): Array<{ accountId: string; name: string | null; region: string | null; text: string }> {
  const lines: Array<{ accountId: string; name: string | null; region: string | null; text: string }> = [];
  for (const account of report.accounts) {
    if (account.problem) lines.push({ accountId: account.accountId, name: account.name, region: null, text: problemText(account.problem) });
    for (const region of account.regions) {
      if (region.problem) lines.push({ accountId: account.accountId, name: account.name, region: region.region, text: problemText(region.problem) });
    }
  }
  for (const account of report.accounts) {
    for (const region of account.regions) {
      if (!region.problem && region.lagging)
        lines.push({
          accountId: account.accountId,
          name: account.name,
          region: region.region,
          text: region.cursorAgeSeconds === null ? 'never read' : `lagging: read up to ${ageText(region.cursorAgeSeconds)} ago`,
        });
    }
  }
  return lines;
}

/**
 * The accounts the events queue does not hear in every Region (the poller still reads them), a line each:
 * "eu-west-3, ap-south-1: no stack instance of …; us-east-2: stack instance OUTDATED (FAILED: …)".
 */
export function queueGapLines(report: CoverageReport): Array<{ accountId: string; name: string | null; text: string }> {
  const lines: Array<{ accountId: string; name: string | null; text: string }> = [];
  for (const account of report.accounts) {
    const rules = account.queueRules;
    if (!rules || (rules.regions > 0 && rules.forwardingRegions === rules.regions)) continue;
    if (rules.reason) {
      lines.push({ accountId: account.accountId, name: account.name, text: rules.reason });
      continue;
    }
    const byReason = new Map<string, string[]>();
    for (const gap of rules.gaps) byReason.set(gap.reason, [...(byReason.get(gap.reason) ?? []), gap.region]);
    const text = [...byReason].map(([reason, regions]) => `${regions.join(', ')}: ${reason}`).join('; ');
    lines.push({ accountId: account.accountId, name: account.name, text: text || 'no Region read and no stack instance of the member rules: the queue is not known to hear it' });
  }
  return lines;
}

/** "member rules: StackSet … (SELF): 1,700 of 1,717 stack instances forward", or why they could not be read. */
function memberRulesText(rules: NonNullable<NonNullable<CoverageReport['queue']>['memberRules']>): string {
  if (rules.error) return `member rules (StackSet ${rules.stackSetName}) not read: ${rules.error}`;
  const cut = rules.truncated ? '; the listing was cut at its page limit' : '';
  return `member rules: StackSet ${rules.stackSetName} (${rules.callAs}): ${rules.forwarding.toLocaleString('en-US')} of ${rules.instances.toLocaleString('en-US')} stack instance${rules.instances === 1 ? '' : 's'} forward${cut}`;
}

/** "queue: 3 waiting, 1 in flight; last message 12 s ago" (or why the depth could not be read). */
export function queueText(queue: NonNullable<CoverageReport['queue']>, now: Date): string {
  const depth =
    queue.depth === null
      ? 'depth unknown'
      : 'error' in queue.depth
        ? queue.depth.error
        : `${queue.depth.visible.toLocaleString('en-US')} waiting, ${queue.depth.inFlight.toLocaleString('en-US')} in flight`;
  const last = queue.lastMessageAt ? `last message ${ageText(Math.max(0, Math.round((now.getTime() - Date.parse(queue.lastMessageAt)) / 1000)))} ago` : 'no message since the bot started';
  const failing = queue.lastReceiveError ? `; ReceiveMessage failing: ${queue.lastReceiveError}` : '';
  return `${depth}; ${last}${failing}`;
}

/** "12:04 UTC": the minute a CloudWatch datapoint stands for. */
function minuteUtc(iso: string): string {
  return `${new Date(iso).toISOString().slice(11, 16)} UTC`;
}

/** "oldest message 3 min old (CloudWatch, as of 12:04 UTC)", or why there is no age (never a made-up 0). */
export function oldestMessageText(oldest: OldestMessageAge): string {
  if ('error' in oldest) return `oldest message age unknown: ${oldest.error}`;
  if (oldest.ageSeconds === null) return `oldest message age unknown: CloudWatch has no datapoint since ${minuteUtc(oldest.noDatapointSince)} (a new or idle queue, or the metric not published yet)`;
  return `oldest message ${ageText(oldest.ageSeconds)} old (CloudWatch, as of ${minuteUtc(oldest.asOf)})`;
}

/** "dead-letter queue q-dlq: 2 messages the bot could not store and never alerted on", empty, or why it is not known. */
function deadLetterText(queue: NonNullable<CoverageReport['queue']>): string | null {
  const deadLetter = queue.deadLetterQueue;
  if (deadLetter === null) {
    // Only when the queue's attributes were read is "no RedrivePolicy" known; otherwise depth already says why.
    return queue.depth && !('error' in queue.depth) ? 'no dead-letter queue (RedrivePolicy): a message the bot can never store comes back forever' : null;
  }
  const name = deadLetter.arn.slice(deadLetter.arn.lastIndexOf(':') + 1);
  if ('error' in deadLetter) return `dead-letter queue ${name}: ${deadLetter.error}`;
  const count = deadLetter.visible + deadLetter.inFlight;
  return count === 0 ? `dead-letter queue ${name}: empty` : `dead-letter queue ${name}: ${count.toLocaleString('en-US')} message${count === 1 ? '' : 's'} the bot could not store and never alerted on`;
}

/** The queue's lines after queueText's: its oldest message's age, its dead-letter queue and its member rules, as far as they were read. */
export function queueDetailLines(queue: NonNullable<CoverageReport['queue']>): string[] {
  const lines = queue.oldestMessage ? [oldestMessageText(queue.oldestMessage)] : [];
  const deadLetter = deadLetterText(queue);
  if (deadLetter) lines.push(deadLetter);
  if (queue.memberRules) lines.push(memberRulesText(queue.memberRules));
  return lines;
}
