// Centralized root access (AWS Organizations): an administrator in the management account calls
// sts:AssumeRoot and gets short-term root credentials (ASIA…) for a member account, scoped by a task
// policy (arn:aws:iam::aws:policy/root-task/...). What that session does is logged in the member account
// as `userIdentity.type: "Root"`, so it matches the CIS filter; we label it apart from a person signed
// in as root.
//
// How a record shows it (IAM User Guide, "Track privileged tasks in AWS CloudTrail",
// https://docs.aws.amazon.com/IAM/latest/UserGuide/cloudtrail-track-privileged-tasks.html):
// - `userIdentity.sessionContext.assumedRoot: "true"`, when present;
// - otherwise the access key: the AssumeRoot record (in the management account) returns the ASIA key in
//   `responseElements.credentials.accessKeyId`, and the member-account records are signed with it. A
//   caller that reads both (an organization trail, an exported log) passes those keys in.
// Note the AssumeRoot call itself is made by a role or user (type AssumedRole/IAMUser): never root activity.

export interface CentralizedRootContext {
  /** ASIA… keys issued by sts:AssumeRoot, from assumeRootIssuedAccessKeyId over the same record set. */
  assumeRootAccessKeyIds?: ReadonlySet<string>;
}

/** `sessionContext.assumedRoot` is logged as the string "true"; accept a JSON boolean too. */
export function isAssumedRootFlag(value: unknown): boolean {
  if (value === true) return true;
  return typeof value === 'string' && (value === 'true' || value.toLowerCase() === 'true');
}

/** The access key an sts:AssumeRoot record issued, or null when the record is not a successful AssumeRoot. */
export function assumeRootIssuedAccessKeyId(record: unknown): string | null {
  if (typeof record !== 'object' || record === null) return null;
  const fields = record as Record<string, unknown>;
  if (fields.eventName !== 'AssumeRoot' || fields.eventSource !== 'sts.amazonaws.com') return null;
  const responseElements = fields.responseElements as { credentials?: { accessKeyId?: unknown } } | null | undefined;
  const accessKeyId = responseElements?.credentials?.accessKeyId;
  return typeof accessKeyId === 'string' && accessKeyId.length > 0 ? accessKeyId : null;
}

/** Every key issued by AssumeRoot among these records: pass as `assumeRootAccessKeyIds` when classifying them. */
export function collectAssumeRootAccessKeyIds(records: Iterable<unknown>): Set<string> {
  const accessKeyIds = new Set<string>();
  for (const record of records) {
    const accessKeyId = assumeRootIssuedAccessKeyId(record);
    if (accessKeyId !== null) accessKeyIds.add(accessKeyId);
  }
  return accessKeyIds;
}
