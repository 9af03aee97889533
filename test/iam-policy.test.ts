// iam-policy.json is the least-privilege policy the bot needs: every AWS action the code calls is in it,
// and nothing else is. The code's actions are found by scanning src/ for SDK command classes
// (`new XxxCommand(`, under any local name) and paginators (`paginateXxx(`) imported from an @aws-sdk/client-* package.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, test } from 'vitest';

const ROOT = join(import.meta.dirname, '..');

/** The IAM service prefix of each SDK client package. */
const SERVICE_PREFIX: Record<string, string> = {
  '@aws-sdk/client-iam': 'iam',
  '@aws-sdk/client-sts': 'sts',
  '@aws-sdk/client-cloudtrail': 'cloudtrail',
  '@aws-sdk/client-account': 'account',
  '@aws-sdk/client-organizations': 'organizations',
  '@aws-sdk/client-sqs': 'sqs',
  '@aws-sdk/client-cloudwatch': 'cloudwatch',
  '@aws-sdk/client-cloudformation': 'cloudformation',
};

/** Operations whose IAM action is not named like the API operation (e.g. S3 ListObjectsV2 -> s3:ListBucket). */
const ACTION_OF_OPERATION: Record<string, string> = {
  // SQS authorizes a batch call with the single action (SQS Developer Guide, "Amazon SQS API permissions").
  'sqs:DeleteMessageBatch': 'sqs:DeleteMessage',
};
/** The events queue statement: its actions apply to the one queue deploy/org-events.yaml creates, not "*". */
const QUEUE_STATEMENT_SID = 'RootEventsQueue';
const QUEUE_ACTIONS = ['sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:ReceiveMessage'];
/** Status reads the depth of the queue's dead-letter queue (org-events.yaml: QueueName-dlq): that one action, on that queue only. */
const DEAD_LETTER_STATEMENT_SID = 'RootEventsDeadLetterQueueDepth';
const DEAD_LETTER_ACTIONS = ['sqs:GetQueueAttributes'];
/** Status reads the member-rules StackSet's instances: that one action, on that StackSet (by name) only. */
const MEMBER_RULES_STATEMENT_SID = 'RootEventsMemberRulesInstances';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Local name -> the package and the name it was exported under, for every named import from an AWS SDK client. */
function sdkImports(source: string): Map<string, { pkg: string; exported: string }> {
  const imported = new Map<string, { pkg: string; exported: string }>();
  for (const match of source.matchAll(/import\s+(?:type\s+)?\{([^}]*)\}\s*from\s*['"](@aws-sdk\/client-[a-z0-9-]+)['"]/g)) {
    for (const specifier of match[1]!.split(',')) {
      const [exported, local] = specifier.trim().replace(/^type\s+/, '').split(/\s+as\s+/);
      if (exported) imported.set((local ?? exported).trim(), { pkg: match[2]!, exported: exported.trim() });
    }
  }
  return imported;
}

interface ActionUse {
  action: string;
  file: string;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The IAM actions a file calls: commands constructed with `new` and paginators called, under whatever local name. */
function actionsUsedBy(file: string, source = readFileSync(file, 'utf8')): ActionUse[] {
  const uses: ActionUse[] = [];
  for (const [local, { pkg, exported }] of sdkImports(source)) {
    const command = /^([A-Z][A-Za-z0-9]*)Command$/.exec(exported);
    const paginator = /^paginate([A-Z][A-Za-z0-9]*)$/.exec(exported);
    const operation = command?.[1] ?? paginator?.[1];
    if (!operation) continue;
    const called = command ? new RegExp(`\\bnew\\s+${escapeRegExp(local)}\\s*\\(`) : new RegExp(`\\b${escapeRegExp(local)}\\s*\\(`);
    if (!called.test(source)) continue;
    const prefix = SERVICE_PREFIX[pkg];
    if (!prefix) throw new Error(`${relative(ROOT, file)} uses ${pkg}: add its IAM service prefix to SERVICE_PREFIX`);
    const key = `${prefix}:${operation}`;
    uses.push({ action: ACTION_OF_OPERATION[key] ?? key, file: relative(ROOT, file) });
  }
  // import * as iam from '@aws-sdk/client-iam' ... new iam.GetCredentialReportCommand(...)
  for (const namespace of source.matchAll(/import\s+\*\s+as\s+(\w+)\s+from\s*['"](@aws-sdk\/client-[a-z0-9-]+)['"]/g)) {
    const prefix = SERVICE_PREFIX[namespace[2]!];
    if (!prefix) throw new Error(`${relative(ROOT, file)} uses ${namespace[2]}: add its IAM service prefix to SERVICE_PREFIX`);
    const calls = new RegExp(`(?:\\bnew\\s+${namespace[1]}\\.([A-Z][A-Za-z0-9]*)Command|\\b${namespace[1]}\\.paginate([A-Z][A-Za-z0-9]*))\\s*\\(`, 'g');
    for (const call of source.matchAll(calls)) {
      const key = `${prefix}:${call[1] ?? call[2]}`;
      uses.push({ action: ACTION_OF_OPERATION[key] ?? key, file: relative(ROOT, file) });
    }
  }
  return uses;
}

/** `new XxxCommand(` calls whose class is not imported straight from an SDK client package (a re-export would hide it from the scan). */
function unresolvedCommands(file: string): string[] {
  const source = readFileSync(file, 'utf8');
  const imported = sdkImports(source);
  return [...source.matchAll(/\bnew\s+([A-Z][A-Za-z0-9]*Command)\s*\(/g)].map((match) => match[1]!).filter((name) => !imported.has(name)).map((name) => `${name} in ${relative(ROOT, file)}`);
}

interface PolicyDocument {
  Version: string;
  Statement: Array<{ Sid?: string; Effect: string; Action: string | string[]; Resource: string | string[]; NotAction?: unknown; Condition?: unknown }>;
}

/** Calls that reach other accounts of the organization: allowed in deploy/bot-role.yaml only, never in iam-policy.json. */
const ORGANIZATION_FILES = new Set(['src/aws/accounts.ts']);
/** Calls made with AssumeRoot credentials: the IAMAuditRootUserCredentials task policy grants them, no file of ours does. */
const ROOT_SESSION_FILES = new Set(['src/posture/root-credential-facts.ts']);
/** What IAMAuditRootUserCredentials allows (IAM User Guide, "Perform a privileged task on a member account"). */
const AUDIT_TASK_POLICY_ACTIONS = ['iam:GetAccessKeyLastUsed', 'iam:GetLoginProfile', 'iam:GetUser', 'iam:ListAccessKeys', 'iam:ListMFADevices', 'iam:ListSigningCertificates'];

const policy = JSON.parse(readFileSync(join(ROOT, 'iam-policy.json'), 'utf8')) as PolicyDocument;
const policyActions = policy.Statement.flatMap((statement) => (Array.isArray(statement.Action) ? statement.Action : [statement.Action]));
const allUses = sourceFiles(join(ROOT, 'src')).flatMap((file) => actionsUsedBy(file));
/** The single-account calls: made with the bot's own credentials in its own account (iam-policy.json). */
const uses = allUses.filter((use) => !ORGANIZATION_FILES.has(use.file) && !ROOT_SESSION_FILES.has(use.file));
const usedActions = new Set(uses.map((use) => use.action));

describe('iam-policy.json', () => {
  test('is a plain Allow policy: version 2012-10-17, no NotAction, no wildcard actions, no duplicates', () => {
    expect(policy.Version).toBe('2012-10-17');
    for (const statement of policy.Statement) {
      expect(statement.Effect).toBe('Allow');
      expect(statement.NotAction).toBeUndefined();
      // The queue's actions name the queue; the read-only account-level actions support no resource-level permissions.
      if (statement.Sid === QUEUE_STATEMENT_SID) {
        expect(statement.Action).toEqual(QUEUE_ACTIONS);
        expect(statement.Resource).toBe('arn:aws:sqs:*:*:aws-root-guard-root-events');
      } else if (statement.Sid === DEAD_LETTER_STATEMENT_SID) {
        expect(statement.Action).toEqual(DEAD_LETTER_ACTIONS);
        expect(statement.Resource).toBe('arn:aws:sqs:*:*:aws-root-guard-root-events-dlq');
      } else if (statement.Sid === MEMBER_RULES_STATEMENT_SID) {
        expect(statement.Resource).toBe('arn:aws:cloudformation:*:*:stackset/aws-root-guard-member-root-event-rules:*');
      } else expect(statement.Resource).toBe('*');
    }
    for (const action of policyActions) expect(action, action).toMatch(/^[a-z0-9-]+:[A-Z][A-Za-z0-9]+$/);
    // Once each; the dead-letter queue's statement repeats one of the queue's actions on another resource.
    const onceEach = policy.Statement.filter((statement) => statement.Sid !== DEAD_LETTER_STATEMENT_SID).flatMap((statement) => (Array.isArray(statement.Action) ? statement.Action : [statement.Action]));
    expect(new Set(onceEach).size).toBe(onceEach.length);
    expect(new Set(onceEach)).toEqual(new Set(policyActions));
  });

  test('the scanner reads multi-line, aliased and type imports, and ignores commands from elsewhere', () => {
    const source = [
      "import {",
      "  GetCredentialReportCommand as ReadReport,",
      "  type ListUsersCommandOutput,",
      "  paginateListUsers,",
      "} from '@aws-sdk/client-iam';",
      "import { LookupEventsCommand } from '@aws-sdk/client-cloudtrail';",
      "import { SendMessageCommand } from './local-queue.js';",
      "import * as account from '@aws-sdk/client-account';",
      "await client.send(new account.GetAlternateContactCommand({}));",
      "await iam.send(new ReadReport({}));",
      "for await (const page of paginateListUsers({ client }, {})) void page;",
      "await cloudTrail.send(new LookupEventsCommand({}));",
      "queue.send(new SendMessageCommand({}));",
    ].join('\n');
    expect(actionsUsedBy(join(ROOT, 'src/example.ts'), source).map((use) => use.action)).toEqual(['iam:GetCredentialReport', 'iam:ListUsers', 'cloudtrail:LookupEvents', 'account:GetAlternateContact']);
  });

  test('the scan finds the SDK calls the code makes (it is not vacuous)', () => {
    expect(usedActions).toContain('iam:GetCredentialReport');
    expect(usedActions).toContain('iam:GenerateCredentialReport');
    expect(usedActions).toContain('cloudtrail:GetTrailStatus');
  });

  test('every command class the code constructs is imported straight from an SDK client (nothing escapes the scan)', () => {
    expect(sourceFiles(join(ROOT, 'src')).flatMap(unresolvedCommands)).toEqual([]);
  });

  test('every AWS action the code calls is allowed', () => {
    const missing = uses.filter((use) => !policyActions.includes(use.action)).map((use) => `${use.action} (${use.file})`);
    expect(missing).toEqual([]);
  });

  test('the policy allows nothing the code does not call', () => {
    expect(policyActions.filter((action) => !usedActions.has(action))).toEqual([]);
  });

  test('the organization files and the root-session files are where the scan says', () => {
    for (const file of [...ORGANIZATION_FILES, ...ROOT_SESSION_FILES]) expect(allUses.some((use) => use.file === file), file).toBe(true);
  });

  test('every write-like action is one the bot needs: iam:GenerateCredentialReport, and taking messages off its own queue', () => {
    const writeLike = policyActions.filter((action) => !/:(Get|List|Describe|Lookup)[A-Z]/.test(action));
    expect(writeLike).toEqual(['iam:GenerateCredentialReport', 'sqs:DeleteMessage', 'sqs:ReceiveMessage']);
  });

  test('the scan sees the SQS source\'s calls (DeleteMessageBatch authorized as sqs:DeleteMessage)', () => {
    for (const action of QUEUE_ACTIONS) expect(uses.filter((use) => use.action === action).map((use) => use.file)).toContain('src/activity/sources/sqs.ts');
  });

  test('the scan sees status\'s reads of the queue: its depth and dead-letter queue, and its oldest message in CloudWatch', () => {
    expect(uses.filter((use) => use.action === 'sqs:GetQueueAttributes').map((use) => use.file)).toContain('src/activity/sources/queue-health.ts');
    expect(uses.filter((use) => use.action === 'cloudwatch:GetMetricData').map((use) => use.file)).toEqual(['src/activity/sources/queue-oldest-message.ts']);
    // GetMetricData supports no resource-level permissions: its statement is on "*".
    expect(policy.Statement.filter((statement) => [statement.Action].flat().includes('cloudwatch:GetMetricData')).map((statement) => statement.Resource)).toEqual(['*']);
  });

  test('the scan sees status\'s read of the member-rules StackSet, allowed on that StackSet only', () => {
    expect(uses.filter((use) => use.action === 'cloudformation:ListStackInstances').map((use) => use.file)).toEqual(['src/activity/sources/queue-member-rules.ts']);
    // ListStackInstances takes the stackset resource (arn:…:stackset/NAME:ID): the name deploy/org-events.yaml gives it.
    expect(policy.Statement.filter((statement) => [statement.Action].flat().includes('cloudformation:ListStackInstances'))).toEqual([
      { Sid: MEMBER_RULES_STATEMENT_SID, Effect: 'Allow', Action: ['cloudformation:ListStackInstances'], Resource: 'arn:aws:cloudformation:*:*:stackset/aws-root-guard-member-root-event-rules:*' },
    ]);
  });
});

// The CloudFormation templates, parsed with their short-form intrinsic functions (!Ref, !Sub, !If, ...) read as the
// long form ({ Ref: ... }, { 'Fn::Sub': ... }). npm has no CloudFormation linter (cfn-lint is Python; the cfn*
// packages there build or diff templates), so the test checks the template's structure and its policy documents.
const INTRINSICS: Array<[tag: string, key: string]> = [
  ['!Ref', 'Ref'], ['!Sub', 'Fn::Sub'], ['!GetAtt', 'Fn::GetAtt'], ['!If', 'Fn::If'], ['!Not', 'Fn::Not'], ['!Equals', 'Fn::Equals'], ['!Join', 'Fn::Join'],
];
const CLOUDFORMATION_TAGS = INTRINSICS.flatMap(([tag, key]) =>
  (['scalar', 'seq', 'map'] as const).map((collection) => ({
    tag,
    collection: collection === 'scalar' ? undefined : collection,
    resolve: (value: unknown) => ({ [key]: key === 'Fn::GetAtt' && typeof value === 'string' ? value.split('.') : value }),
  })),
);

interface TemplateStatement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource?: unknown;
  Principal?: unknown;
  Condition?: unknown;
  NotAction?: unknown;
}
interface RoleResource {
  Type: string;
  Properties: { AssumeRolePolicyDocument: { Version: string; Statement: TemplateStatement[] }; Policies: Array<{ PolicyName: string; PolicyDocument: { Version: string; Statement: TemplateStatement[] } }>; RoleName?: unknown };
}
interface Template {
  AWSTemplateFormatVersion: string;
  Parameters: Record<string, { Type: string; Default?: string }>;
  Conditions?: Record<string, unknown>;
  Resources: Record<string, RoleResource>;
  Outputs: Record<string, unknown>;
}

async function loadTemplate(name: string): Promise<Template> {
  const { parse } = await import('yaml');
  return parse(readFileSync(join(ROOT, 'deploy', name), 'utf8'), { customTags: CLOUDFORMATION_TAGS as never }) as Template;
}

function statementsOf(template: Template): TemplateStatement[] {
  return Object.values(template.Resources)
    .filter((resource) => resource.Type === 'AWS::IAM::Role')
    .flatMap((role) => role.Properties.Policies.flatMap((attached) => attached.PolicyDocument.Statement));
}

const actionsOf = (statements: TemplateStatement[]) => statements.flatMap((statement) => (Array.isArray(statement.Action) ? statement.Action : [statement.Action]));

/** Every Ref and Fn::Sub ${Name} in a template part must name a parameter, a condition's resource or a pseudo parameter. */
function referencedNames(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(referencedNames);
  if (!value || typeof value !== 'object') return [];
  const record = value as Record<string, unknown>;
  const own: string[] = [];
  if (typeof record.Ref === 'string') own.push(record.Ref);
  const sub = record['Fn::Sub'];
  if (typeof sub === 'string') own.push(...[...sub.matchAll(/\$\{([^}!]+)\}/g)].map((match) => match[1]!));
  return [...own, ...Object.values(record).flatMap(referencedNames)];
}

/** Actions the member role must allow: what posture reads through it, plus LookupEvents for root activity (#8). */
const MEMBER_ROLE_ACTIONS = new Set([...usedActions].filter((action) => uses.some((use) => use.action === action && use.file.startsWith('src/posture/'))));
// Read once from the bot's own account for every member (a member cannot read the organization's features), and
// GetCallerIdentity needs no permission: neither belongs in the member role.
MEMBER_ROLE_ACTIONS.delete('iam:ListOrganizationsFeatures');
MEMBER_ROLE_ACTIONS.delete('sts:GetCallerIdentity');
MEMBER_ROLE_ACTIONS.add('cloudtrail:LookupEvents');
// The organization poller lists a member's enabled Regions through its role when AWS_REGIONS is empty.
MEMBER_ROLE_ACTIONS.add('account:ListRegions');

describe('deploy/*.yaml', () => {
  test('both parse as CloudFormation with IAM roles, every reference resolving to a parameter or pseudo parameter', async () => {
    for (const name of ['member-role.yaml', 'bot-role.yaml']) {
      const template = await loadTemplate(name);
      expect(template.AWSTemplateFormatVersion).toBe('2010-09-09');
      const known = new Set([...Object.keys(template.Parameters), ...Object.keys(template.Resources), 'AWS::Partition', 'AWS::AccountId', 'AWS::Region', 'AWS::NoValue']);
      expect(referencedNames(template.Resources).filter((reference) => !known.has(reference)), name).toEqual([]);
      for (const condition of JSON.stringify(template.Resources).matchAll(/"Fn::If":\["([^"]+)"/g)) expect(Object.keys(template.Conditions ?? {}), name).toContain(condition[1]);
      for (const statement of statementsOf(template)) {
        expect(statement.Effect, name).toBe('Allow');
        expect(statement.NotAction, name).toBeUndefined();
        for (const action of actionsOf([statement])) expect(action, name).toMatch(/^[a-z0-9-]+:[A-Z][A-Za-z0-9]+$/);
      }
      const onceEach = actionsOf(statementsOf(template).filter((statement) => statement.Sid !== DEAD_LETTER_STATEMENT_SID));
      expect(new Set(onceEach).size, `${name} lists an action twice`).toBe(onceEach.length);
    }
  });

  test('member-role.yaml: trusts only the bot role given as a parameter, and allows exactly the reads made through it', async () => {
    const template = await loadTemplate('member-role.yaml');
    const roles = Object.values(template.Resources).filter((resource) => resource.Type === 'AWS::IAM::Role');
    expect(roles).toHaveLength(1);
    const trust = roles[0]!.Properties.AssumeRolePolicyDocument.Statement;
    expect(trust).toHaveLength(1);
    expect(trust[0]).toMatchObject({ Effect: 'Allow', Principal: { AWS: { Ref: 'BotRoleArn' } }, Action: 'sts:AssumeRole' });
    expect(template.Parameters.RoleName!.Default).toBe('aws-root-guard-audit');
    expect(new Set(actionsOf(statementsOf(template)))).toEqual(MEMBER_ROLE_ACTIONS);
    // Read-only: the one exception asks IAM to build the credential report.
    expect(actionsOf(statementsOf(template)).filter((action) => !/:(Get|List|Describe|Lookup)[A-Z]/.test(action))).toEqual(['iam:GenerateCredentialReport']);
  });

  test('bot-role.yaml: the single-account policy, the organization reads, AssumeRole on the member role in the organization, AssumeRoot for the audit task only', async () => {
    const template = await loadTemplate('bot-role.yaml');
    const statements = statementsOf(template);
    const organizationActions = allUses.filter((use) => ORGANIZATION_FILES.has(use.file)).map((use) => use.action);
    // sts:AssumeRole is among them: accounts.ts assumes the member role itself, with one shared STS client.
    const expected = new Set([...policyActions, ...organizationActions]);
    expect(organizationActions).toContain('sts:AssumeRole');
    expect(new Set(actionsOf(statements))).toEqual(expected);

    const assumeRole = statements.filter((statement) => actionsOf([statement]).includes('sts:AssumeRole'));
    expect(assumeRole).toHaveLength(1);
    expect(assumeRole[0]!.Resource).toEqual({ 'Fn::Sub': 'arn:${AWS::Partition}:iam::*:role/${MemberRoleName}' });
    expect(assumeRole[0]!.Condition).toEqual({ StringEquals: { 'aws:ResourceOrgID': { Ref: 'OrganizationId' } } });
    expect(template.Parameters.MemberRoleName!.Default).toBe('aws-root-guard-audit');

    const assumeRoot = statements.filter((statement) => actionsOf([statement]).includes('sts:AssumeRoot'));
    expect(assumeRoot).toHaveLength(1);
    expect(actionsOf(assumeRoot)).toEqual(['sts:AssumeRoot']);
    expect(assumeRoot[0]!.Condition).toEqual({ StringEquals: { 'sts:TaskPolicyArn': { 'Fn::Sub': 'arn:${AWS::Partition}:iam::aws:policy/root-task/IAMAuditRootUserCredentials' } } });

    const queue = statements.filter((statement) => statement.Sid === QUEUE_STATEMENT_SID);
    expect(queue).toHaveLength(1);
    expect(actionsOf(queue)).toEqual(QUEUE_ACTIONS);
    expect(queue[0]!.Resource).toEqual({ 'Fn::Sub': 'arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:${EventsQueueName}' });

    const deadLetter = statements.filter((statement) => statement.Sid === DEAD_LETTER_STATEMENT_SID);
    expect(deadLetter).toHaveLength(1);
    expect(actionsOf(deadLetter)).toEqual(DEAD_LETTER_ACTIONS);
    expect(deadLetter[0]!.Resource).toEqual({ 'Fn::Sub': 'arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:${EventsQueueName}-dlq' });

    const memberRules = statements.filter((statement) => statement.Sid === MEMBER_RULES_STATEMENT_SID);
    expect(memberRules).toHaveLength(1);
    expect(actionsOf(memberRules)).toEqual(['cloudformation:ListStackInstances']);
    expect(memberRules[0]!.Resource).toEqual({ 'Fn::Sub': 'arn:${AWS::Partition}:cloudformation:${AWS::Region}:*:stackset/${EventsStackSetName}:*' });
    expect(template.Parameters.EventsStackSetName!.Default).toBe('aws-root-guard-member-root-event-rules');

    // Everything else in the role applies to resource "*": these reads support no resource-level permissions.
    for (const statement of statements.filter((candidate) => ![...assumeRole, ...assumeRoot, ...queue, ...deadLetter, ...memberRules].includes(candidate))) expect(statement.Resource).toBe('*');
  });

  test('the root session calls stay inside IAMAuditRootUserCredentials and in no policy of ours', async () => {
    const rootSessionActions = allUses.filter((use) => ROOT_SESSION_FILES.has(use.file)).map((use) => use.action);
    expect(rootSessionActions.length).toBeGreaterThan(0);
    for (const action of rootSessionActions) expect(AUDIT_TASK_POLICY_ACTIONS).toContain(action);
    const everyPolicy = [...policyActions, ...actionsOf(statementsOf(await loadTemplate('member-role.yaml'))), ...actionsOf(statementsOf(await loadTemplate('bot-role.yaml')))];
    for (const action of rootSessionActions) expect(everyPolicy, action).not.toContain(action);
  });
});

describe('deploy/org-events.yaml', () => {
  interface Resource {
    Type: string;
    Properties: Record<string, unknown>;
  }
  const load = async () => (await loadTemplate('org-events.yaml')) as unknown as { Parameters: Record<string, { Default?: unknown }>; Resources: Record<string, Resource>; Outputs: Record<string, unknown> };

  test('every reference resolves; the bus takes events from the organization only; the queue from its rule only, with a DLQ', async () => {
    const template = await load();
    const known = new Set([...Object.keys(template.Parameters), ...Object.keys(template.Resources), 'AWS::Partition', 'AWS::AccountId', 'AWS::Region']);
    const { TemplateBody: memberTemplateText, ...stackSetRest } = template.Resources.MemberRules!.Properties;
    expect(referencedNames({ ...template.Resources, MemberRules: stackSetRest }).filter((name) => !known.has(name))).toEqual([]);

    const busPolicy = template.Resources.RootEventsBusPolicy!.Properties.Statement as TemplateStatement;
    expect(busPolicy).toMatchObject({ Effect: 'Allow', Action: 'events:PutEvents', Condition: { StringEquals: { 'aws:PrincipalOrgID': { Ref: 'OrganizationId' } } } });

    const queue = template.Resources.RootEventsQueue!.Properties;
    expect(queue.QueueName).toEqual({ Ref: 'QueueName' });
    expect(template.Parameters.QueueName!.Default).toBe('aws-root-guard-root-events');
    expect(queue.RedrivePolicy).toEqual({ deadLetterTargetArn: { 'Fn::GetAtt': ['RootEventsDeadLetterQueue', 'Arn'] }, maxReceiveCount: { Ref: 'MaxReceiveCount' } });
    expect(queue.ReceiveMessageWaitTimeSeconds).toBe(20);
    // The name the bot's policies allow status to read the dead-letter queue's depth by.
    expect(template.Resources.RootEventsDeadLetterQueue!.Properties.QueueName).toEqual({ 'Fn::Sub': '${QueueName}-dlq' });

    const rule = template.Resources.RootEventsToQueueRule!.Properties as { Targets: Array<{ Arn: unknown }>; EventBusName: unknown };
    expect(rule.EventBusName).toEqual({ Ref: 'RootEventsBus' });
    expect(rule.Targets.map((target) => target.Arn)).toEqual([{ 'Fn::GetAtt': ['RootEventsQueue', 'Arn'] }]);
    const queuePolicy = (template.Resources.RootEventsQueuePolicy!.Properties.PolicyDocument as { Statement: TemplateStatement[] }).Statement;
    expect(queuePolicy).toHaveLength(1);
    expect(queuePolicy[0]).toMatchObject({ Principal: { Service: 'events.amazonaws.com' }, Action: 'sqs:SendMessage', Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': ['RootEventsToQueueRule', 'Arn'] } } } });
    expect(template.Outputs.QueueUrl).toMatchObject({ Value: { Ref: 'RootEventsQueue' } });

    // The member template (the StackSet's body): root activity and AssumeRoot, forwarded to the central bus.
    const { parse } = await import('yaml');
    const member = parse(memberTemplateText as string, { customTags: CLOUDFORMATION_TAGS as never }) as { Parameters: Record<string, unknown>; Resources: Record<string, Resource> };
    const memberKnown = new Set([...Object.keys(member.Parameters), ...Object.keys(member.Resources), 'AWS::Region']);
    expect(referencedNames(member.Resources).filter((name) => !memberKnown.has(name))).toEqual([]);
    expect(member.Resources.RootActivityRule!.Properties.EventPattern).toEqual({ 'detail-type': ['AWS API Call via CloudTrail', 'AWS Console Sign In via CloudTrail'], detail: { userIdentity: { type: ['Root'] } } });
    expect(member.Resources.AssumeRootRule!.Properties.EventPattern).toEqual({ source: ['aws.sts'], 'detail-type': ['AWS API Call via CloudTrail'], detail: { eventSource: ['sts.amazonaws.com'], eventName: ['AssumeRoot'] } });
    const forward = (member.Resources.ForwardRole!.Properties.Policies as Array<{ PolicyDocument: { Statement: TemplateStatement[] } }>).flatMap((attached) => attached.PolicyDocument.Statement);
    expect(forward).toEqual([{ Effect: 'Allow', Action: 'events:PutEvents', Resource: { Ref: 'CentralEventBusArn' } }]);
    expect(template.Resources.MemberRules!.Properties.PermissionModel).toBe('SERVICE_MANAGED');
  });
});
