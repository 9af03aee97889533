// Centralized root access for the fakes: sts:AssumeRoot (STS Query API, AssumeRootResponse/AssumeRootResult/
// Credentials) and the IAM answers about a member's root user that its session credentials get when no UserName is
// given. moto has neither. The task policy is enforced: a session answers only the actions of the task policy it was
// issued for (IAMAuditRootUserCredentials: GetUser, GetLoginProfile, ListAccessKeys, GetAccessKeyLastUsed,
// ListMFADevices, ListSigningCertificates); anything else is AccessDenied, as AWS answers it.
// Shapes: STS API Reference API_AssumeRoot; IAM API Reference API_GetLoginProfile, API_GetUser, API_ListAccessKeys,
// API_GetAccessKeyLastUsed, API_ListMFADevices, API_ListSigningCertificates.
import { randomBytes } from 'node:crypto';
import { AwsErrorReply } from './errors.js';
import type { XmlValue } from './xml.js';

export const TASK_POLICY_PREFIX = 'arn:aws:iam::aws:policy/root-task/';

/** What each task policy allows (IAM User Guide, "AWS managed policies for privileged tasks"). */
export const TASK_POLICY_ACTIONS: Record<string, readonly string[]> = {
  IAMAuditRootUserCredentials: ['GetUser', 'GetLoginProfile', 'ListAccessKeys', 'GetAccessKeyLastUsed', 'ListMFADevices', 'ListSigningCertificates'],
  IAMDeleteRootUserCredentials: ['GetUser', 'GetLoginProfile', 'ListAccessKeys', 'GetAccessKeyLastUsed', 'ListMFADevices', 'ListSigningCertificates', 'DeleteLoginProfile', 'DeleteAccessKey', 'DeactivateMFADevice', 'DeleteSigningCertificate'],
  IAMCreateRootUserPassword: ['GetUser', 'GetLoginProfile', 'CreateLoginProfile'],
  S3UnlockBucketPolicy: [],
  SQSUnlockQueuePolicy: [],
};

/** A member account's root user, as its root session sees it. */
export interface FakeRootUser {
  password: { createDate: Date; lastUsed: Date | null } | null;
  accessKeys: Array<{ accessKeyId: string; status: 'Active' | 'Inactive'; createDate: Date; lastUsed: { date: Date; region: string; service: string } | null }>;
  /** Serial numbers: `arn:aws:iam::ID:mfa/NAME` (virtual), `arn:aws:iam::ID:u2f/root/NAME-…` (FIDO), or a bare hardware serial. */
  mfaDevices: Array<{ serialNumber: string; enableDate: Date }>;
  signingCertificates: Array<{ certificateId: string; status: 'Active' | 'Inactive'; uploadDate: Date }>;
  createDate: Date;
}

export interface IssuedRootSession {
  accountId: string;
  taskPolicy: string;
  expiresAt: Date;
}

/** A root user whose credentials centralized root access removed: no password, keys, devices or certificates. */
export function removedRootUser(now: Date = new Date()): FakeRootUser {
  return { password: null, accessKeys: [], mfaDevices: [], signingCertificates: [], createDate: new Date(now.getTime() - 400 * 86_400_000) };
}

export function hardenedRootUser(accountId: string, now: Date = new Date()): FakeRootUser {
  return {
    password: { createDate: new Date(now.getTime() - 300 * 86_400_000), lastUsed: new Date(now.getTime() - 200 * 86_400_000) },
    accessKeys: [],
    mfaDevices: [{ serialNumber: `arn:aws:iam::${accountId}:u2f/root/YubiKey-ABCDEFGHIJKLMNOPQRSTUVWXYZ`, enableDate: new Date(now.getTime() - 299 * 86_400_000) }],
    signingCertificates: [],
    createDate: new Date(now.getTime() - 400 * 86_400_000),
  };
}

export interface RootSessionAuthority {
  /** Member root users by account id; a member missing here is not in the organization. */
  rootUsers: Map<string, FakeRootUser>;
  /** Whether the organization has RootSessions on (AssumeRoot answers AccessDenied otherwise). */
  rootSessionsEnabled: boolean;
  sessions: Map<string, IssuedRootSession>;
  /** sts:AssumeRoot as the caller `callerArn` asked for it. */
  assumeRoot(params: Record<string, string>, callerArn: string, now: Date): { [name: string]: XmlValue };
  /** The session an access key id belongs to, if AssumeRoot issued it. */
  session(accessKeyId: string): IssuedRootSession | undefined;
  /** An IAM call signed with a root session's credentials. */
  rootIam(session: IssuedRootSession, operation: string, params: Record<string, string>, now: Date): { [name: string]: XmlValue } | null;
}

function accessKeyId(prefix: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  return prefix + Array.from(randomBytes(16), (byte) => alphabet[byte % alphabet.length]).join('');
}

function denied(callerArn: string, action: string, resource: string, why = 'because no identity-based policy allows the action'): AwsErrorReply {
  return new AwsErrorReply('AccessDenied', `User: ${callerArn} is not authorized to perform: ${action} on resource: ${resource} ${why}`, 403);
}

