// "Show event": the full CloudTrail record in the alert's thread, as code blocks. A record can be tens of KB
// (request parameters, policies): it is masked as a whole first (a key split over two sections would escape the
// mask), then cut at line ends into sections under Slack's 3000 characters, never inside an &amp; entity or a
// surrogate pair. Past what one message should hold, the rest is left to the CloudTrail console. Pure.
import type { KnownBlock } from '@slack/types';
import { cloudTrailEventUrl } from './alert-links.js';
import { BLOCK_KIT_LIMITS } from './limits.js';
import { maskSecrets, redactSecrets } from './mask.js';
import type { SlackMessage } from './message.js';
import { escapeMrkdwn, mrkdwn, mrkdwnLink, truncate } from './text.js';
import { userMention } from './alert-mention.js';

const FENCE = '```';
/** Room for the fences and their newlines inside a section's 3000 characters. */
export const RECORD_CHUNK_MAX = BLOCK_KIT_LIMITS.sectionText - 2 * (FENCE.length + 1) - 2;
/** Sections of record text in one reply: about 36,000 characters, under chat.postMessage's 40,000 for text. */
export const RECORD_SECTIONS_MAX = 12;

export interface EventRecordInput {
  eventId: string;
  region: string | null;
  /** The raw record (CloudTrailEvent JSON), or null when the store no longer has it. */
  rawRecord: string | null;
  requestedBy: string | null;
}

/** Cuts one escaped line into pieces of at most `max`, never inside an entity or a surrogate pair. */
function cutLine(line: string, max: number): string[] {
  const pieces: string[] = [];
  let rest = line;
  while (rest.length > max) {
    let end = max;
    // escapeMrkdwn's entities are at most 5 characters: one starting in the last 4 would be split.
    const entity = /&(?:amp|lt|gt);/g;
    entity.lastIndex = Math.max(0, end - 4);
    for (let match = entity.exec(rest); match && match.index < end; match = entity.exec(rest)) {
      if (match.index + match[0].length > end) end = match.index;
    }
    const code = rest.charCodeAt(end - 1);
    if (code >= 0xd800 && code <= 0xdbff) end -= 1;
    pieces.push(rest.slice(0, end));
    rest = rest.slice(end);
  }
  pieces.push(rest);
  return pieces;
}

/** Packs lines into chunks of at most `max` characters, breaking only at line ends unless a line is longer. */
export function packLines(lines: readonly string[], max: number): string[] {
  const chunks: string[] = [];
  let current = '';
  for (const line of lines) {
    for (const piece of cutLine(line, max)) {
      if (current === '') current = piece;
      else if (current.length + 1 + piece.length <= max) current = `${current}\n${piece}`;
      else {
        chunks.push(current);
        current = piece;
      }
    }
  }
  if (current !== '') chunks.push(current);
  return chunks;
}

/** The record as display text: pretty when it fits, compact JSON when pretty would not, raw if it is not JSON. */
function recordText(rawRecord: string): string {
  let parsed: unknown;
  try {
    parsed = redactSecrets(JSON.parse(rawRecord));
  } catch {
    return rawRecord;
  }
  const pretty = JSON.stringify(parsed, null, 2);
  return pretty.length <= RECORD_CHUNK_MAX * RECORD_SECTIONS_MAX * 0.9 ? pretty : JSON.stringify(parsed);
}

export function renderEventRecord(input: EventRecordInput): SlackMessage {
  const askedBy = input.requestedBy ? ` (asked by ${userMention(input.requestedBy)})` : '';
  const title = `CloudTrail record of event ${escapeMrkdwn(input.eventId)}${askedBy}`;
  if (input.rawRecord === null) {
    const text = `${title}: the bot's store no longer holds this event.`;
    return { text, blocks: [{ type: 'section', text: mrkdwn(truncate(text, BLOCK_KIT_LIMITS.sectionText)) }] };
  }
  // Mask the whole text before cutting it; a code block must not be closed early by the record's own backticks:
  // their runs are broken with zero-width spaces after escaping, which drops the record's own invisible characters.
  const display = maskSecrets(recordText(input.rawRecord));
  const lines = display.split('\n').map((line) => escapeMrkdwn(line).replace(/`{3,}/g, (run) => run.split('').join('\u200b')));
  const chunks = packLines(lines, RECORD_CHUNK_MAX);
  const shown = chunks.slice(0, RECORD_SECTIONS_MAX);
  const blocks: KnownBlock[] = [{ type: 'section', text: mrkdwn(truncate(`*${title}*`, BLOCK_KIT_LIMITS.sectionText)) }];
  for (const chunk of shown) blocks.push({ type: 'section', text: mrkdwn(`${FENCE}\n${chunk}\n${FENCE}`) });
  if (chunks.length > shown.length) {
    const leftOut = chunks.slice(shown.length).reduce((sum, chunk) => sum + chunk.length, 0);
    const link = input.region ? cloudTrailEventUrl(input.region, input.eventId) : null;
    const where = link ? `: the whole record is ${mrkdwnLink(link, 'in CloudTrail')}` : '';
    blocks.push({ type: 'context', elements: [mrkdwn(`The record is longer than a Slack message holds; about ${leftOut.toLocaleString('en-US')} characters are left out${where}.`)] });
  }
  return { text: title, blocks };
}
