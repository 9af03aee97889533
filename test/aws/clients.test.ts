// createAwsClients: the SDK default chain and endpoint variables, bounded retries, the request timeout,
// one CloudTrail client per Region; and the AWS error -> FactError mapping on errors the SDK really throws.
import { DescribeTrailsCommand } from '@aws-sdk/client-cloudtrail';
import { GetAccountSummaryCommand, GetCredentialReportCommand } from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { afterEach, describe, expect, test } from 'vitest';
import { AwsCallError, describeFatalAwsError, toFactError } from '../../src/aws/index.js';
import { createAwsClients, sharedClientSettings } from '../../src/aws/clients.js';
import { startFakeAws } from '../fakes/aws/index.js';
import { useFakeAws } from '../support/fake-aws.js';

const aws = useFakeAws();
const savedEnv = { ...process.env };

afterEach(() => {
  for (const name of Object.keys(process.env)) if (!(name in savedEnv)) delete process.env[name];
  Object.assign(process.env, savedEnv);
});

/** Clients with no endpoint and no credentials of ours: the SDK resolves both from the environment. */
const SDK_DEFAULTS = { endpoint: undefined, credentials: undefined };

async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}

describe('createAwsClients', () => {
  test('credentials from the default chain (environment) and AWS_ENDPOINT_URL are honoured by the SDK itself', async () => {
    process.env.AWS_ACCESS_KEY_ID = 'AKIAENVIRONMENTKEY01';
    process.env.AWS_SECRET_ACCESS_KEY = 'environment-secret';
    process.env.AWS_ENDPOINT_URL = aws.fake.url;
    const clients = aws.clientsFor({ region: 'eu-west-1', ...SDK_DEFAULTS });
    const identity = await clients.sts.send(new GetCallerIdentityCommand({}));
    expect(identity.Account).toBe('123456789012');
    expect(aws.fake.requests).toMatchObject([{ service: 'sts', operation: 'GetCallerIdentity', region: 'eu-west-1' }]);
  });

  test('a per-service variable (AWS_ENDPOINT_URL_IAM) points only that service at the endpoint', async () => {
    process.env.AWS_ACCESS_KEY_ID = 'AKIAENVIRONMENTKEY01';
    process.env.AWS_SECRET_ACCESS_KEY = 'environment-secret';
    process.env.AWS_ENDPOINT_URL_IAM = aws.fake.url;
    const clients = aws.clientsFor(SDK_DEFAULTS);
    await clients.iam.send(new GetAccountSummaryCommand({}));
    expect(aws.fake.calls('GetAccountSummary')).toBe(1);
  });

  test('one CloudTrail client per Region, reused, each signing for its Region', async () => {
    const clients = aws.clientsFor();
    expect(clients.cloudTrail('eu-west-1')).toBe(clients.cloudTrail('eu-west-1'));
    expect(clients.cloudTrail('eu-west-1')).not.toBe(clients.cloudTrail('us-west-2'));
    await clients.cloudTrail('eu-west-1').send(new DescribeTrailsCommand({}));
    await clients.cloudTrail('us-west-2').send(new DescribeTrailsCommand({}));
    expect(aws.fake.requests.map((request) => request.region)).toEqual(['eu-west-1', 'us-west-2']);
  });

  test('a released Region\'s CloudTrail client is made again on its next use; the other Regions keep theirs', async () => {
    const clients = aws.clientsFor();
    const first = clients.cloudTrail('eu-west-1');
    const other = clients.cloudTrail('us-west-2');
    await first.send(new DescribeTrailsCommand({}));
    clients.releaseCloudTrail('eu-west-1');
    const again = clients.cloudTrail('eu-west-1');
    expect(again).not.toBe(first);
    expect(clients.cloudTrail('us-west-2')).toBe(other);
    await again.send(new DescribeTrailsCommand({}));
    expect(aws.fake.requests.map((request) => request.region)).toEqual(['eu-west-1', 'eu-west-1']);
  });

  test('a client\'s second call reuses its resolved middleware stack (cacheMiddleware) and still runs every step', async () => {
    const clients = aws.clientsFor();
    const cloudTrail = clients.cloudTrail('eu-west-1');
    expect((cloudTrail.config as { cacheMiddleware?: boolean }).cacheMiddleware).toBe(true);
    // A member's clients (one or two calls each) leave it off.
    expect((aws.clientsFor({ cacheMiddleware: false }).cloudTrail('eu-west-1').config as { cacheMiddleware?: boolean }).cacheMiddleware).toBe(false);
    await cloudTrail.send(new DescribeTrailsCommand({}));
    await cloudTrail.send(new DescribeTrailsCommand({}));
    // Signed for its Region both times (the signing step ran on the cached stack too).
    expect(aws.fake.requests.map((request) => [request.operation, request.region, request.status])).toEqual([
      ['DescribeTrails', 'eu-west-1', 200],
      ['DescribeTrails', 'eu-west-1', 200],
    ]);
  });

  test('retries are bounded by maxAttempts (standard mode)', async () => {
    aws.fake.faults.serverError('GetAccountSummary');
    const error = await failureOf(aws.clientsFor({ maxAttempts: 3 }).iam.send(new GetAccountSummaryCommand({})));
    expect(aws.fake.calls('GetAccountSummary')).toBe(3);
    expect(toFactError('iam:GetAccountSummary', error)).toEqual({ action: 'iam:GetAccountSummary', code: 'ServiceFailure', message: expect.stringMatching(/^iam:GetAccountSummary failed after 3 attempts: ServiceFailure:/) });
  });

  test('a request slower than requestTimeoutMs fails with TimeoutError', async () => {
    aws.fake.faults.delay('GetAccountSummary', 1_000);
    const started = performance.now();
    const error = await failureOf(aws.clientsFor({ requestTimeoutMs: 150, maxAttempts: 1 }).iam.send(new GetAccountSummaryCommand({})));
    expect(performance.now() - started).toBeLessThan(900);
    expect(toFactError('iam:GetAccountSummary', error)).toMatchObject({ code: 'TimeoutError', message: expect.stringContaining('did not answer in time') });
  });
});