export function createRootSessionAuthority(rootUsers = new Map<string, FakeRootUser>()): RootSessionAuthority {
  const sessions = new Map<string, IssuedRootSession>();
  const authority: RootSessionAuthority = {
    rootUsers,
    rootSessionsEnabled: true,
    sessions,
    session: (id) => sessions.get(id),

    assumeRoot(params, callerArn, now) {
      const target = params.TargetPrincipal ?? '';
      const taskArn = params['TaskPolicyArn.arn'] ?? '';
      const duration = params.DurationSeconds ? Number(params.DurationSeconds) : 900;
      if (!/^\d{12}$/.test(target)) throw new AwsErrorReply('ValidationError', `1 validation error detected: Value '${target}' at 'targetPrincipal' failed to satisfy constraint: Member must satisfy regular expression pattern: \\d{12}`, 400);
      if (!taskArn.startsWith(TASK_POLICY_PREFIX) || !(taskArn.slice(TASK_POLICY_PREFIX.length) in TASK_POLICY_ACTIONS)) {
        throw new AwsErrorReply('ValidationError', `The task policy ${taskArn} is not a supported root task policy.`, 400);
      }
      if (!Number.isInteger(duration) || duration < 0 || duration > 900) {
        throw new AwsErrorReply('ValidationError', `1 validation error detected: Value '${params.DurationSeconds}' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 900`, 400);
      }
      const resource = `arn:aws:iam::${target}:root`;
      if (!authority.rootSessionsEnabled) throw denied(callerArn, 'sts:AssumeRoot', resource, 'because centralized root access (RootSessions) is not enabled for the organization');
      if (!rootUsers.has(target)) throw denied(callerArn, 'sts:AssumeRoot', resource, 'because the target account is not a member of the organization');
      const id = accessKeyId('ASIA');
      const expiresAt = new Date(now.getTime() + duration * 1000);
      sessions.set(id, { accountId: target, taskPolicy: taskArn.slice(TASK_POLICY_PREFIX.length), expiresAt });
      return {
        Credentials: {
          AccessKeyId: id,
          SecretAccessKey: randomBytes(30).toString('base64'),
          SessionToken: `IQoJb3JpZ2luX2Vj${randomBytes(48).toString('base64')}`,
          Expiration: expiresAt,
        },
      };
    },

    rootIam(session, operation, params, now) {
      const callerArn = `arn:aws:sts::${session.accountId}:root`;
      if (session.expiresAt.getTime() <= now.getTime()) throw new AwsErrorReply('ExpiredToken', 'The security token included in the request is expired', 403);
      if (!(TASK_POLICY_ACTIONS[session.taskPolicy] ?? []).includes(operation)) {
        throw denied(callerArn, `iam:${operation}`, `arn:aws:iam::${session.accountId}:root`, `because no session policy allows the iam:${operation} action`);
      }
      if (params.UserName) throw denied(callerArn, `iam:${operation}`, `arn:aws:iam::${session.accountId}:user/${params.UserName}`, 'because a root session acts on the root user only');
      const root = rootUsers.get(session.accountId)!;
      const rootArn = `arn:aws:iam::${session.accountId}:root`;
      switch (operation) {
        case 'GetUser':
          return { User: { Path: '/', UserName: undefined, UserId: session.accountId, Arn: rootArn, CreateDate: root.createDate, PasswordLastUsed: root.password?.lastUsed ?? undefined } };
        case 'GetLoginProfile':
          if (!root.password) throw new AwsErrorReply('NoSuchEntity', `Login Profile for User root cannot be found.`, 404);
          return { LoginProfile: { CreateDate: root.password.createDate, PasswordResetRequired: false } };
        case 'ListAccessKeys':
          return { AccessKeyMetadata: root.accessKeys.map((key) => ({ AccessKeyId: key.accessKeyId, Status: key.status, CreateDate: key.createDate })), IsTruncated: false };
        case 'GetAccessKeyLastUsed': {
          const key = root.accessKeys.find((candidate) => candidate.accessKeyId === params.AccessKeyId);
          if (!key) throw new AwsErrorReply('NoSuchEntity', `The Access Key with id ${params.AccessKeyId ?? ''} cannot be found.`, 404);
          return { AccessKeyLastUsed: key.lastUsed ? { LastUsedDate: key.lastUsed.date, ServiceName: key.lastUsed.service, Region: key.lastUsed.region } : { ServiceName: 'N/A', Region: 'N/A' } };
        }
        case 'ListMFADevices':
          return { MFADevices: root.mfaDevices.map((device) => ({ SerialNumber: device.serialNumber, EnableDate: device.enableDate })), IsTruncated: false };
        case 'ListSigningCertificates':
          return {
            Certificates: root.signingCertificates.map((certificate) => ({ CertificateId: certificate.certificateId, CertificateBody: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----', Status: certificate.status, UploadDate: certificate.uploadDate })),
            IsTruncated: false,
          };
        default:
          throw new AwsErrorReply('InvalidAction', `The fake does not implement iam:${operation} for root sessions`, 400);
      }
    },
  };
  return authority;
}
