// Which account-Regions the events queue hears, from the member-rules StackSet's instances (a MemberRulesReading).
// Pure. An account-Region counts only where its instance forwards; the management account never has one (a
// StackSet does not deploy there, the README has it deploy the member rules as stacks), so there it is "not known".
import { instanceForwards, instanceStateText, type MemberRuleInstance, type MemberRulesReading } from '../sources/queue-member-rules.js';
import type { MemberRulesStatus } from './model.js';

/** Whether the events queue hears an account-Region: its member rules' stack instance forwards, or why not. */
export type QueueRuleCoverage = { forwarding: true; reason: null } | { forwarding: false; reason: string };

export interface QueueRulesView {
  status: MemberRulesStatus;
  /** null when the reading failed: nothing can be said per account. */
  forAccount: ((accountId: string) => { regionRule(region: string): QueueRuleCoverage; accountReason: string | null; instanceRegions: string[] }) | null;
}

const MANAGEMENT_REASON = 'not known: a StackSet does not deploy to the management account; deploy the member rules there as a stack per Region (deploy/org-events.yaml)';

export function queueRulesView(reading: MemberRulesReading, managementAccountId: string | null): QueueRulesView {
  if ('error' in reading) {
    return { status: { stackSetName: reading.stackSetName, callAs: null, readAt: reading.readAt, instances: 0, forwarding: 0, truncated: false, error: reading.error }, forAccount: null };
  }
  const byAccount = new Map<string, Map<string, MemberRuleInstance>>();
  for (const instance of reading.instances) {
    let regions = byAccount.get(instance.accountId);
    if (!regions) byAccount.set(instance.accountId, (regions = new Map()));
    regions.set(instance.region, instance);
  }
  const status: MemberRulesStatus = {
    stackSetName: reading.stackSetName,
    callAs: reading.callAs,
    readAt: reading.readAt,
    instances: reading.instances.length,
    forwarding: reading.instances.filter(instanceForwards).length,
    truncated: reading.truncated,
    error: null,
  };
  const missing = `no stack instance of ${reading.stackSetName}: add the account (its OU) and the Region to the StackSet`;
  return {
    status,
    forAccount(accountId) {
      const instances = byAccount.get(accountId);
      const management = accountId === managementAccountId && !instances;
      return {
        accountReason: management ? MANAGEMENT_REASON : null,
        instanceRegions: [...(instances?.keys() ?? [])].sort(),
        regionRule(region) {
          if (management) return { forwarding: false, reason: 'not known (management account)' };
          const instance = instances?.get(region);
          if (!instance) return { forwarding: false, reason: missing };
          return instanceForwards(instance) ? { forwarding: true, reason: null } : { forwarding: false, reason: `stack instance ${instanceStateText(instance)}` };
        },
      };
    },
  };
}