describe('AWS errors in our words', () => {
  test('AccessDenied names the IAM action to allow and keeps what AWS said', async () => {
    aws.fake.faults.accessDenied('GetCredentialReport');
    const error = await failureOf(aws.clientsFor().iam.send(new GetCredentialReportCommand({})));
    const factError = toFactError('iam:GetCredentialReport', error);
    expect(factError.code).toBe('AccessDenied');
    expect(factError.message).toMatch(/^Access denied to iam:GetCredentialReport: allow the IAM action iam:GetCredentialReport in the bot's policy \(see iam-policy.json\)\. AWS said: User: arn:aws:sts::/);
  });

  test('throttling after retries says to try again', async () => {
    aws.fake.faults.throttle('DescribeTrails');
    const error = await failureOf(aws.clientsFor({ maxAttempts: 2 }).cloudTrail('us-east-1').send(new DescribeTrailsCommand({})));
    expect(toFactError('cloudtrail:DescribeTrails', error)).toEqual({ action: 'cloudtrail:DescribeTrails', code: 'ThrottlingException', message: 'cloudtrail:DescribeTrails was throttled by AWS after 2 attempts: run the check again in a minute.' });
  });

  test('an endpoint nobody listens on is a network error', async () => {
    const closed = await startFakeAws();
    const url = closed.url;
    await closed.close();
    const error = await failureOf(aws.clientsFor({ endpoint: url, maxAttempts: 1 }).sts.send(new GetCallerIdentityCommand({})));
    expect(toFactError('sts:GetCallerIdentity', error).code).toBe('ECONNREFUSED');
    expect(describeFatalAwsError(new AwsCallError('sts:GetCallerIdentity', 'ECONNREFUSED', error))).toMatch(/^could not reach AWS \(ECONNREFUSED\) for sts:GetCallerIdentity/);
  });

  test('no credentials anywhere: the fatal message says how to provide them', async () => {
    for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_ROLE_ARN', 'AWS_WEB_IDENTITY_TOKEN_FILE', 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI', 'AWS_CONTAINER_CREDENTIALS_FULL_URI']) delete process.env[name];
    process.env.AWS_SHARED_CREDENTIALS_FILE = '/nonexistent/aws-root-guard/credentials';
    process.env.AWS_CONFIG_FILE = '/nonexistent/aws-root-guard/config';
    process.env.AWS_EC2_METADATA_DISABLED = 'true';
    const clients = aws.clientsFor({ credentials: undefined, maxAttempts: 1 });
    const error = await failureOf(clients.sts.send(new GetCallerIdentityCommand({})));
    expect(describeFatalAwsError(error)).toMatch(/^no AWS credentials found: set AWS_PROFILE/);
    expect(aws.fake.requests).toEqual([]);
  });

  test('expired or rejected credentials get their own advice', () => {
    expect(describeFatalAwsError(Object.assign(new Error('The security token included in the request is expired'), { name: 'ExpiredToken' }))).toMatch(/expired: refresh them/);
    expect(describeFatalAwsError(Object.assign(new Error('The security token included in the request is invalid.'), { name: 'InvalidClientTokenId' }))).toMatch(/^AWS rejected the credentials \(InvalidClientTokenId\)/);
  });
});

describe('sharedClientSettings', () => {
  test('the environment settings are read by the first client and handed to the next ones, of any service or Region', async () => {
    process.env.AWS_USE_DUALSTACK_ENDPOINT = 'true';
    process.env.AWS_SDK_UA_APP_ID = 'root-guard-test';
    const settings = sharedClientSettings();
    const first = createAwsClients({ region: 'us-east-1', endpoint: aws.fake.url, settings });
    const second = createAwsClients({ region: 'eu-west-1', endpoint: aws.fake.url, settings });
    try {
      expect(settings.providers).toBeNull();
      const iamConfig = first.iam.config;
      expect(settings.providers).not.toBeNull();
      const trailConfig = second.cloudTrail('eu-west-1').config;
      expect(await trailConfig.useDualstackEndpoint()).toBe(true);
      expect(await trailConfig.userAgentAppId()).toBe('root-guard-test');
      expect(await iamConfig.useFipsEndpoint()).toBe(false);
      expect(await trailConfig.useFipsEndpoint()).toBe(false);
    } finally {
      first.destroy();
      second.destroy();
    }
  });
});
