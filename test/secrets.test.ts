// The one masking (src/secrets.ts) on what got through "Show event" and the debug logs: secrets under field names
// that are not on an exact list, inside strings, inside JSON held in a string, and session tokens by their shape.
import { describe, expect, it } from 'vitest';
import { isSecretField, maskSecrets, redactRecordText, redactSecrets } from '../src/secrets.js';
import { renderEventRecord } from '../src/slack/blocks/alert-record.js';
import { capturingLogger } from './store/helpers.js';

// Session tokens as STS hands them out today (IQoJb3JpZ2lu… = base64 of "\x21\x0a\x09origin") and in the two older
// formats; the rest of each is made up.
const SESSION_TOKEN = 'IQoJb3JpZ2luX2VjEHoaCXVzLWVhc3QtMSJHMEUCIQD0EXAMPLE+0bR/9xQw2m1ZbJzQ3dGhpcyBpcyBub3QgYSB0b2tlbg==';
const OLD_SESSION_TOKEN = 'FwoGZXIvYXdzEBYaDEXAMPLEtoken+kRWg5xV0Z2Vs/ZmFrZQ==';
const OLDER_SESSION_TOKEN = 'FQoGZXIvYXdzEXAMPLEolderTokenAbCdEf0123456789+/=';
const SECRET_ACCESS_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const PLAIN_SECRET = 'n0tAT0kenShape9876';

const SECRETS = [SESSION_TOKEN, OLD_SESSION_TOKEN, OLDER_SESSION_TOKEN, SECRET_ACCESS_KEY, PLAIN_SECRET];
function expectNoSecret(text: string): void {
  for (const secret of SECRETS) expect(text).not.toContain(secret);
  // No piece of a token's body either (a mask that stopped at a "/" or "+" would leave one).
  expect(text).not.toContain('EXAMPLE+0bR');
  expect(text).not.toContain('ZmFrZQ');
}

describe('maskSecrets: secrets in text', () => {
  it('masks session tokens by their shape, wherever they are (a URL query, a header, plain words)', () => {
    const masked = maskSecrets(`GET /?X-Amz-Date=20240603T031207Z&X-Amz-Security-Token=${encodeURIComponent(SESSION_TOKEN)}&X-Amz-Expires=60 token ${OLD_SESSION_TOKEN} and ${OLDER_SESSION_TOKEN}`);
    expectNoSecret(masked);
    expect(masked).toContain('X-Amz-Date=20240603T031207Z');
    expect(masked).toContain('X-Amz-Expires=60');
    expect(maskSecrets(`bare ${SESSION_TOKEN} end`)).toBe('bare [REDACTED session token] end');
  });

  it('masks `name=value` and `name: value` for names that hold token, secret, password or credential', () => {
    expect(maskSecrets(`retrying with sessionToken=${PLAIN_SECRET}; attempt 2`)).toBe('retrying with sessionToken=[REDACTED]; attempt 2');
    expect(maskSecrets(`x-amz-security-token: ${PLAIN_SECRET}\nhost: sts.amazonaws.com`)).toBe('x-amz-security-token: [REDACTED]\nhost: sts.amazonaws.com');
    expect(maskSecrets(`NewPassword='${PLAIN_SECRET}'`)).toBe(`NewPassword='[REDACTED]'`);
    expect(maskSecrets('aws_secret_access_key = "wJalrXUtnFEMI/K7MDENG"')).toBe('aws_secret_access_key = "[REDACTED]"');
  });

  it('masks `{"SessionToken":…}` and `"aws_secret_access_key":"…"` inside a JSON string, and the outer JSON still parses', () => {
    const inner = JSON.stringify({ Credentials: { AccessKeyId: 'ASIAIOSFODNN7EXAMPLE', SessionToken: PLAIN_SECRET, Expiration: '2024-06-03T04:12:07Z' }, aws_secret_access_key: SECRET_ACCESS_KEY });
    expect(maskSecrets(inner)).toBe('{"Credentials":{"AccessKeyId":"ASIA…MPLE","SessionToken":"[REDACTED]","Expiration":"2024-06-03T04:12:07Z"},"aws_secret_access_key":"[REDACTED]"}');
    // The same JSON held in a string field of a record: its quotes are escaped.
    const outer = JSON.stringify({ requestParameters: { body: inner } }, null, 2);
    const masked = maskSecrets(outer);
    expectNoSecret(masked);
    expect(JSON.parse(JSON.parse(masked).requestParameters.body)).toEqual({ Credentials: { AccessKeyId: 'ASIA…MPLE', SessionToken: '[REDACTED]', Expiration: '2024-06-03T04:12:07Z' }, aws_secret_access_key: '[REDACTED]' });
  });

  it('masks the password of a URL (DATABASE_URL), whatever it holds, and keeps the user, host and database', () => {
    expect(maskSecrets('connecting to postgres://guard:s3cr%40t@db.internal:5432/aws_root_guard?sslmode=verify-full')).toBe(
      'connecting to postgres://guard:[REDACTED]@db.internal:5432/aws_root_guard?sslmode=verify-full',
    );
    // An unencoded @ in the password: masked up to the host, nothing of it left.
    expect(maskSecrets('DATABASE_URL=postgresql://guard:p@ss:w0rd@db/x failed')).toBe('DATABASE_URL=postgresql://guard:[REDACTED]@db/x failed');
    expect(maskSecrets('"url":"postgres://u:hunter2hunter2@h/d"')).not.toContain('hunter2');
    // No password, nothing to mask; a port is not a password.
    expect(maskSecrets('postgres://guard@db.internal:5432/x and https://example.com:8443/path')).toBe('postgres://guard@db.internal:5432/x and https://example.com:8443/path');
  });

  it('leaves what only names a secret or carries the event\'s meaning', () => {
    const text = '{"eventName":"GetSessionToken","responseElements":{"PasswordUpdated":"Failure"},"sessionCredentialFromConsole":"true","requestParameters":{"secretId":"prod/db","tokenType":"Bearer","passwordResetRequired":false}}';
    expect(maskSecrets(text)).toBe(text);
    expect(maskSecrets('Refused: the signing secret is not set (SLACK_SIGNING_SECRET)')).toBe('Refused: the signing secret is not set (SLACK_SIGNING_SECRET)');
    expect(maskSecrets('tried to change the root password: failed')).toBe('tried to change the root password: failed');
    expect(maskSecrets('token: invalid_auth')).toBe('token: invalid_auth');
  });
});

