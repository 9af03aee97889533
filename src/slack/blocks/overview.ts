// OrganizationOverview -> Block Kit. Pure. One message for any number of accounts: the totals, the accounts that
// need action (failing, critical first; then warnings; then those that could not be checked) one line each, the clean
// ones folded into one line, and the age of the data with a Refresh button. Lines that do not fit the message go to
// continuation pages (the caller posts them in the thread, or as follow-ups of an ephemeral answer).
import type { KnownBlock, SectionBlock } from '@slack/types';
import { ageInWords, countNoun, findingInFewWords, overviewHeadline, type OrganizationOverview, type OverviewAccount, type OverviewLine } from '../../posture/index.js';
import { POSTURE_OVERVIEW_REFRESH_ACTION_ID } from './action-ids.js';
import { slackDate } from './alert-date.js';
import { BLOCK_KIT_LIMITS } from './limits.js';
import type { SlackMessage } from './message.js';
import { maskSecrets } from './mask.js';
import { STATUS_EMOJI } from './status.js';
import { escapeMrkdwn, mrkdwn, plainText, truncate, untrustedMrkdwn } from './text.js';

const NAME_MAX = 60;
const OU_MAX = 80;
const WORDS_MAX = 200;
const ERROR_MAX = 160;
/** Sections of account lines in the first message: enough for hundreds of accounts, short enough to read. */
const FIRST_MESSAGE_SECTIONS = 20;
/** A continuation page: every block but one is a section of lines. */
const PAGE_SECTIONS = BLOCK_KIT_LIMITS.blocksPerMessage - 2;
/** Room left in a section for the "… continued" note. */
const SECTION_BUDGET = BLOCK_KIT_LIMITS.sectionText - 100;

export type OverviewScope = 'all' | 'failing';

export interface OverviewRenderOptions {
  /** The reader's "now": the data's age is told from it. */
  now: Date;
  /** `failing`: the overview holds only failing accounts (`/aws-root-check failing`). */
  scope?: OverviewScope;
}

export interface RenderedOverview {
  message: SlackMessage;
  /** What did not fit in `message`, in order; empty for most organizations. */
  pages: SlackMessage[];
}

export { ageInWords, overviewHeadline };

const GROUP_HEADING: Readonly<Record<OverviewLine['standing'], string>> = {
  failing: `${STATUS_EMOJI.fail} *Failing*`,
  warning: `${STATUS_EMOJI.warn} *Warnings*`,
  unchecked: `${STATUS_EMOJI.error} *Could not be checked*`,
  clean: `${STATUS_EMOJI.pass} *Clean*`,
};

function accountLabel(account: OverviewAccount): string {
  const name = account.name ?? account.alias;
  const id = `\`${escapeMrkdwn(account.id.replace(/`/g, "'"))}\``;
  const ou = account.ouPath ? ` · ${untrustedMrkdwn(account.ouPath, OU_MAX)}` : '';
  return `${name ? `*${untrustedMrkdwn(name, NAME_MAX)}* ${id}` : id}${ou}`;
}

function accountLine(line: OverviewLine): string {
  const label = accountLabel(line.account);
  if (line.standing === 'unchecked') return `• ${label} · ${untrustedMrkdwn(line.error?.message ?? 'could not be checked', ERROR_MAX)}`;
  const findings = line.standing === 'failing' ? line.failing : line.attention;
  const words = [...new Set(findings.map(findingInFewWords))].join(', ');
  return `• ${label} · ${untrustedMrkdwn(words, WORDS_MAX)}`;
}

/** Lines packed into section texts of at most SECTION_BUDGET characters, each group under its heading. */
function packSections(lines: readonly OverviewLine[]): string[] {
  const sections: string[] = [];
  let current = '';
  let standing: OverviewLine['standing'] | null = null;
  for (const line of lines) {
    const heading = line.standing !== standing ? GROUP_HEADING[line.standing] : null;
    if (heading) {
      if (current) sections.push(current);
      current = heading;
      standing = line.standing;
    }
    const text = accountLine(line);
    if (current && current.length + 1 + text.length > SECTION_BUDGET) {
      sections.push(current);
      current = text;
    } else {
      current = current ? `${current}\n${text}` : text;
    }
  }
  if (current) sections.push(current);
  return sections;
}

