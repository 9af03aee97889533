// An AWS Organization for the fake: member accounts (each a whole FakeAwsState behind the member role), OUs, the
// Organizations read operations (AWS JSON 1.1, X-Amz-Target AWSOrganizationsV20161128.<Operation>), sts:AssumeRole
// into a role that exists or not, and centralized root access (root-sessions.ts).
// Shapes: Organizations API Reference (API_DescribeOrganization, API_ListAccounts, API_ListRoots,
// API_ListOrganizationalUnitsForParent, API_ListChildren), STS API Reference (API_AssumeRole).
import { randomBytes } from 'node:crypto';
import { AwsErrorReply } from './errors.js';
import { createRootSessionAuthority, hardenedRootUser, type FakeRootUser, type RootSessionAuthority } from './root-sessions.js';
import { hardenedAccount } from './scenarios.js';
import type { FakeAwsState } from './state.js';
import type { XmlValue } from './xml.js';

export interface FakeMember {
  id: string;
  name: string;
  email: string;
  /** The root ("r-…") or OU ("ou-…") the account sits in. */
  parentId: string;
  /** Organizations' account State. */
  state: 'ACTIVE' | 'SUSPENDED' | 'PENDING_CLOSURE' | 'CLOSED';
  /** Role names that exist in the member: AssumeRole into any other answers AccessDenied. */
  roles: string[];
  /** The member's own APIs, as its role sees them. */
  aws: FakeAwsState;
}

export interface FakeOrganization {
  id: string;
  rootId: string;
  managementAccountId: string;
  units: Array<{ id: string; name: string; parentId: string }>;
  members: Map<string, FakeMember>;
  rootSessions: RootSessionAuthority;
  /** Access key id -> the member account and role AssumeRole issued it for. */
  roleSessions: Map<string, { accountId: string; roleArn: string; expiresAt: Date }>;
}

export function createFakeOrganization(managementAccountId: string): FakeOrganization {
  return {
    id: 'o-exampleorgid1',
    rootId: 'r-ex4m',
    managementAccountId,
    units: [],
    members: new Map(),
    rootSessions: createRootSessionAuthority(),
    roleSessions: new Map(),
  };
}

export interface MemberSpec {
  id: string;
  name?: string;
  parentId?: string;
  state?: FakeMember['state'];
  roles?: string[];
  aws?: FakeAwsState;
  root?: FakeRootUser;
}

/** Adds a member with the default member role, a hardened account behind it and a hardened root user. */
export function addMember(organization: FakeOrganization, spec: MemberSpec): FakeMember {
  const name = spec.name ?? `member-${spec.id.slice(-4)}`;
  const member: FakeMember = {
    id: spec.id,
    name,
    email: `${name}@example.com`,
    parentId: spec.parentId ?? organization.rootId,
    state: spec.state ?? 'ACTIVE',
    roles: spec.roles ?? ['aws-root-guard-audit'],
    aws: spec.aws ?? { ...hardenedAccount(), accountId: spec.id },
  };
  organization.members.set(spec.id, member);
  organization.rootSessions.rootUsers.set(spec.id, spec.root ?? hardenedRootUser(spec.id));
  return member;
}

function page<T>(items: T[], body: Record<string, unknown>, defaultMax = 20): { items: T[]; NextToken?: string } {
  const start = typeof body.NextToken === 'string' ? Number(Buffer.from(body.NextToken, 'base64').toString('utf8')) : 0;
  if (!Number.isInteger(start) || start < 0) throw new AwsErrorReply('InvalidInputException', 'You provided an invalid value for NextToken.', 400);
  const max = typeof body.MaxResults === 'number' ? body.MaxResults : defaultMax;
  const end = start + max;
  return { items: items.slice(start, end), ...(end < items.length ? { NextToken: Buffer.from(String(end)).toString('base64') } : {}) };
}

/** Organizations' JSON answers write timestamps as epoch seconds. */
const epoch = (date: Date) => date.getTime() / 1000;
const JOINED = new Date('2024-03-01T00:00:00Z');

function accountShape(organization: FakeOrganization, id: string, name: string, email: string, state: string) {
  // Status is being retired for State (September 2026); both are still sent.
  const status = state === 'ACTIVE' ? 'ACTIVE' : state === 'PENDING_CLOSURE' ? 'PENDING_CLOSURE' : 'SUSPENDED';
  return { Id: id, Arn: `arn:aws:organizations::${organization.managementAccountId}:account/${organization.id}/${id}`, Email: email, Name: name, Status: status, State: state, JoinedMethod: 'CREATED', JoinedTimestamp: epoch(JOINED) };
}

