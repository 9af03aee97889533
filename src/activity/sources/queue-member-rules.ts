// Which accounts and Regions forward their root events to the events queue. The queue only hears an account-Region
// whose EventBridge rules exist there, and deploy/org-events.yaml puts them there as the instances of one
// service-managed StackSet (MemberRules). So status reads that StackSet's instances
// (cloudformation:ListStackInstances, paged) rather than taking the queue for granted in every account: an instance
// that is CURRENT forwards; one OUTDATED, INOPERABLE, failed, still running or skipped (a suspended account) does not
// yet, and an account-Region without an instance is not heard by the queue at all.
//
// The StackSet lives in the account and Region the template was deployed in (the queue's): CallAs SELF from the
// management account, DELEGATED_ADMIN from a CloudFormation delegated administrator. The reader tries SELF first and
// DELEGATED_ADMIN when SELF finds no such StackSet, then keeps to the one that answered. One reading serves for a
// minute (a 1,000-account, 17-Region organization is 170 pages), and callers at the same moment share one.
import { ListStackInstancesCommand, type CloudFormationClient, type ListStackInstancesCommandOutput } from '@aws-sdk/client-cloudformation';
import { awsErrorCode, queueAddress, queueRegion, toFactError } from '../../aws/index.js';

export const LIST_STACK_INSTANCES_ACTION = 'cloudformation:ListStackInstances';

const PAGE_SIZE = 100;
/** 50,000 instances: beyond the largest organization times every Region; a StackSet that pages on is cut and said so. */
const MAX_PAGES = 500;
const CACHE_MS = 60_000;

export type CallAs = 'SELF' | 'DELEGATED_ADMIN';

/** One stack instance, as ListStackInstances summarises it. */
export interface MemberRuleInstance {
  accountId: string;
  region: string;
  /** CURRENT, OUTDATED or INOPERABLE. */
  status: string;
  /** StackInstanceStatus.DetailedStatus: SUCCEEDED, FAILED, RUNNING, PENDING, CANCELLED, INOPERABLE, SKIPPED_SUSPENDED_ACCOUNT, FAILED_IMPORT. */
  detailedStatus: string | null;
  /** StatusReason, when CloudFormation gives one. */
  reason: string | null;
}

export type MemberRulesReading =
  | { stackSetName: string; callAs: CallAs; readAt: string; instances: MemberRuleInstance[]; truncated: boolean }
  | { stackSetName: string; readAt: string; error: string };

export interface MemberRulesReader {
  read(): Promise<MemberRulesReading>;
}

export interface MemberRulesReaderOptions {
  cloudFormation: Pick<CloudFormationClient, 'send'>;
  stackSetName: string;
  /** The events queue's URL: the StackSet is beside it (its account and Region name the StackSet in messages). */
  queueUrl: string;
  cacheMs?: number;
  now?: () => Date;
}

/** Whether an instance's account-Region forwards its root events now. */
export function instanceForwards(instance: Pick<MemberRuleInstance, 'status' | 'detailedStatus'>): boolean {
  return instance.status === 'CURRENT' && (instance.detailedStatus === null || instance.detailedStatus === 'SUCCEEDED');
}

/** "OUTDATED (FAILED: Resource handler returned message: …)": why an instance does not count, in CloudFormation's words. */
export function instanceStateText(instance: MemberRuleInstance): string {
  const detail = instance.detailedStatus && instance.detailedStatus !== instance.status ? instance.detailedStatus : null;
  const state = detail ? `${instance.status} (${detail}${instance.reason ? `: ${instance.reason}` : ''})` : `${instance.status}${instance.reason ? ` (${instance.reason})` : ''}`;
  if (instance.detailedStatus === 'RUNNING' || instance.detailedStatus === 'PENDING') return `being deployed: ${state}`;
  if (instance.detailedStatus === 'SKIPPED_SUSPENDED_ACCOUNT') return `skipped, the account is suspended: ${state}`;
  return state;
}

