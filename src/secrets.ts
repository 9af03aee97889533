// Masks secrets by their shape, by the name of the field that holds them, and by known value, in any text or
// record that leaves the process or is kept: log lines, Slack blocks, terminal output, the store's copy of a
// CloudTrail record. AWS evidence, CloudTrail records and library error messages may all carry a key id or a
// token; one set of rules serves every way out so they cannot drift apart.

// No \b before the prefix: "keyAKIA..." must be masked too. Access key ids keep their first and last 4 characters,
// as in the evidence "root access key AKIA…XYZ1", so users can still tell two keys apart.
const ACCESS_KEY_ID = /(?:AKIA|ASIA)[A-Z0-9]{16}/g;
// STS session tokens by their opening bytes (base64 of a fixed header), whatever field or string holds them; the
// base64 may be URL-encoded (%2B, %2F) or JSON-escaped (\/). Never "\"": that would eat a closing escaped quote.
const SESSION_TOKEN = /(?:IQoJb3JpZ2lu|FwoGZXIvYXdz|FQoGZXIvYXdz)(?:[A-Za-z0-9+/=]|%[0-9A-Fa-f]{2}|\\\/)*/g;
const SLACK_TOKEN = /xox[abposre]-[A-Za-z0-9-]+/g;
const SLACK_APP_TOKEN = /xapp-[A-Za-z0-9-]+/g;
const SLACK_URL_SECRET = /https:\/\/hooks\.slack(?:-gov)?\.com\/[^\s<>|"']+/g;
// The password in a URL's user info (DATABASE_URL=postgres://user:password@host/db): up to the last @ of the authority,
// so an unencoded @ in the password is masked whole.
const URL_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/?#@]*:)[^\s/?#]*@/gi;
const PRIVATE_KEY = /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/g;

// A field whose name holds one of these words holds a credential: sessionToken, x-amz-security-token, tokenCode,
// aws_secret_access_key, SecretString, NewPassword, credentials, Authorization…
const SECRET_NAME_WORDS = 'token|secret|password|passwd|passphrase|credential|private_?key|api_?key|authorization|x-slack-signature';
const SECRET_NAME = new RegExp(SECRET_NAME_WORDS, 'i');
// …except identifiers named after one (secretId, SecretArn, tokenType, CredentialType): they name it, not hold it.
const NOT_SECRET_NAME = /(?:Id|ID|Ids|Arn|ARN|Arns|Name|Names|Type|_id|_arn|_name|_type)$/;
// Values under such a name that carry the record's meaning and are never a credential: PasswordUpdated "Failure",
// sessionCredentialFromConsole "true", passwordResetRequired false.
const NOT_SECRET_VALUE = /^(?:|true|false|null|yes|no|success|failure|none|enabled|disabled|active|inactive)$/i;
// `name = value`, `name: value`, `"name":"value"`, and the same inside a JSON string held in a JSON string
// (`\"SessionToken\":\"…\"`). The name is a whole word of [\w.-]; the value is quoted (either way) or runs to a
// separator. Objects and arrays (`"credentials": {`) do not match: their own fields are judged one by one.
const NAMED_SECRET = new RegExp(
  `(?<![\\w.-])(\\\\?["']?)([\\w.-]*?(?:${SECRET_NAME_WORDS})[\\w.-]*)\\1(\\s*[:=]\\s*)` +
    `(?:\\\\"((?:[^\\\\]|\\\\(?!"))*?)\\\\"|"((?:[^"\\\\]|\\\\.)*)"|'([^']*)'|([^\\s"',;&}\\]\\\\{[<>]+))`,
  'gi',
);

export const REDACTED = '[REDACTED]';

function redactNamedSecret(match: string, quote: string, name: string, separator: string, escapedValue?: string, doubleQuoted?: string, singleQuoted?: string, bare?: string): string {
  if (NOT_SECRET_NAME.test(name)) return match;
  if (escapedValue !== undefined) return NOT_SECRET_VALUE.test(escapedValue) ? match : `${quote}${name}${quote}${separator}\\"${REDACTED}\\"`;
  if (doubleQuoted !== undefined) return NOT_SECRET_VALUE.test(doubleQuoted) ? match : `${quote}${name}${quote}${separator}"${REDACTED}"`;
  if (singleQuoted !== undefined) return NOT_SECRET_VALUE.test(singleQuoted) ? match : `${quote}${name}${quote}${separator}'${REDACTED}'`;
  if (bare === undefined || NOT_SECRET_VALUE.test(bare)) return match;
  // "name: word" is also prose ("tried to change the root password: failed"): after a colon, an unquoted value is
  // taken for a secret only if it has a digit, a capital or base64's +/= (headers, keys, tokens all do).
  if (!separator.includes('=') && !/[0-9A-Z+/=]/.test(bare)) return match;
  return `${quote}${name}${quote}${separator}${REDACTED}`;
}

/** Replaces every token, key id, named secret and known secret value in `text`. `secretValues` shorter than 8 characters are ignored. */
export function maskSecrets(text: string, secretValues: readonly string[] = []): string {
  let masked = text;
  for (const value of secretValues) {
    if (value.length >= 8) masked = masked.split(value).join(REDACTED);
  }
  return masked
    .replace(PRIVATE_KEY, '[REDACTED private key]')
    .replace(SLACK_TOKEN, '[REDACTED slack token]')
    .replace(SLACK_APP_TOKEN, '[REDACTED slack app token]')
    .replace(SLACK_URL_SECRET, '[REDACTED slack url]')
    .replace(URL_PASSWORD, `$1${REDACTED}@`)
    .replace(NAMED_SECRET, redactNamedSecret as (match: string, ...groups: string[]) => string)
    .replace(SESSION_TOKEN, '[REDACTED session token]')
    .replace(ACCESS_KEY_ID, (keyId) => `${keyId.slice(0, 4)}…${keyId.slice(-4)}`);
}

/** Whether `value`, found in the field `name`, is a credential to replace whole (objects are walked instead). */
export function isSecretField(name: string, value: unknown): boolean {
  if (!SECRET_NAME.test(name) || NOT_SECRET_NAME.test(name)) return false;
  if (typeof value === 'string') return !NOT_SECRET_VALUE.test(value);
  return typeof value === 'number' || typeof value === 'bigint';
}

/** A copy of a parsed JSON value with secret fields replaced and every string masked (a string may hold JSON or a query). */
export function redactSecrets(value: unknown, secretValues: readonly string[] = []): unknown {
  if (typeof value === 'string') return maskSecrets(value, secretValues);
  if (Array.isArray(value)) return value.map((item) => redactSecrets(item, secretValues));
  if (value === null || typeof value !== 'object') return value;
  const redacted: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) redacted[key] = isSecretField(key, item) ? REDACTED : redactSecrets(item, secretValues);
  return redacted;
}

/** A record's JSON text with its secrets redacted (still JSON, same layout: compact); text that is not JSON is masked as text. */
export function redactRecordText(recordText: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(recordText);
  } catch {
    return maskSecrets(recordText);
  }
  return JSON.stringify(redactSecrets(parsed));
}
