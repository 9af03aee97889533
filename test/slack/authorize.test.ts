import { describe, expect, it, vi } from 'vitest';
import { createAuthorizer, type UsergroupDirectory } from '../../src/slack/index.js';

function directory(groups: Record<string, string[]>, failing: string[] = []) {
  const list = vi.fn(async ({ usergroup }: { usergroup: string }) => {
    if (failing.includes(usergroup)) throw Object.assign(new Error('An API error occurred: missing_scope'), { code: 'slack_webapi_platform_error', data: { ok: false, error: 'missing_scope' } });
    return { ok: true, users: groups[usergroup] ?? [] };
  });
  const client: UsergroupDirectory = { usergroups: { users: { list } } };
  return { client, list };
}

describe('createAuthorizer', () => {
  it('lets everyone in when both lists are empty, without calling Slack', async () => {
    const { client, list } = directory({});
    expect(await createAuthorizer({ allowedUserIds: [], allowedUsergroupIds: [] }).authorize('U1', client)).toEqual({ allowed: true, via: 'everyone' });
    expect(list).not.toHaveBeenCalled();
  });

  it('allows listed users without a group lookup and refuses others', async () => {
    const { client, list } = directory({});
    const authorizer = createAuthorizer({ allowedUserIds: ['U1'], allowedUsergroupIds: [] });
    expect(await authorizer.authorize('U1', client)).toEqual({ allowed: true, via: 'user' });
    expect(await authorizer.authorize('U2', client)).toEqual({ allowed: false, reason: 'not-allowed' });
    expect(list).not.toHaveBeenCalled();
  });

  it('allows members of an allowed group and caches the member list until the TTL passes', async () => {
    const { client, list } = directory({ S1: ['U7'], S2: ['U8'] });
    let now = 1_000;
    const authorizer = createAuthorizer({ allowedUserIds: [], allowedUsergroupIds: ['S1', 'S2'], cacheTtlMs: 60_000, now: () => now });
    expect(await authorizer.authorize('U8', client)).toEqual({ allowed: true, via: 'usergroup', usergroupId: 'S2' });
    expect(await authorizer.authorize('U9', client)).toEqual({ allowed: false, reason: 'not-allowed' });
    expect(list).toHaveBeenCalledTimes(2);
    now += 60_001;
    expect(await authorizer.authorize('U7', client)).toEqual({ allowed: true, via: 'usergroup', usergroupId: 'S1' });
    expect(list).toHaveBeenCalledTimes(4);
  });

  it('shares one lookup between concurrent requests', async () => {
    const { client, list } = directory({ S1: ['U1', 'U2', 'U3'] });
    const authorizer = createAuthorizer({ allowedUserIds: [], allowedUsergroupIds: ['S1'] });
    const decisions = await Promise.all(['U1', 'U2', 'U3', 'U4'].map((user) => authorizer.authorize(user, client)));
    expect(decisions.map((decision) => decision.allowed)).toEqual([true, true, true, false]);
    expect(list).toHaveBeenCalledTimes(1);
  });

  it('fails closed when membership cannot be read, does not cache the failure, and still honours other groups', async () => {
    const warn = vi.fn();
    const { client, list } = directory({ S2: ['U2'] }, ['S1']);
    const authorizer = createAuthorizer({ allowedUserIds: [], allowedUsergroupIds: ['S1', 'S2'], logger: { warn } as never });
    expect(await authorizer.authorize('U1', client)).toEqual({ allowed: false, reason: 'membership-unknown' });
    expect(await authorizer.authorize('U2', client)).toEqual({ allowed: true, via: 'usergroup', usergroupId: 'S2' });
    expect(list.mock.calls.filter(([args]) => args.usergroup === 'S1')).toHaveLength(2);
    expect(warn).toHaveBeenCalledWith({ usergroupId: 'S1', slackError: 'missing_scope' }, expect.stringContaining('usergroups:read'));
  });
});
