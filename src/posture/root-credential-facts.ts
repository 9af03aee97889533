// A member's root credentials, read in an sts:AssumeRoot session scoped by IAMAuditRootUserCredentials: with those
// credentials and no UserName, IAM answers about the member's root user. Only the calls that task policy allows.
import {
  GetAccessKeyLastUsedCommand,
  GetLoginProfileCommand,
  GetUserCommand,
  ListAccessKeysCommand,
  ListMFADevicesCommand,
  ListSigningCertificatesCommand,
  type IAMClient,
} from '@aws-sdk/client-iam';
import { awsErrorCode, toFactError } from '../aws/index.js';
import type { Fact, MfaDeviceKind, RootSessionCredentials } from './model.js';

const NO_SUCH_ENTITY = new Set(['NoSuchEntity', 'NoSuchEntityException']);

/** The serial says the kind: `arn:…:mfa/NAME` virtual, `arn:…:u2f/root/NAME-…` a FIDO security key, anything else a hardware TOTP serial. */
export function mfaDeviceKind(serialNumber: string): MfaDeviceKind {
  if (/^arn:aws[a-z-]*:iam::\d{12}:mfa\//.test(serialNumber)) return 'virtual';
  if (/^arn:aws[a-z-]*:iam::\d{12}:u2f\//.test(serialNumber)) return 'security-key';
  return 'hardware-totp';
}

const iso = (date: Date | undefined): string | null => (date ? date.toISOString() : null);

async function pages<T>(read: (marker: string | undefined) => Promise<{ items: T[] | undefined; marker: string | undefined }>): Promise<T[]> {
  const items: T[] = [];
  let marker: string | undefined;
  do {
    const page = await read(marker);
    items.push(...(page.items ?? []));
    marker = page.marker;
  } while (marker);
  return items;
}

/** Names the failing call: a fact error that says which IAM action of the audit session failed. */
async function step<T>(action: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    throw Object.assign(new Error('root session read failed'), { factError: toFactError(action, error) });
  }
}

async function readRootCredentials(iam: IAMClient): Promise<RootSessionCredentials> {
  const loginProfile = step('iam:GetLoginProfile', async () => {
    try {
      const { LoginProfile: profile } = await iam.send(new GetLoginProfileCommand({}));
      return { present: true, createdAt: iso(profile?.CreateDate) };
    } catch (error) {
      // NoSuchEntity: root has no console password (what centralized root access leaves behind).
      if (NO_SUCH_ENTITY.has(awsErrorCode(error))) return { present: false, createdAt: null };
      throw error;
    }
  });
  const user = step('iam:GetUser', () => iam.send(new GetUserCommand({})));
  const keys = step('iam:ListAccessKeys', () =>
    pages((Marker) => iam.send(new ListAccessKeysCommand({ Marker })).then((page) => ({ items: page.AccessKeyMetadata, marker: page.IsTruncated ? page.Marker : undefined }))),
  );
  const devices = step('iam:ListMFADevices', () =>
    pages((Marker) => iam.send(new ListMFADevicesCommand({ Marker })).then((page) => ({ items: page.MFADevices, marker: page.IsTruncated ? page.Marker : undefined }))),
  );
  const certificates = step('iam:ListSigningCertificates', () =>
    pages((Marker) => iam.send(new ListSigningCertificatesCommand({ Marker })).then((page) => ({ items: page.Certificates, marker: page.IsTruncated ? page.Marker : undefined }))),
  );
  const accessKeys = keys.then((listed) =>
    Promise.all(
      listed.map(async (key) => {
        const id = key.AccessKeyId ?? '';
        const { AccessKeyLastUsed: used } = await step('iam:GetAccessKeyLastUsed', () => iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: id })));
        // "N/A" is what IAM puts in Region and ServiceName for a key never used.
        const known = (value: string | undefined) => (value && value !== 'N/A' ? value : null);
        return {
          idSuffix: id.slice(-4),
          active: key.Status === 'Active',
          createdAt: iso(key.CreateDate),
          lastUsedDate: iso(used?.LastUsedDate),
          lastUsedRegion: known(used?.Region),
          lastUsedService: known(used?.ServiceName),
        };
      }),
    ),
  );
  const [profile, root, rootKeys, rootDevices, rootCertificates] = await Promise.all([loginProfile, user, accessKeys, devices, certificates]);
  return {
    passwordPresent: profile.present,
    passwordCreatedAt: profile.createdAt,
    passwordLastUsed: iso(root.User?.PasswordLastUsed),
    accessKeys: rootKeys,
    mfaDevices: rootDevices.map((device) => ({ serialNumber: device.SerialNumber ?? '', kind: mfaDeviceKind(device.SerialNumber ?? ''), enableDate: iso(device.EnableDate) })),
    signingCertificates: rootCertificates.map((certificate) => ({ active: certificate.Status === 'Active', uploadedAt: iso(certificate.UploadDate) })),
  };
}

/**
 * Opens the audit session, reads, closes it. A failure is the fact's error: sts:AssumeRoot refused (centralized
 * root access off for the account, a policy missing) or the first audit call that failed.
 */
export async function readRootSessionFact(open: () => Promise<{ iam: IAMClient; close(): void }>): Promise<Fact<RootSessionCredentials>> {
  let session: { iam: IAMClient; close(): void };
  try {
    session = await open();
  } catch (error) {
    const factError = toFactError('sts:AssumeRoot', error);
    if (factError.code === 'AccessDenied') {
      // The bot's role (deploy/bot-role.yaml) allows AssumeRoot for the audit task only; AWS also refuses it for an
      // account outside the organization or when RootSessions was turned off since the scan began.
      factError.message = `sts:AssumeRoot was refused for this account: allow it in the bot's role (deploy/bot-role.yaml, condition sts:TaskPolicyArn = IAMAuditRootUserCredentials) and check that centralized root access covers the account. AWS said: ${String((error as Error).message ?? error).slice(0, 200)}`;
    }
    return { ok: false, error: factError };
  }
  try {
    return { ok: true, value: await readRootCredentials(session.iam) };
  } catch (error) {
    const factError = (error as { factError?: ReturnType<typeof toFactError> }).factError;
    return { ok: false, error: factError ?? toFactError('iam:GetLoginProfile', error) };
  } finally {
    session.close();
  }
}
