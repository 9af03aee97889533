// Masks secrets by their shape (and known secret values) in any text that leaves the process: log lines, Slack
// blocks, terminal output. AWS evidence, CloudTrail records and library error messages may all carry a key id or
// a token; one function serves every way out so they cannot drift apart.

// No \b before the prefix: "keyAKIA..." must be masked too. Access key ids keep their first and last 4 characters,
// as in the evidence "root access key AKIA…XYZ1", so users can still tell two keys apart.
const ACCESS_KEY_ID = /(?:AKIA|ASIA)[A-Z0-9]{16}/g;
const SLACK_TOKEN = /xox[abposre]-[A-Za-z0-9-]+/g;
const SLACK_APP_TOKEN = /xapp-[A-Za-z0-9-]+/g;
const SLACK_URL_SECRET = /https:\/\/hooks\.slack(?:-gov)?\.com\/[^\s<>|"']+/g;
// "aws_secret_access_key = ..." style assignments, as found in pasted config or error text.
const SECRET_ASSIGNMENT = /\b(aws_secret_access_key|secret_access_key|secretaccesskey|aws_session_token|session_token|signing_secret|client_secret|password)(\s*[=:]\s*)("?)[^\s"',;]+/gi;
const PRIVATE_KEY = /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/g;

/** Replaces every token, key id and known secret value in `text`. `secretValues` shorter than 8 characters are ignored. */
export function maskSecrets(text: string, secretValues: readonly string[] = []): string {
  let masked = text;
  for (const value of secretValues) {
    if (value.length >= 8) masked = masked.split(value).join('[REDACTED]');
  }
  return masked
    .replace(PRIVATE_KEY, '[REDACTED private key]')
    .replace(SLACK_TOKEN, '[REDACTED slack token]')
    .replace(SLACK_APP_TOKEN, '[REDACTED slack app token]')
    .replace(SLACK_URL_SECRET, '[REDACTED slack url]')
    .replace(SECRET_ASSIGNMENT, (_match, name: string, separator: string, quote: string) => `${name}${separator}${quote}[REDACTED]`)
    .replace(ACCESS_KEY_ID, (keyId) => `${keyId.slice(0, 4)}…${keyId.slice(-4)}`);
}