function section(text: string): SectionBlock {
  return { type: 'section', text: mrkdwn(truncate(text, BLOCK_KIT_LIMITS.sectionText)) };
}

/** The clean accounts in one line: "128 clean: prod-a, prod-b, … and 120 more". */
function cleanLine(clean: readonly OverviewLine[]): string | null {
  if (clean.length === 0) return null;
  const prefix = `${GROUP_HEADING.clean} (${clean.length.toLocaleString('en-US')}): `;
  const budget = BLOCK_KIT_LIMITS.sectionText - prefix.length - 40;
  const names: string[] = [];
  let length = 0;
  for (const line of clean) {
    const name = untrustedMrkdwn(line.account.name ?? line.account.alias ?? line.account.id, NAME_MAX);
    if (length + name.length + 2 > budget) break;
    names.push(name);
    length += name.length + 2;
  }
  const rest = clean.length - names.length;
  return `${prefix}${names.join(', ')}${rest > 0 ? ` … and ${rest.toLocaleString('en-US')} more` : ''}`;
}

function freshnessSection(overview: OrganizationOverview, options: OverviewRenderOptions): SectionBlock {
  const age = overview.oldestCheckedAt
    ? `Checked ${ageInWords(overview.oldestCheckedAt, options.now)} (oldest result: ${slackDate(overview.oldestCheckedAt)})`
    : 'Not checked yet';
  return {
    type: 'section',
    text: mrkdwn(age),
    accessory: { type: 'button', action_id: POSTURE_OVERVIEW_REFRESH_ACTION_ID, text: plainText('Refresh', BLOCK_KIT_LIMITS.buttonText), value: options.scope ?? 'all' },
  };
}

function pageMessage(sections: readonly string[], number: number, count: number, headline: string): SlackMessage {
  const text = `${headline} (continued, ${number} of ${count})`;
  return {
    text: maskSecrets(text),
    blocks: [{ type: 'context', elements: [mrkdwn(`Continued, ${number} of ${count}`)] }, ...sections.map(section)],
  };
}

export function renderOrganizationOverview(overview: OrganizationOverview, options: OverviewRenderOptions): RenderedOverview {
  const headline = overviewHeadline(overview);
  const scope = options.scope ?? 'all';
  const listed = overview.lines.filter((line) => line.standing !== 'clean');
  const clean = overview.lines.filter((line) => line.standing === 'clean');
  const sections = packSections(listed);

  const firstSections = sections.length <= FIRST_MESSAGE_SECTIONS ? sections : sections.slice(0, FIRST_MESSAGE_SECTIONS);
  const rest = sections.slice(firstSections.length);
  const pageChunks: string[][] = [];
  for (let start = 0; start < rest.length; start += PAGE_SECTIONS) pageChunks.push(rest.slice(start, start + PAGE_SECTIONS));

  const blocks: KnownBlock[] = [
    { type: 'header', text: plainText(scope === 'failing' ? 'AWS root posture: failing accounts' : 'AWS root posture: organization overview', BLOCK_KIT_LIMITS.headerText) },
    section(`*${escapeMrkdwn(headline)}*`),
    freshnessSection(overview, options),
    { type: 'divider' },
    ...firstSections.map(section),
  ];
  if (pageChunks.length > 0) {
    const shownLines = firstSections.reduce((sum, text) => sum + text.split('\n').filter((row) => row.startsWith('• ')).length, 0);
    blocks.push(section(`… and ${countNoun(listed.length - shownLines, 'more account')} needing attention, continued below (or run \`aws-root-guard check --all\` in a terminal).`));
  }
  if (listed.length === 0) {
    blocks.push(section(scope === 'failing' ? `${STATUS_EMOJI.pass} No account has a failing check.` : `${STATUS_EMOJI.pass} No account needs attention.`));
  }
  const folded = scope === 'all' ? cleanLine(clean) : null;
  if (folded) blocks.push(section(folded));
  blocks.push({ type: 'context', elements: [mrkdwn('`/aws-root-check <account id | alias | name>` shows one account\'s full report; `/aws-root-check failing` only the failing ones.')] });

  const message: SlackMessage = { text: maskSecrets(truncate(headline, BLOCK_KIT_LIMITS.sectionText)), blocks };
  return { message, pages: pageChunks.map((chunk, index) => pageMessage(chunk, index + 1, pageChunks.length, headline)) };
}
