// What the fake Slack workspace holds: who the bot is, its tokens, user groups, and what the bot posted.

export interface PostedMessage {
  channel: string;
  ts: string;
  text: string | null;
  blocks: unknown[] | null;
  threadTs: string | null;
  /** Set when chat.update changed it. */
  editedAt: number | null;
  /** The message metadata given to chat.postMessage ({event_type, event_payload}), if any. */
  metadata?: { event_type: string; event_payload: Record<string, unknown> } | null;
}

export interface EphemeralMessage {
  channel: string;
  user: string;
  messageTs: string;
  text: string | null;
  blocks: unknown[] | null;
}

export interface OpenedView {
  id: string;
  triggerId: string;
  view: Record<string, unknown>;
}

export interface FakeSlackState {
  team: { id: string; name: string; domain: string };
  /** The Enterprise Grid organization, or null; `isEnterpriseInstall`: the app is installed org-wide. */
  enterprise: { id: string; name: string } | null;
  isEnterpriseInstall: boolean;
  bot: { userId: string; botId: string; appId: string; name: string };
  botToken: string;
  appToken: string;
  /** User group id (S…) -> member user ids, for usergroups.users.list. */
  usergroups: Map<string, string[]>;
  /** Channel ids that answer channel_not_found (any other C/G/D id exists). */
  missingChannels: Set<string>;
  /** The bot token's scopes: a method needing one not here answers missing_scope (history methods check it). */
  botScopes: Set<string>;
  messages: PostedMessage[];
  ephemerals: EphemeralMessage[];
  views: OpenedView[];
}

export function defaultState(): FakeSlackState {
  return {
    team: { id: 'T0FAKETEAM', name: 'Fake Workspace', domain: 'fake-workspace' },
    enterprise: null,
    isEnterpriseInstall: false,
    bot: { userId: 'U0FAKEBOT', botId: 'B0FAKEBOT', appId: 'A0FAKEAPP', name: 'aws-root-guard' },
    botToken: 'xoxb-0000000000-1111111111111-FakeBotTokenForTests',
    appToken: 'xapp-1-A0FAKEAPP-2222222222222-fakeapptokenfortests',
    usergroups: new Map(),
    missingChannels: new Set(),
    botScopes: new Set(['chat:write', 'chat:write.public', 'commands', 'usergroups:read', 'channels:history', 'groups:history']),
    messages: [],
    ephemerals: [],
    views: [],
  };
}