function summaryOf(summary: NonNullable<ListStackInstancesCommandOutput['Summaries']>[number]): MemberRuleInstance | null {
  if (!summary.Account || !summary.Region) return null;
  return { accountId: summary.Account, region: summary.Region, status: summary.Status ?? 'UNKNOWN', detailedStatus: summary.StackInstanceStatus?.DetailedStatus ?? null, reason: summary.StatusReason?.trim() || null };
}

export function createMemberRulesReader(options: MemberRulesReaderOptions): MemberRulesReader {
  const now = options.now ?? (() => new Date());
  const cacheMs = options.cacheMs ?? CACHE_MS;
  const { stackSetName } = options;
  const where = { accountId: queueAddress(options.queueUrl).accountId, region: queueRegion(options.queueUrl) };
  const place = [where.accountId ? `account ${where.accountId}` : null, where.region ? `Region ${where.region}` : null].filter(Boolean).join(', ');
  const resource = `arn:aws:cloudformation:${where.region ?? '*'}:${where.accountId ?? '*'}:stackset/${stackSetName}:*`;
  let callAs: CallAs = 'SELF';
  let cached: { at: number; reading: MemberRulesReading } | null = null;
  let inFlight: Promise<MemberRulesReading> | null = null;

  async function listAll(as: CallAs): Promise<{ instances: MemberRuleInstance[]; truncated: boolean }> {
    const instances: MemberRuleInstance[] = [];
    let nextToken: string | undefined;
    for (let page = 0; page < MAX_PAGES; page += 1) {
      const answer = await options.cloudFormation.send(new ListStackInstancesCommand({ StackSetName: stackSetName, CallAs: as, MaxResults: PAGE_SIZE, ...(nextToken ? { NextToken: nextToken } : {}) }));
      for (const summary of answer.Summaries ?? []) {
        const instance = summaryOf(summary);
        if (instance) instances.push(instance);
      }
      nextToken = answer.NextToken || undefined;
      if (!nextToken) return { instances, truncated: false };
    }
    return { instances, truncated: true };
  }

  function failure(error: unknown): string {
    if (awsErrorCode(error) === 'StackSetNotFoundException') {
      return `${LIST_STACK_INSTANCES_ACTION}: no StackSet ${stackSetName}${place ? ` in ${place}` : ''}, as the management account (SELF) or a delegated administrator (DELEGATED_ADMIN): deploy deploy/org-events.yaml there, or set EVENTS_STACK_SET_NAME to the StackSet that deploys the member rules`;
    }
    const message = toFactError(LIST_STACK_INSTANCES_ACTION, error, { accountId: where.accountId }).message;
    return awsErrorCode(error).startsWith('AccessDenied') ? `${message} (on ${resource})` : message;
  }

  async function readNow(): Promise<MemberRulesReading> {
    const readAt = now().toISOString();
    const order: CallAs[] = callAs === 'SELF' ? ['SELF', 'DELEGATED_ADMIN'] : ['DELEGATED_ADMIN', 'SELF'];
    let notFound: unknown = null;
    for (const as of order) {
      try {
        const { instances, truncated } = await listAll(as);
        callAs = as;
        return { stackSetName, callAs: as, readAt, instances, truncated };
      } catch (error) {
        // A refusal or an outage is the answer. Only "no such StackSet" is worth asking the other way, and when
        // that way fails too ("not a delegated administrator") the first answer is the one to fix.
        if (notFound) break;
        if (awsErrorCode(error) !== 'StackSetNotFoundException') return { stackSetName, readAt, error: failure(error) };
        notFound = error;
      }
    }
    return { stackSetName, readAt, error: failure(notFound) };
  }

  return {
    read() {
      if (cached && now().getTime() - cached.at < cacheMs) return Promise.resolve(cached.reading);
      inFlight ??= readNow()
        .then((reading) => {
          cached = { at: now().getTime(), reading };
          return reading;
        })
        .finally(() => {
          inFlight = null;
        });
      return inFlight;
    },
  };
}