describe('redactSecrets: secret fields of a parsed record', () => {
  it('replaces fields whose name holds token, secret, password or credential, at any depth, and masks the strings of the rest', () => {
    const record = {
      requestParameters: { token: PLAIN_SECRET, 'x-amz-security-token': PLAIN_SECRET, tokenCode: '123456', nested: [{ clientSecret: PLAIN_SECRET }], note: `sessionToken=${PLAIN_SECRET}`, policy: JSON.stringify({ SessionToken: PLAIN_SECRET }) },
      responseElements: { credentials: { accessKeyId: 'ASIAIOSFODNN7EXAMPLE', secretAccessKey: SECRET_ACCESS_KEY, sessionToken: SESSION_TOKEN, expiration: 'Jun 3, 2024, 4:12:07 AM' }, PasswordUpdated: 'Failure' },
      additionalEventData: { MFAUsed: 'Yes' },
    };
    const redacted = redactSecrets(record);
    expectNoSecret(JSON.stringify(redacted));
    expect(redacted).toEqual({
      requestParameters: { token: '[REDACTED]', 'x-amz-security-token': '[REDACTED]', tokenCode: '[REDACTED]', nested: [{ clientSecret: '[REDACTED]' }], note: 'sessionToken=[REDACTED]', policy: '{"SessionToken":"[REDACTED]"}' },
      responseElements: { credentials: { accessKeyId: 'ASIA…MPLE', secretAccessKey: '[REDACTED]', sessionToken: '[REDACTED]', expiration: 'Jun 3, 2024, 4:12:07 AM' }, PasswordUpdated: 'Failure' },
      additionalEventData: { MFAUsed: 'Yes' },
    });
  });

  it('judges a field by name and value: identifiers, booleans and result words stay, numbers go', () => {
    expect(isSecretField('SecretArn', 'arn:aws:secretsmanager:us-east-1:111122223333:secret:db')).toBe(false);
    expect(isSecretField('sessionCredentialFromConsole', 'true')).toBe(false);
    expect(isSecretField('passwordResetRequired', true)).toBe(false);
    expect(isSecretField('pin_password', 1234)).toBe(true);
    expect(isSecretField('Authorization', 'AWS4-HMAC-SHA256 Credential=…')).toBe(true);
  });

  it('redactRecordText keeps a record JSON; text that is not JSON is masked as text', () => {
    const text = redactRecordText(JSON.stringify({ eventID: 'e1', responseElements: { credentials: { sessionToken: SESSION_TOKEN } } }));
    expect(JSON.parse(text)).toEqual({ eventID: 'e1', responseElements: { credentials: { sessionToken: '[REDACTED]' } } });
    expect(redactRecordText(`{"broken": "${SESSION_TOKEN}`)).toBe('{"broken": "[REDACTED session token]');
  });
});

describe('the ways out use it', () => {
  it('debug logs: fields and strings of a logged object, and the message', () => {
    const { logger, lines } = capturingLogger();
    logger.debug({ request: { headers: { 'x-amz-security-token': PLAIN_SECRET }, token: PLAIN_SECRET, body: JSON.stringify({ SessionToken: SESSION_TOKEN }) }, record: { aws_secret_access_key: SECRET_ACCESS_KEY } }, `sending with sessionToken=${OLD_SESSION_TOKEN}`);
    expect(lines).toHaveLength(1);
    expectNoSecret(JSON.stringify(lines));
    expect(lines[0]).toMatchObject({ request: { headers: { 'x-amz-security-token': '[REDACTED]' }, token: '[REDACTED]' } });
  });

  it('"Show event" in the thread', () => {
    const rawRecord = JSON.stringify({
      eventID: 'e-secrets',
      eventName: 'AssumeRoot',
      requestParameters: { token: PLAIN_SECRET, 'x-amz-security-token': PLAIN_SECRET, note: `sessionToken=${PLAIN_SECRET}`, body: JSON.stringify({ SessionToken: OLD_SESSION_TOKEN, aws_secret_access_key: SECRET_ACCESS_KEY }) },
      responseElements: { credentials: { sessionToken: SESSION_TOKEN, secretAccessKey: OLDER_SESSION_TOKEN } },
    });
    const message = renderEventRecord({ eventId: 'e-secrets', region: 'us-east-1', rawRecord, requestedBy: 'U0BOB' });
    const everything = JSON.stringify(message);
    expectNoSecret(everything);
    expect(everything).toContain('AssumeRoot');
    // Not JSON (cut off): masked as text.
    const broken = renderEventRecord({ eventId: 'e-cut', region: 'us-east-1', rawRecord: rawRecord.slice(0, -10), requestedBy: null });
    expectNoSecret(JSON.stringify(broken));
  });
});
