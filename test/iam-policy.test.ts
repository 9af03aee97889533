// iam-policy.json is the least-privilege policy the bot needs: every AWS action the code calls is in it,
// and nothing else is. The code's actions are found by scanning src/ for SDK command classes
// (`new XxxCommand(`) and paginators (`paginateXxx(`) imported from an @aws-sdk/client-* package.
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

/** Local name -> package for every named import from an AWS SDK client package. */
function sdkImports(source: string): Map<string, string> {
  const imported = new Map<string, string>();
  for (const match of source.matchAll(/import\s+(?:type\s+)?\{([^}]*)\}\s*from\s*['"](@aws-sdk\/client-[a-z0-9-]+)['"]/g)) {
    for (const specifier of match[1]!.split(',')) {
      const parts = specifier.trim().replace(/^type\s+/, '').split(/\s+as\s+/);
      const local = (parts[1] ?? parts[0])!.trim();
      if (local) imported.set(local, match[2]!);
    }
  }
  return imported;
}

interface ActionUse {
  action: string;
  file: string;
}

function actionsUsedBy(file: string): ActionUse[] {
  const source = readFileSync(file, 'utf8');
  const imported = sdkImports(source);
  const uses: ActionUse[] = [];
  const record = (localName: string, operation: string) => {
    const pkg = imported.get(localName);
    if (!pkg) return;
    const prefix = SERVICE_PREFIX[pkg];
    if (!prefix) throw new Error(`${relative(ROOT, file)} uses ${pkg}: add its IAM service prefix to SERVICE_PREFIX`);
    const key = `${prefix}:${operation}`;
    uses.push({ action: ACTION_OF_OPERATION[key] ?? key, file: relative(ROOT, file) });
  };
  for (const match of source.matchAll(/new\s+([A-Z][A-Za-z0-9]*)Command\s*\(/g)) record(`${match[1]}Command`, match[1]!);
  for (const match of source.matchAll(/\bpaginate([A-Z][A-Za-z0-9]*)\s*\(/g)) record(`paginate${match[1]}`, match[1]!);
  return uses;
}

interface PolicyDocument {
  Version: string;
  Statement: Array<{ Sid?: string; Effect: string; Action: string | string[]; Resource: string | string[]; NotAction?: unknown; Condition?: unknown }>;
}

const policy = JSON.parse(readFileSync(join(ROOT, 'iam-policy.json'), 'utf8')) as PolicyDocument;
const policyActions = policy.Statement.flatMap((statement) => (Array.isArray(statement.Action) ? statement.Action : [statement.Action]));
const uses = sourceFiles(join(ROOT, 'src')).flatMap(actionsUsedBy);
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

  test('the scan finds the SDK calls the code makes (it is not vacuous)', () => {
    expect(usedActions).toContain('iam:GetCredentialReport');
    expect(usedActions).toContain('iam:GenerateCredentialReport');
    expect(usedActions).toContain('cloudtrail:GetTrailStatus');
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
