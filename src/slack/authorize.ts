// Who may run the bot's commands and press its buttons: an allowlist of user ids and of user groups (whose members
// come from usergroups.users.list, cached a few minutes). Both lists empty = everyone. A membership that cannot be
// read refuses (fail closed): an allowlist exists to keep people out.
import type { Logger } from '../log.js';

/** The one Slack call the authorizer needs; a WebClient satisfies it. */
export interface UsergroupDirectory {
  usergroups: { users: { list(args: { usergroup: string }): Promise<{ users?: string[] }> } };
}

export type AuthorizationDecision =
  | { allowed: true; via: 'everyone' | 'user' | 'usergroup'; usergroupId?: string }
  | { allowed: false; reason: 'not-allowed' | 'membership-unknown' };

export interface Authorizer {
  /** `directory` is the listener's Slack client, so group lookups use the bot token Bolt already holds. */
  authorize(userId: string, directory: UsergroupDirectory): Promise<AuthorizationDecision>;
  /**
   * The decision when it needs no Slack call (no allowlist, a listed user, group members cached), else null:
   * lets a listener answer inside its ack instead of posting to the response_url afterwards.
   */
  decideWithoutSlack?(userId: string): AuthorizationDecision | null;
}

export interface AuthorizerOptions {
  allowedUserIds: readonly string[];
  allowedUsergroupIds: readonly string[];
  /** How long a group's member list is trusted (default 5 minutes). */
  cacheTtlMs?: number;
  now?: () => number;
  logger?: Logger;
}

const DEFAULT_MEMBERSHIP_CACHE_TTL_MS = 5 * 60 * 1000;

interface CachedMembers {
  members: ReadonlySet<string>;
  expiresAt: number;
}

export function createAuthorizer(options: AuthorizerOptions): Authorizer {
  const allowedUsers = new Set(options.allowedUserIds);
  const groups = [...new Set(options.allowedUsergroupIds)];
  const ttlMs = options.cacheTtlMs ?? DEFAULT_MEMBERSHIP_CACHE_TTL_MS;
  const now = options.now ?? Date.now;
  const cache = new Map<string, CachedMembers>();
  // Concurrent commands share one lookup per group instead of each calling Slack.
  const inFlight = new Map<string, Promise<ReadonlySet<string>>>();

  async function membersOf(groupId: string, directory: UsergroupDirectory): Promise<ReadonlySet<string>> {
    const cached = cache.get(groupId);
    if (cached && cached.expiresAt > now()) return cached.members;
    const pending = inFlight.get(groupId);
    if (pending) return pending;
    const lookup = directory.usergroups.users
      .list({ usergroup: groupId })
      .then((answer) => {
        const members: ReadonlySet<string> = new Set(answer.users ?? []);
        cache.set(groupId, { members, expiresAt: now() + ttlMs });
        return members;
      })
      .finally(() => inFlight.delete(groupId));
    inFlight.set(groupId, lookup);
    return lookup;
  }

  return {
    decideWithoutSlack(userId) {
      if (allowedUsers.size === 0 && groups.length === 0) return { allowed: true, via: 'everyone' };
      if (allowedUsers.has(userId)) return { allowed: true, via: 'user' };
      let everyGroupKnown = true;
      for (const groupId of groups) {
        const cached = cache.get(groupId);
        if (!cached || cached.expiresAt <= now()) everyGroupKnown = false;
        else if (cached.members.has(userId)) return { allowed: true, via: 'usergroup', usergroupId: groupId };
      }
      return everyGroupKnown ? { allowed: false, reason: 'not-allowed' } : null;
    },
    async authorize(userId, directory) {
      if (allowedUsers.size === 0 && groups.length === 0) return { allowed: true, via: 'everyone' };
      if (allowedUsers.has(userId)) return { allowed: true, via: 'user' };
      let lookupFailed = false;
      const results = await Promise.all(
        groups.map(async (groupId) => {
          try {
            return { groupId, isMember: (await membersOf(groupId, directory)).has(userId) };
          } catch (error) {
            lookupFailed = true;
            const code = (error as { data?: { error?: string }; code?: string }).data?.error ?? (error as { code?: string }).code ?? 'unknown';
            options.logger?.warn({ usergroupId: groupId, slackError: code }, 'could not read user group members (does the app have usergroups:read?)');
            return { groupId, isMember: false };
          }
        }),
      );
      const match = results.find((result) => result.isMember);
      if (match) return { allowed: true, via: 'usergroup', usergroupId: match.groupId };
      return { allowed: false, reason: lookupFailed ? 'membership-unknown' : 'not-allowed' };
    },
  };
}
