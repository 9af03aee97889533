// The fake AWS speaks the real wire protocols: checked on the raw HTTP exchange and through the real SDK clients.
import { DescribeTrailsCommand, GetTrailStatusCommand, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { GetAlternateContactCommand, ListRegionsCommand } from '@aws-sdk/client-account';
import {
  GenerateCredentialReportCommand,
  GetAccountPasswordPolicyCommand,
  GetAccountSummaryCommand,
  GetCredentialReportCommand,
  ListOrganizationsFeaturesCommand,
  ListVirtualMFADevicesCommand,
} from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { describe, expect, test } from 'vitest';
import { CREDENTIAL_REPORT_COLUMNS, noPasswordPolicy, standaloneAccount, virtualMfaOnly, type CloudTrailRecord } from '../fakes/aws/index.js';
import { useFakeAws } from '../support/fake-aws.js';

const aws = useFakeAws({ clients: { maxAttempts: 1 } });

const SIGNED = { authorization: 'AWS4-HMAC-SHA256 Credential=AKIAFAKEAWSTESTKEY01/20261128/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=00' };

async function rawQuery(body: string, scopeService = 'iam'): Promise<{ status: number; text: string; contentType: string | null }> {
  const response = await fetch(`${aws.fake.url}/`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: SIGNED.authorization.replace('/iam/', `/${scopeService}/`) },
    body,
  });
  return { status: response.status, text: await response.text(), contentType: response.headers.get('content-type') };
}

function rootRecord(eventId: string, eventTime: Date, overrides: Partial<CloudTrailRecord> = {}): CloudTrailRecord {
  return {
    eventVersion: '1.08',
    userIdentity: { type: 'Root', principalId: '123456789012', arn: 'arn:aws:iam::123456789012:root', accountId: '123456789012', accessKeyId: 'ASIAEXAMPLEROOTKEY01' } as CloudTrailRecord['userIdentity'],
    eventTime: eventTime.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    eventSource: 'iam.amazonaws.com',
    eventName: 'ListUsers',
    awsRegion: 'us-east-1',
    sourceIPAddress: '203.0.113.10',
    readOnly: true,
    eventID: eventId,
    eventType: 'AwsApiCall',
    ...overrides,
  };
}

