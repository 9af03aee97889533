// Text for Block Kit: masked, escaped for mrkdwn, and cut to a limit without breaking an entity or an emoji.
import type { MrkdwnElement, PlainTextElement } from '@slack/types';
import { maskSecrets } from './mask.js';

const ELLIPSIS = '…';

// Unicode control (Cc) and format (Cf) characters but newline and tab: NUL, bidi overrides (U+202E turns
// "exe.txt" into "txt.exe" on screen), zero-width spaces and joiners, soft hyphens. In a user agent, an IP or a
// request parameter they only hide or disguise what the text says.
const INVISIBLE = /[\p{Cc}\p{Cf}]/gu;
const KEPT_CONTROLS = new Set(['\n', '\t']);

/** `text` without control and format characters (newline and tab kept): every renderer of untrusted text calls it. */
export function stripInvisible(text: string): string {
  return text.replace(INVISIBLE, (character) => (KEPT_CONTROLS.has(character) ? character : ''));
}

/**
 * Slack's mrkdwn gives &, < and > a meaning: escape them in any text we did not write ourselves; control and
 * format characters go (stripInvisible).
 */
export function escapeMrkdwn(text: string): string {
  return stripInvisible(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Evidence is "one line": newlines and runs of spaces from AWS messages become single spaces. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/**
 * Cuts `text` to at most `max` UTF-16 units (never fewer characters than Slack counts), ending with "…" when cut.
 * Never splits a surrogate pair or an &amp; style entity produced by escapeMrkdwn.
 */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, Math.max(0, max - ELLIPSIS.length));
  const last = cut.charCodeAt(cut.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut = cut.slice(0, -1);
  const ampersand = cut.lastIndexOf('&');
  if (ampersand !== -1 && /^&[a-z]*$/.test(cut.slice(ampersand))) cut = cut.slice(0, ampersand);
  return `${cut}${ELLIPSIS}`;
}

/** Text we did not write (AWS evidence, error messages, user input): masked, escaped, one line, cut. */
export function untrustedMrkdwn(text: string, max: number): string {
  return truncate(escapeMrkdwn(oneLine(maskSecrets(stripInvisible(text)))), max);
}

export function mrkdwn(text: string): MrkdwnElement {
  return { type: 'mrkdwn', text: maskSecrets(text) };
}

export function plainText(text: string, max: number): PlainTextElement {
  return { type: 'plain_text', text: truncate(oneLine(maskSecrets(stripInvisible(text))), max), emoji: true };
}

/** A link in mrkdwn, only for http(s) URLs; anything else is shown as text. */
export function mrkdwnLink(url: string, label: string): string {
  if (!/^https?:\/\/[^\s<>|]+$/.test(url)) return escapeMrkdwn(label);
  return `<${url}|${escapeMrkdwn(label)}>`;
}
