// The organization overview as a terminal table (`aws-root-guard check --all`): the headline, then one row per
// account, worst first (failing, warnings, could not be checked, clean), then the accounts left out. Colour only on a TTY.
import { ageInWords, findingInFewWords, overviewHeadline, type AccountStanding, type OrganizationOverview, type OverviewLine } from '../posture/index.js';
import { maskSecrets } from '../secrets.js';
import { pad, paint } from './text-style.js';

export interface LeftOutAccount {
  id: string;
  name: string | null;
  reason: string;
}

export interface OverviewTextOptions {
  colour: boolean;
  now: Date;
  /** Accounts the scope named but that are not checked (suspended, closed). */
  leftOut?: readonly LeftOutAccount[];
}

const STANDING_LABEL: Record<AccountStanding, string> = { failing: 'FAIL', warning: 'WARN', unchecked: 'ERROR', clean: 'CLEAN' };
// Same codes as the single-account report: red, yellow, magenta, green.
const STANDING_COLOUR: Record<AccountStanding, string> = { failing: '31', warning: '33', unchecked: '35', clean: '32' };
const DETAIL_MAX = 160;

function detailOf(line: OverviewLine): string {
  if (line.standing === 'unchecked') return line.error?.message ?? 'could not be checked';
  const findings = line.standing === 'failing' ? line.failing : line.attention;
  return [...new Set(findings.map(findingInFewWords))].join(', ');
}

function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

export function renderOverviewText(overview: OrganizationOverview, options: OverviewTextOptions): string {
  const { colour } = options;
  const lines = [paint(overviewHeadline(overview), '1', colour)];
  lines.push(overview.oldestCheckedAt ? `Checked ${ageInWords(overview.oldestCheckedAt, options.now)} (oldest result ${overview.oldestCheckedAt})` : 'No account checked yet.');
  lines.push('');
  const rows = overview.lines.map((line) => ({
    line,
    id: line.account.id,
    name: oneLine(line.account.name ?? line.account.alias ?? '-', 40),
    ou: oneLine(line.account.ouPath ?? line.account.ouId ?? '-', 40),
    // Error messages and evidence come from AWS: never print a key id or a token, whatever they hold.
    detail: maskSecrets(oneLine(detailOf(line), DETAIL_MAX)),
  }));
  const width = (pick: (row: (typeof rows)[number]) => string, heading: string) => Math.max(heading.length, ...rows.map((row) => pick(row).length));
  const widths = { id: width((row) => row.id, 'ACCOUNT'), name: width((row) => row.name, 'NAME'), ou: width((row) => row.ou, 'OU') };
  if (rows.length > 0) lines.push(paint(`${pad('STATUS', 6)} ${pad('ACCOUNT', widths.id)}  ${pad('NAME', widths.name)}  ${pad('OU', widths.ou)}  DETAILS`, '1', colour));
  for (const row of rows) {
    const status = paint(pad(STANDING_LABEL[row.line.standing], 6), STANDING_COLOUR[row.line.standing], colour);
    lines.push(`${status} ${pad(row.id, widths.id)}  ${pad(row.name, widths.name)}  ${pad(row.ou, widths.ou)}  ${row.detail}`.trimEnd());
  }
  const leftOut = options.leftOut ?? [];
  if (leftOut.length > 0) {
    lines.push('', `Not checked (${leftOut.length}):`);
    for (const account of leftOut) lines.push(`  ${account.id}${account.name ? ` (${oneLine(account.name, 40)})` : ''}: ${account.reason}`);
  }
  lines.push('', 'One account in full: aws-root-guard check --account <id | alias | name>');
  return `${lines.join('\n')}\n`;
}
