// Turning AWS SDK errors into words: a FactError for one failed fact (naming the IAM action to allow),
// and one line for a failure that stops every check (no credentials, AWS unreachable).
import type { FactError } from '../posture/model.js';

interface SdkErrorShape {
  name?: string;
  /** The wire code of Query-protocol errors (IAM, STS): "ReportInProgress" where `name` is the SDK class name. */
  Code?: unknown;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number; attempts?: number };
  cause?: unknown;
}

const ACCESS_DENIED_CODES = new Set(['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation', 'UnauthorizedAccess']);
const THROTTLING_CODES = new Set(['Throttling', 'ThrottlingException', 'TooManyRequestsException', 'RequestLimitExceeded', 'RequestThrottled', 'SlowDown']);
const TIMEOUT_CODES = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException', 'ETIMEDOUT']);
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE', 'EHOSTUNREACH']);
const MAX_AWS_MESSAGE = 300;

/** The AWS error code of an SDK error ("AccessDenied", "ThrottlingException", "TimeoutError", "ECONNREFUSED", ...). */
export function awsErrorCode(error: unknown): string {
  if (error && typeof error === 'object') {
    const shaped = error as SdkErrorShape;
    // Node network errors carry the useful part in `code`; SDK service errors in `name`.
    if (shaped.code && (NETWORK_CODES.has(shaped.code) || !shaped.name || shaped.name === 'Error')) return shaped.code;
    if (typeof shaped.Code === 'string' && shaped.Code) return shaped.Code;
    if (shaped.name && shaped.name !== 'Error') return shaped.name;
  }
  return 'Error';
}

function awsMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const oneLine = message.replace(/\s+/g, ' ').trim();
  return oneLine.length > MAX_AWS_MESSAGE ? `${oneLine.slice(0, MAX_AWS_MESSAGE - 1)}…` : oneLine;
}

function isAccessDenied(code: string): boolean {
  return ACCESS_DENIED_CODES.has(code);
}

/**
 * One failed AWS call as a FactError: what failed and what to do about it. `accountId`, when the caller knows it and
 * the message would not say it otherwise, names the account the call was made in ("cloudwatch:GetMetricData in
 * account 123456789012").
 */
export function toFactError(action: string, error: unknown, options: { accountId?: string | null } = {}): FactError {
  // The account's role could not be assumed: that, not the call, is what the user must fix.
  if (error instanceof MemberAccessError) return { ...error.factError };
  const code = awsErrorCode(error);
  const attempts = (error as SdkErrorShape | undefined)?.$metadata?.attempts;
  const afterAttempts = attempts && attempts > 1 ? ` after ${attempts} attempts` : '';
  const call = options.accountId ? `${action} in account ${options.accountId}` : action;
  let message: string;
  if (isAccessDenied(code)) {
    message = `Access denied to ${call}: allow the IAM action ${action} in the bot's policy (see iam-policy.json). AWS said: ${awsMessage(error)}`;
  } else if (THROTTLING_CODES.has(code)) {
    message = `${call} was throttled by AWS${afterAttempts}: run the check again in a minute.`;
  } else if (TIMEOUT_CODES.has(code)) {
    message = `${call} did not answer in time${afterAttempts}: AWS or the network is slow; run the check again.`;
  } else if (NETWORK_CODES.has(code)) {
    message = `${call} could not reach AWS (${code}): check the network and any AWS_ENDPOINT_URL setting.`;
  } else {
    message = `${call} failed${afterAttempts}: ${code}: ${awsMessage(error)}`;
  }
  return { action, code, message };
}

/** An AWS call that every check depends on failed (sts:GetCallerIdentity): nothing can be reported. */
export class AwsCallError extends Error {
  constructor(
    readonly action: string,
    readonly code: string,
    cause: unknown,
  ) {
    super(`${action} failed: ${code}: ${awsMessage(cause)}`, { cause });
    this.name = 'AwsCallError';
  }
}

/** One line for a terminal or a log when no check could run: the likely cause and how to fix it. */
export function describeFatalAwsError(error: unknown): string {
  const underlying = error instanceof AwsCallError ? error.cause : error;
  const action = error instanceof AwsCallError ? error.action : 'the AWS call';
  const code = awsErrorCode(underlying);
  if (code === 'CredentialsProviderError' || /Could not load credentials/i.test(awsMessage(underlying))) {
    return 'no AWS credentials found: set AWS_PROFILE (or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY), or run where a role is available (ECS, EC2, web identity).';
  }
  if (code === 'ExpiredToken' || code === 'ExpiredTokenException' || code === 'TokenRefreshRequired') {
    return 'the AWS credentials have expired: refresh them (for SSO profiles: aws sso login) and run again.';
  }
  if (code === 'InvalidClientTokenId' || code === 'SignatureDoesNotMatch' || code === 'UnrecognizedClientException') {
    return `AWS rejected the credentials (${code}): check the access key, secret key and session token in use.`;
  }
  if (NETWORK_CODES.has(code) || TIMEOUT_CODES.has(code)) {
    return `could not reach AWS (${code}) for ${action}: check the network, proxy and any AWS_ENDPOINT_URL setting.`;
  }
  if (isAccessDenied(code)) return `access denied to ${action}: allow it in the bot's IAM policy (see iam-policy.json).`;
  return `${action} failed: ${code}: ${awsMessage(underlying)}`;
}

/**
 * The bot could not get into a member account (sts:AssumeRole refused, the role missing): every fact read through
 * that account's role carries this one error instead of a misleading "allow iam:GetAccountSummary".
 */
export class MemberAccessError extends Error {
  readonly factError: FactError;
  constructor(roleArn: string, cause: unknown) {
    const code = awsErrorCode(cause);
    const hint = isAccessDenied(code) || code === 'NoSuchEntity'
      ? 'deploy the member role (deploy/member-role.yaml) or fix MEMBER_ROLE_NAME'
      : THROTTLING_CODES.has(code)
        ? 'STS throttled the request even after retries: run the check again'
        : awsMessage(cause);
    super(`cannot assume ${roleArn}: ${code}: ${hint}`, { cause });
    this.name = 'MemberAccessError';
    this.factError = { action: 'sts:AssumeRole', code, message: this.message };
  }
}
