// One line of evidence for "could not tell": which AWS action failed and why, so the reader knows what to grant or retry.
import type { FactError, Finding } from '../../model.js';

const ACCESS_DENIED_CODES = new Set(['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation', 'UnauthorizedAccess', 'AuthorizationError']);
const THROTTLING_CODES = new Set(['Throttling', 'ThrottlingException', 'TooManyRequestsException', 'RequestLimitExceeded', 'SlowDown']);
// A FactError message may quote request details; never let an access key id through whole.
const ACCESS_KEY_ID = /\b(AKIA|ASIA)[A-Z0-9]{16}\b/g;
const MAX_MESSAGE_LENGTH = 160;

function oneLine(message: string): string {
  const flattened = message.replace(ACCESS_KEY_ID, (keyId) => `${keyId.slice(0, 4)}…${keyId.slice(-4)}`).replace(/\s+/g, ' ').trim();
  return flattened.length > MAX_MESSAGE_LENGTH ? `${flattened.slice(0, MAX_MESSAGE_LENGTH - 1)}…` : flattened;
}

export function describeFactError(error: FactError): string {
  // The member role could not be assumed: its message says which role and what to deploy, not a grant to add.
  if (error.action === 'sts:AssumeRole') return oneLine(error.message);
  if (ACCESS_DENIED_CODES.has(error.code)) return `${error.action} was denied (${error.code}): grant it in the bot's IAM policy`;
  if (THROTTLING_CODES.has(error.code)) return `${error.action} was throttled (${error.code}) even after retries: run the check again`;
  const detail = error.message ? `: ${oneLine(error.message)}` : '';
  return `${error.action} failed (${error.code})${detail}`;
}

/** The finding for a check that could not read what it needs; each failed read is named once. */
export function couldNotTell(errors: readonly FactError[], extra?: string): Pick<Finding, 'status' | 'evidence'> {
  const seen = new Set<string>();
  const parts: string[] = [];
  for (const error of errors) {
    const key = `${error.action}|${error.code}`;
    if (seen.has(key)) continue;
    seen.add(key);
    parts.push(describeFactError(error));
  }
  if (extra) parts.push(extra);
  return { status: 'error', evidence: `Could not tell: ${parts.join('; ')}` };
}