describe('IAM and STS: AWS Query protocol', () => {
  test('answers <Action>Response / <Action>Result with the IAM namespace and a RequestId', async () => {
    const { status, text, contentType } = await rawQuery('Action=GetAccountSummary&Version=2010-05-08');
    expect(status).toBe(200);
    expect(contentType).toBe('text/xml');
    expect(text).toMatch(/^<GetAccountSummaryResponse xmlns="https:\/\/iam\.amazonaws\.com\/doc\/2010-05-08\/"><GetAccountSummaryResult><SummaryMap><entry><key>/);
    expect(text).toContain('<entry><key>AccountMFAEnabled</key><value>1</value></entry>');
    expect(text).toMatch(/<ResponseMetadata><RequestId>[0-9a-f-]{36}<\/RequestId><\/ResponseMetadata><\/GetAccountSummaryResponse>$/);
  });

  test('errors are <ErrorResponse><Error><Type><Code><Message> with the HTTP status IAM uses', async () => {
    aws.fake.state = noPasswordPolicy();
    const { status, text } = await rawQuery('Action=GetAccountPasswordPolicy&Version=2010-05-08');
    expect(status).toBe(404);
    expect(text).toMatch(
      /^<ErrorResponse xmlns="https:\/\/iam\.amazonaws\.com\/doc\/2010-05-08\/"><Error><Type>Sender<\/Type><Code>NoSuchEntity<\/Code><Message>The Password Policy with domain name 123456789012 cannot be found\.<\/Message><\/Error><RequestId>[0-9a-f-]{36}<\/RequestId><\/ErrorResponse>$/,
    );
  });

  test('AccessDenied is 403 Sender naming the caller and the IAM action', async () => {
    aws.fake.faults.accessDenied('GetCredentialReport');
    const { status, text } = await rawQuery('Action=GetCredentialReport&Version=2010-05-08');
    expect(status).toBe(403);
    expect(text).toContain('<Type>Sender</Type><Code>AccessDenied</Code>');
    expect(text).toContain('is not authorized to perform: iam:GetCredentialReport on resource: *');
  });

  test('throttling is code Throttling with HTTP 400; a 5xx fault is a Receiver error', async () => {
    aws.fake.faults.throttle('ListAccountAliases', { times: 1 }).serverError('ListAccountAliases', { times: 1, status: 503 });
    const throttled = await rawQuery('Action=ListAccountAliases&Version=2010-05-08');
    expect(throttled.status).toBe(400);
    expect(throttled.text).toContain('<Code>Throttling</Code><Message>Rate exceeded</Message>');
    const unavailable = await rawQuery('Action=ListAccountAliases&Version=2010-05-08');
    expect(unavailable.status).toBe(503);
    expect(unavailable.text).toContain('<Type>Receiver</Type><Code>ServiceUnavailable</Code>');
    expect((await rawQuery('Action=ListAccountAliases&Version=2010-05-08')).status).toBe(200);
  });

  test('a request without a SigV4 Authorization header is refused', async () => {
    const response = await fetch(`${aws.fake.url}/`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'Action=GetAccountSummary&Version=2010-05-08' });
    expect(response.status).toBe(403);
    expect(await response.text()).toContain('<Code>MissingAuthenticationToken</Code>');
  });

  test('STS answers in its own namespace, version 2011-06-15, and the SDK reads it', async () => {
    const { text } = await rawQuery('Action=GetCallerIdentity&Version=2011-06-15', 'sts');
    expect(text).toMatch(/^<GetCallerIdentityResponse xmlns="https:\/\/sts\.amazonaws\.com\/doc\/2011-06-15\/"><GetCallerIdentityResult>/);
    const identity = await aws.clients.sts.send(new GetCallerIdentityCommand({}));
    expect(identity).toMatchObject({ Account: '123456789012', Arn: 'arn:aws:sts::123456789012:assumed-role/aws-root-guard/root-guard' });
    expect(aws.fake.requests.at(-1)).toMatchObject({ service: 'sts', operation: 'GetCallerIdentity', region: 'us-east-1', params: { Action: 'GetCallerIdentity', Version: '2011-06-15' } });
  });

  test('the SDK parses the SummaryMap, the password policy and the organization features', async () => {
    const summary = await aws.clients.iam.send(new GetAccountSummaryCommand({}));
    expect(summary.SummaryMap).toMatchObject({ AccountMFAEnabled: 1, AccountAccessKeysPresent: 0, AccountSigningCertificatesPresent: 0, UsersQuota: 5000 });
    const { PasswordPolicy: policy } = await aws.clients.iam.send(new GetAccountPasswordPolicyCommand({}));
    expect(policy).toMatchObject({ MinimumPasswordLength: 14, PasswordReusePrevention: 24, RequireSymbols: true, ExpirePasswords: false });
    const features = await aws.clients.iam.send(new ListOrganizationsFeaturesCommand({}));
    expect(features).toMatchObject({ OrganizationId: 'o-exampleorgid1', EnabledFeatures: ['RootCredentialsManagement', 'RootSessions'] });
  });

  test('a standalone account: ListOrganizationsFeatures fails with OrganizationNotFoundException (400), as the SDK models it', async () => {
    aws.fake.state = standaloneAccount();
    const error = await aws.clients.iam.send(new ListOrganizationsFeaturesCommand({})).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ name: 'OrganizationNotFoundException', $metadata: { httpStatusCode: 400 } });
  });

  test('ListVirtualMFADevices filters on AssignmentStatus and carries the assigned User with its Arn', async () => {
    aws.fake.state = virtualMfaOnly();
    const assigned = await aws.clients.iam.send(new ListVirtualMFADevicesCommand({ AssignmentStatus: 'Assigned' }));
    expect(assigned.VirtualMFADevices?.map((device) => [device.SerialNumber, device.User?.Arn])).toEqual([
      ['arn:aws:iam::123456789012:mfa/root-account-mfa-device', 'arn:aws:iam::123456789012:root'],
      ['arn:aws:iam::123456789012:mfa/admin-phone', 'arn:aws:iam::123456789012:user/admin'],
    ]);
    expect(assigned.VirtualMFADevices?.[0]?.EnableDate).toBeInstanceOf(Date);
    const unassigned = await aws.clients.iam.send(new ListVirtualMFADevicesCommand({ AssignmentStatus: 'Unassigned' }));
    expect(unassigned.VirtualMFADevices).toEqual([{ SerialNumber: 'arn:aws:iam::123456789012:mfa/spare' }]);
    expect(aws.fake.requests.map((request) => request.params.AssignmentStatus)).toEqual(['Assigned', 'Unassigned']);
  });

  test('credential report: ReportNotPresent (410), generation STARTED, ReportInProgress (404) as many times as set, then base64 CSV', async () => {
    aws.fake.state.credentialReport.generatedAt = null;
    aws.fake.state.credentialReport.inProgressPolls = 1;
    const notPresent = await aws.clients.iam.send(new GetCredentialReportCommand({})).catch((caught: unknown) => caught);
    expect(notPresent).toMatchObject({ name: 'CredentialReportNotPresentException', Code: 'ReportNotPresent', $metadata: { httpStatusCode: 410 } });
    expect((await aws.clients.iam.send(new GenerateCredentialReportCommand({}))).State).toBe('STARTED');
    expect((await aws.clients.iam.send(new GenerateCredentialReportCommand({}))).State).toBe('INPROGRESS');
    const inProgress = await aws.clients.iam.send(new GetCredentialReportCommand({})).catch((caught: unknown) => caught);
    expect(inProgress).toMatchObject({ name: 'CredentialReportNotReadyException', Code: 'ReportInProgress', $metadata: { httpStatusCode: 404 } });
    const report = await aws.clients.iam.send(new GetCredentialReportCommand({}));
    expect(report.ReportFormat).toBe('text/csv');
    expect(report.GeneratedTime).toBeInstanceOf(Date);
    const csv = Buffer.from(report.Content!).toString('utf8');
    const [header, root] = csv.split('\n');
    expect(header).toBe(CREDENTIAL_REPORT_COLUMNS.join(','));
    expect(root).toMatch(/^<root_account>,arn:aws:iam::123456789012:root,\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00,not_supported,\d{4}-[^,]+\+00:00,not_supported,not_supported,true,false,N\/A,N\/A,N\/A,N\/A,false,N\/A,N\/A,N\/A,N\/A,false,N\/A,false,N\/A$/);
    // A report under four hours old is not regenerated.
    expect((await aws.clients.iam.send(new GenerateCredentialReportCommand({}))).State).toBe('COMPLETE');
  });

  test('an expired report answers ReportExpired (410)', async () => {
    aws.fake.state.credentialReport.expired = true;
    const error = await aws.clients.iam.send(new GetCredentialReportCommand({})).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ name: 'CredentialReportExpiredException', Code: 'ReportExpired', $metadata: { httpStatusCode: 410 } });
  });
});

