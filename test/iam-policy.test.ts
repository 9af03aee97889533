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
};

/** Operations whose IAM action is not named like the API operation (none of ours yet; e.g. S3 ListObjectsV2 -> s3:ListBucket). */
const ACTION_OF_OPERATION: Record<string, string> = {};

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

const policy = JSON.parse(readFileSync(join(ROOT, 'iam-policy.json'), 'utf8')) as PolicyDocument;
const policyActions = policy.Statement.flatMap((statement) => (Array.isArray(statement.Action) ? statement.Action : [statement.Action]));
const uses = sourceFiles(join(ROOT, 'src')).flatMap((file) => actionsUsedBy(file));
const usedActions = new Set(uses.map((use) => use.action));

describe('iam-policy.json', () => {
  test('is a plain Allow policy: version 2012-10-17, no NotAction, no wildcard actions, no duplicates', () => {
    expect(policy.Version).toBe('2012-10-17');
    for (const statement of policy.Statement) {
      expect(statement.Effect).toBe('Allow');
      expect(statement.NotAction).toBeUndefined();
      // These read-only account-level actions support no resource-level permissions: Resource "*" is the only choice.
      expect(statement.Resource).toBe('*');
    }
    for (const action of policyActions) expect(action, action).toMatch(/^[a-z0-9-]+:[A-Z][A-Za-z0-9]+$/);
    expect(new Set(policyActions).size).toBe(policyActions.length);
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

  test('every write-like action is one the bot needs: only iam:GenerateCredentialReport', () => {
    const writeLike = policyActions.filter((action) => !/:(Get|List|Describe|Lookup)[A-Z]/.test(action));
    expect(writeLike).toEqual(['iam:GenerateCredentialReport']);
  });
});