function knownParent(organization: FakeOrganization, parentId: unknown): string {
  if (typeof parentId !== 'string' || (parentId !== organization.rootId && !organization.units.some((unit) => unit.id === parentId))) {
    throw new AwsErrorReply('ParentNotFoundException', 'We can\'t find a root or OU with the ParentId that you specified.', 400);
  }
  return parentId;
}

export function organizationsOperation(organization: FakeOrganization, operation: string, body: Record<string, unknown>): object {
  switch (operation) {
    case 'DescribeOrganization':
      return {
        Organization: {
          Id: organization.id,
          Arn: `arn:aws:organizations::${organization.managementAccountId}:organization/${organization.id}`,
          FeatureSet: 'ALL',
          MasterAccountArn: `arn:aws:organizations::${organization.managementAccountId}:account/${organization.id}/${organization.managementAccountId}`,
          MasterAccountId: organization.managementAccountId,
          MasterAccountEmail: 'management@example.com',
        },
      };
    case 'ListAccounts': {
      const all = [
        accountShape(organization, organization.managementAccountId, 'management', 'management@example.com', 'ACTIVE'),
        ...[...organization.members.values()].map((member) => accountShape(organization, member.id, member.name, member.email, member.state)),
      ];
      const { items, NextToken } = page(all, body);
      return { Accounts: items, ...(NextToken ? { NextToken } : {}) };
    }
    case 'ListRoots':
      return { Roots: [{ Id: organization.rootId, Arn: `arn:aws:organizations::${organization.managementAccountId}:root/${organization.id}/${organization.rootId}`, Name: 'Root', PolicyTypes: [] }] };
    case 'ListOrganizationalUnitsForParent': {
      const parentId = knownParent(organization, body.ParentId);
      const units = organization.units
        .filter((unit) => unit.parentId === parentId)
        .map((unit) => ({ Id: unit.id, Arn: `arn:aws:organizations::${organization.managementAccountId}:ou/${organization.id}/${unit.id}`, Name: unit.name }));
      const { items, NextToken } = page(units, body);
      return { OrganizationalUnits: items, ...(NextToken ? { NextToken } : {}) };
    }
    case 'ListChildren': {
      const parentId = knownParent(organization, body.ParentId);
      if (body.ChildType !== 'ACCOUNT' && body.ChildType !== 'ORGANIZATIONAL_UNIT') throw new AwsErrorReply('InvalidInputException', 'ChildType must be ACCOUNT or ORGANIZATIONAL_UNIT.', 400);
      const children =
        body.ChildType === 'ACCOUNT'
          ? [...(parentId === organization.rootId ? [organization.managementAccountId] : []), ...[...organization.members.values()].filter((member) => member.parentId === parentId).map((member) => member.id)]
          : organization.units.filter((unit) => unit.parentId === parentId).map((unit) => unit.id);
      const { items, NextToken } = page(children.map((id) => ({ Id: id, Type: body.ChildType })), body);
      return { Children: items, ...(NextToken ? { NextToken } : {}) };
    }
    default:
      throw new AwsErrorReply('InvalidAction', `The fake does not implement organizations:${operation}`, 400);
  }
}

/** sts:AssumeRole: credentials for a role that exists in an ACTIVE member, AccessDenied otherwise (as STS answers a missing role). */
export function assumeRole(organization: FakeOrganization, params: Record<string, string>, callerArn: string, now: Date): { [name: string]: XmlValue } {
  const roleArn = params.RoleArn ?? '';
  const match = /^arn:aws:iam::(\d{12}):role\/(.+)$/.exec(roleArn);
  const sessionName = params.RoleSessionName ?? '';
  if (!match) throw new AwsErrorReply('ValidationError', `${roleArn} is invalid`, 400);
  const [, accountId, roleName] = match as unknown as [string, string, string];
  const member = organization.members.get(accountId);
  if (member?.state !== 'ACTIVE' || !member.roles.includes(roleName)) {
    throw new AwsErrorReply('AccessDenied', `User: ${callerArn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`, 403);
  }
  const duration = params.DurationSeconds ? Number(params.DurationSeconds) : 3600;
  const id = `ASIA${randomBytes(8).toString('hex').toUpperCase()}`;
  const expiresAt = new Date(now.getTime() + duration * 1000);
  organization.roleSessions.set(id, { accountId, roleArn, expiresAt });
  return {
    Credentials: { AccessKeyId: id, SecretAccessKey: randomBytes(30).toString('base64'), SessionToken: `FwoGZXIvYXdzE${randomBytes(40).toString('base64')}`, Expiration: expiresAt },
    AssumedRoleUser: { AssumedRoleId: `AROA${accountId}EXAMPLE:${sessionName}`, Arn: `arn:aws:sts::${accountId}:assumed-role/${roleName}/${sessionName}` },
    PackedPolicySize: undefined,
  };
}