describe('CloudTrail: AWS JSON 1.1', () => {
  test('the SDK sends X-Amz-Target CloudTrail_20131101.<Operation>; the long API-reference prefix is accepted too', async () => {
    await aws.clients.cloudTrail('us-east-1').send(new DescribeTrailsCommand({}));
    expect(aws.fake.requests.at(-1)).toMatchObject({ service: 'cloudtrail', operation: 'DescribeTrails', region: 'us-east-1' });
    const response = await fetch(`${aws.fake.url}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.DescribeTrails', authorization: SIGNED.authorization.replace('/iam/', '/cloudtrail/') },
      body: '{}',
    });
    expect(response.headers.get('content-type')).toBe('application/x-amz-json-1.1');
    const body = (await response.json()) as { trailList: Array<Record<string, unknown>> };
    expect(body.trailList[0]).toMatchObject({ Name: 'management-events', HomeRegion: 'us-east-1', IsMultiRegionTrail: true, TrailARN: 'arn:aws:cloudtrail:us-east-1:123456789012:trail/management-events' });
  });

  test('errors are {"__type", "message"}; AccessDeniedException and ThrottlingException are HTTP 400', async () => {
    aws.fake.faults.accessDenied('GetTrailStatus', { times: 1 }).throttle('GetTrailStatus', { times: 1 });
    const headers = { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'CloudTrail_20131101.GetTrailStatus', authorization: SIGNED.authorization.replace('/iam/', '/cloudtrail/') };
    const denied = await fetch(`${aws.fake.url}/`, { method: 'POST', headers, body: '{"Name":"management-events"}' });
    expect(denied.status).toBe(400);
    expect(await denied.json()).toMatchObject({ __type: 'AccessDeniedException', message: expect.stringContaining('cloudtrail:GetTrailStatus') });
    const throttled = await fetch(`${aws.fake.url}/`, { method: 'POST', headers, body: '{"Name":"management-events"}' });
    expect(await throttled.json()).toEqual({ __type: 'ThrottlingException', message: 'Rate exceeded' });
  });

  test('a multi-region trail shows in every Region as a shadow trail; its status is read by ARN, by name only at home', async () => {
    const inEurope = await aws.clients.cloudTrail('eu-west-1').send(new DescribeTrailsCommand({ includeShadowTrails: true }));
    expect(inEurope.trailList?.map((trail) => trail.HomeRegion)).toEqual(['us-east-1']);
    expect((await aws.clients.cloudTrail('eu-west-1').send(new DescribeTrailsCommand({ includeShadowTrails: false }))).trailList).toEqual([]);
    const arn = inEurope.trailList![0]!.TrailARN!;
    const status = await aws.clients.cloudTrail('eu-west-1').send(new GetTrailStatusCommand({ Name: arn }));
    expect(status.IsLogging).toBe(true);
    expect(status.StartLoggingTime).toBeInstanceOf(Date);
    const byName = await aws.clients.cloudTrail('eu-west-1').send(new GetTrailStatusCommand({ Name: 'management-events' })).catch((caught: unknown) => caught);
    expect(byName).toMatchObject({ name: 'TrailNotFoundException' });
    expect(aws.fake.requests.filter((request) => request.operation === 'GetTrailStatus').map((request) => request.region)).toEqual(['eu-west-1', 'eu-west-1']);
  });

  test('LookupEvents: one attribute, time range, newest first, pages of at most 50 with NextToken, the real envelope', async () => {
    const now = Date.now();
    const records = Array.from({ length: 7 }, (_, index) => rootRecord(`event-${index}`, new Date(now - (index + 1) * 60_000)));
    aws.fake.addEvents('us-east-1', records);
    aws.fake.addEvents('us-east-1', [{ ...rootRecord('iam-user', new Date(now - 30_000)), userIdentity: { type: 'IAMUser', userName: 'alice', accessKeyId: 'AKIAEXAMPLEALICE0001' } }]);
    aws.fake.addEvents('eu-west-1', [rootRecord('elsewhere', new Date(now - 10_000))]);
    const cloudTrail = aws.clients.cloudTrail('us-east-1');
    const query = { LookupAttributes: [{ AttributeKey: 'Username' as const, AttributeValue: 'root' }], StartTime: new Date(now - 6.5 * 60_000), EndTime: new Date(now), MaxResults: 4 };
    const first = await cloudTrail.send(new LookupEventsCommand(query));
    expect(first.Events?.map((event) => event.EventId)).toEqual(['event-0', 'event-1', 'event-2', 'event-3']);
    expect(first.NextToken).toBeTruthy();
    const second = await cloudTrail.send(new LookupEventsCommand({ ...query, NextToken: first.NextToken }));
    expect(second.Events?.map((event) => event.EventId)).toEqual(['event-4', 'event-5']);
    expect(second.NextToken).toBeUndefined();
    const event = first.Events![0]!;
    expect(event).toMatchObject({ EventName: 'ListUsers', ReadOnly: 'true', AccessKeyId: 'ASIAEXAMPLEROOTKEY01', EventSource: 'iam.amazonaws.com', Username: 'root', Resources: [] });
    expect(event.EventTime).toEqual(new Date(Math.floor((now - 60_000) / 1000) * 1000));
    expect(JSON.parse(event.CloudTrailEvent!)).toMatchObject({ eventID: 'event-0', userIdentity: { type: 'Root' } });
    const byAccessKey = await cloudTrail.send(new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'AccessKeyId', AttributeValue: 'AKIAEXAMPLEALICE0001' }] }));
    expect(byAccessKey.Events?.map((found) => [found.EventId, found.Username])).toEqual([['iam-user', 'alice']]);
  });

  test('LookupEvents rejects two attributes, MaxResults over 50, an inverted time range and a token from another query', async () => {
    const cloudTrail = aws.clients.cloudTrail('us-east-1');
    const two = [{ AttributeKey: 'Username' as const, AttributeValue: 'root' }, { AttributeKey: 'EventName' as const, AttributeValue: 'ConsoleLogin' }];
    await expect(cloudTrail.send(new LookupEventsCommand({ LookupAttributes: two }))).rejects.toMatchObject({ name: 'InvalidLookupAttributesException' });
    await expect(cloudTrail.send(new LookupEventsCommand({ MaxResults: 51 }))).rejects.toMatchObject({ name: 'InvalidMaxResultsException' });
    await expect(cloudTrail.send(new LookupEventsCommand({ StartTime: new Date(2000), EndTime: new Date(1000) }))).rejects.toMatchObject({ name: 'InvalidTimeRangeException' });
    aws.fake.addEvents('us-east-1', [rootRecord('a', new Date(Date.now() - 2000)), rootRecord('b', new Date(Date.now() - 1000))]);
    const page = await cloudTrail.send(new LookupEventsCommand({ MaxResults: 1 }));
    await expect(cloudTrail.send(new LookupEventsCommand({ MaxResults: 1, LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'ListUsers' }], NextToken: page.NextToken }))).rejects.toMatchObject({
      name: 'InvalidNextTokenException',
    });
  });

  test('with the rate limit on, a third LookupEvents within a second in one Region is ThrottlingException "Rate exceeded"', async () => {
    aws.fake.faults.lookupEventsRateLimit = true;
    const cloudTrail = aws.clients.cloudTrail('us-west-2');
    await cloudTrail.send(new LookupEventsCommand({}));
    await cloudTrail.send(new LookupEventsCommand({}));
    await expect(cloudTrail.send(new LookupEventsCommand({}))).rejects.toMatchObject({ name: 'ThrottlingException', message: 'Rate exceeded' });
    // Another Region has its own quota.
    await expect(aws.clients.cloudTrail('eu-west-1').send(new LookupEventsCommand({}))).resolves.toBeDefined();
    expect(aws.fake.requests.map((request) => [request.region, request.status])).toEqual([
      ['us-west-2', 200],
      ['us-west-2', 200],
      ['us-west-2', 400],
      ['eu-west-1', 200],
    ]);
  });

  test('a malformed CloudTrailEvent string can be seeded as is', async () => {
    aws.fake.addLookupEnvelopes('us-east-1', [{ EventId: 'broken', EventName: 'ConsoleLogin', ReadOnly: 'false', EventTime: new Date(), EventSource: 'signin.amazonaws.com', Username: 'root', CloudTrailEvent: '{"eventVersion":' }]);
    const page = await aws.clients.cloudTrail('us-east-1').send(new LookupEventsCommand({}));
    expect(page.Events?.[0]?.CloudTrailEvent).toBe('{"eventVersion":');
  });
});

describe('Account: REST-JSON', () => {
  test('GetAlternateContact is POST /getAlternateContact; a missing contact is ResourceNotFoundException (404, x-amzn-ErrorType)', async () => {
    const contact = await aws.clients.account.send(new GetAlternateContactCommand({ AlternateContactType: 'SECURITY' }));
    expect(contact.AlternateContact).toEqual({ AlternateContactType: 'SECURITY', Name: 'Security Team', EmailAddress: 'security@example.com', PhoneNumber: '+1-555-0100', Title: 'Security' });
    expect(aws.fake.requests.at(-1)).toMatchObject({ service: 'account', operation: 'GetAlternateContact', params: { AlternateContactType: 'SECURITY' } });
    const response = await fetch(`${aws.fake.url}/getAlternateContact`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: SIGNED.authorization.replace('/iam/', '/account/') },
      body: '{"AlternateContactType":"BILLING"}',
    });
    expect(response.status).toBe(404);
    expect(response.headers.get('x-amzn-errortype')).toBe('ResourceNotFoundException');
    expect(await response.json()).toEqual({ message: 'No contact of the inputted alternate contact type found.' });
    await expect(aws.clients.account.send(new GetAlternateContactCommand({ AlternateContactType: 'BILLING' }))).rejects.toMatchObject({ name: 'ResourceNotFoundException', $metadata: { httpStatusCode: 404 } });
  });

  test('ListRegions filters on RegionOptStatusContains and pages with NextToken; throttling is TooManyRequestsException (429)', async () => {
    const first = await aws.clients.account.send(new ListRegionsCommand({ RegionOptStatusContains: ['ENABLED', 'ENABLED_BY_DEFAULT'], MaxResults: 2 }));
    const second = await aws.clients.account.send(new ListRegionsCommand({ RegionOptStatusContains: ['ENABLED', 'ENABLED_BY_DEFAULT'], MaxResults: 2, NextToken: first.NextToken }));
    expect([...(first.Regions ?? []), ...(second.Regions ?? [])].map((region) => region.RegionName)).toEqual(['us-east-1', 'us-west-2', 'eu-west-1', 'eu-south-2']);
    aws.fake.faults.throttle('ListRegions', { times: 1 });
    await expect(aws.clients.account.send(new ListRegionsCommand({}))).rejects.toMatchObject({ name: 'TooManyRequestsException', $metadata: { httpStatusCode: 429 } });
  });
});

describe('fake controls', () => {
  test('latencyMs delays every call; a Delay fault only the calls it names', async () => {
    aws.fake.latencyMs = 60;
    let started = performance.now();
    await aws.clients.iam.send(new GetAccountSummaryCommand({}));
    expect(performance.now() - started).toBeGreaterThanOrEqual(55);
    aws.fake.latencyMs = 0;
    aws.fake.faults.delay('GetAccountSummary', 80, { times: 1 });
    started = performance.now();
    await aws.clients.iam.send(new GetAccountSummaryCommand({}));
    expect(performance.now() - started).toBeGreaterThanOrEqual(75);
    started = performance.now();
    await aws.clients.iam.send(new GetAccountSummaryCommand({}));
    expect(performance.now() - started).toBeLessThan(75);
  });

  test('faults can target one Region; calls() counts per operation and Region', async () => {
    aws.fake.faults.serverError('DescribeTrails', { region: 'eu-west-1' });
    await expect(aws.clients.cloudTrail('eu-west-1').send(new DescribeTrailsCommand({}))).rejects.toMatchObject({ $metadata: { httpStatusCode: 500 } });
    await expect(aws.clients.cloudTrail('us-east-1').send(new DescribeTrailsCommand({}))).resolves.toBeDefined();
    expect(aws.fake.calls('DescribeTrails')).toBe(2);
    expect(aws.fake.calls('DescribeTrails', 'eu-west-1')).toBe(1);
    expect(aws.fake.requests[0]).toMatchObject({ status: 500, errorCode: 'InternalFailure' });
  });
});
