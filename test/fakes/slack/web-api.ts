// The Web API methods the bot uses, answering with the response shapes of Slack's method docs
// (docs.slack.dev/reference/methods/<method>): errors are HTTP 200 {ok:false,error:"<code>"}.
import type { ApiArgs } from './request-body.js';
import type { FakeSlackState, PostedMessage } from './state.js';

export type ApiAnswer = Record<string, unknown> & { ok: boolean };

export interface MethodContext {
  state: FakeSlackState;
  /** A new message ts ("1717320000.000100"), increasing. */
  nextTs(): string;
  now(): number;
  /** The Socket Mode WebSocket URL, when the fake runs one. */
  socketModeUrl: string | null;
}

type MethodHandler = (args: ApiArgs, context: MethodContext) => ApiAnswer;

const fail = (error: string): ApiAnswer => ({ ok: false, error });

function stringArg(args: ApiArgs, name: string): string | null {
  const value = args[name];
  if (typeof value === 'string' && value.trim() !== '') return value;
  if (typeof value === 'number') return String(value);
  return null;
}

function channelProblem(channel: string | null, state: FakeSlackState): string | null {
  if (channel === null) return 'channel_not_found';
  if (state.missingChannels.has(channel)) return 'channel_not_found';
  if (!/^[CGD][A-Z0-9]+$/.test(channel) && !channel.startsWith('#')) return 'channel_not_found';
  return null;
}

function messageContent(args: ApiArgs): { text: string | null; blocks: unknown[] | null } | 'no_text' | 'invalid_blocks' {
  const text = stringArg(args, 'text');
  const blocks = args.blocks;
  if (blocks !== undefined && !Array.isArray(blocks)) return 'invalid_blocks';
  if (text === null && (!Array.isArray(blocks) || blocks.length === 0)) return 'no_text';
  return { text, blocks: Array.isArray(blocks) ? blocks : null };
}

/** chat.postMessage's `metadata`: {event_type, event_payload} (docs.slack.dev/messaging/message-metadata). */
function messageMetadata(value: unknown): PostedMessage['metadata'] | 'invalid' {
  if (value === undefined) return null;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return 'invalid';
  const { event_type: eventType, event_payload: eventPayload } = value as Record<string, unknown>;
  if (typeof eventType !== 'string' || eventType === '' || eventPayload === null || typeof eventPayload !== 'object' || Array.isArray(eventPayload)) return 'invalid';
  return { event_type: eventType, event_payload: eventPayload as Record<string, unknown> };
}

/** A message as chat.postMessage echoes it and conversations.history lists it; metadata only when asked for. */
function historyMessage(context: MethodContext, posted: PostedMessage, withMetadata: boolean): Record<string, unknown> {
  const { bot, team } = context.state;
  const replies = context.state.messages.filter((message) => message.channel === posted.channel && message.threadTs === posted.ts);
  return {
    type: 'message',
    subtype: 'bot_message',
    text: posted.text ?? '',
    user: bot.userId,
    bot_id: bot.botId,
    app_id: bot.appId,
    team: team.id,
    ts: posted.ts,
    ...(posted.blocks ? { blocks: posted.blocks } : {}),
    ...(posted.threadTs ? { thread_ts: posted.threadTs, parent_user_id: bot.userId } : {}),
    ...(replies.length > 0 ? { thread_ts: posted.ts, reply_count: replies.length, latest_reply: replies.at(-1)!.ts } : {}),
    ...(posted.editedAt !== null ? { edited: { user: bot.userId, ts: `${Math.floor(posted.editedAt / 1000)}.000000` } } : {}),
    ...(withMetadata && posted.metadata ? { metadata: posted.metadata } : {}),
  };
}

/** Slack ts "1717320000.000100" as a number of microseconds (exact: below 2^53). */
function tsMicros(ts: string): number {
  const [seconds, fraction = '0'] = ts.split('.');
  return Number(seconds) * 1_000_000 + Number(fraction.padEnd(6, '0').slice(0, 6));
}

/** Why reading a conversation's history is refused: no such channel, or the bot lacks channels:history (C…), groups:history (G…) or im:history (D…). */
function historyRefusal(channel: string | null, state: FakeSlackState): ApiAnswer | null {
  const problem = channelProblem(channel, state);
  if (problem || channel === null) return fail(problem ?? 'channel_not_found');
  const needed = channel.startsWith('G') ? 'groups:history' : channel.startsWith('D') ? 'im:history' : 'channels:history';
  if (state.botScopes.has(needed)) return null;
  return { ok: false, error: 'missing_scope', needed, provided: [...state.botScopes].join(',') };
}

// Slack's cursors are opaque; its history cursors happen to be base64 of "next_ts:<ts>".
const encodeCursor = (ts: string): string => Buffer.from(`next_ts:${ts}`).toString('base64');
const decodeCursor = (cursor: string): string | null => {
  const decoded = Buffer.from(cursor, 'base64').toString('utf8');
  return decoded.startsWith('next_ts:') ? decoded.slice('next_ts:'.length) : null;
};

/**
 * One page of messages between oldest and latest (exclusive unless `inclusive`), from `cursor` on, in the
 * given order, as conversations.history and conversations.replies page them.
 */
function historyPage(args: ApiArgs, context: MethodContext, messages: PostedMessage[], order: 'newest-first' | 'oldest-first'): ApiAnswer {
  const inclusive = args.inclusive === true || args.inclusive === 'true' || args.inclusive === '1';
  const oldest = stringArg(args, 'oldest');
  const latest = stringArg(args, 'latest');
  const limitArg = stringArg(args, 'limit');
  const limit = Math.min(999, Math.max(1, limitArg === null ? 100 : Number.parseInt(limitArg, 10) || 100));
  const cursorArg = stringArg(args, 'cursor');
  const cursorTs = cursorArg === null ? null : decodeCursor(cursorArg);
  if (cursorArg !== null && cursorTs === null) return fail('invalid_cursor');
  const withMetadata = args.include_all_metadata === true || args.include_all_metadata === 'true' || args.include_all_metadata === '1';
  const inRange = (message: PostedMessage): boolean => {
    const at = tsMicros(message.ts);
    if (oldest !== null && (inclusive ? at < tsMicros(oldest) : at <= tsMicros(oldest))) return false;
    if (latest !== null && (inclusive ? at > tsMicros(latest) : at >= tsMicros(latest))) return false;
    return true;
  };
  const sorted = messages.filter(inRange).sort((left, right) => (order === 'newest-first' ? tsMicros(right.ts) - tsMicros(left.ts) : tsMicros(left.ts) - tsMicros(right.ts)));
  const start = cursorTs === null ? 0 : Math.max(0, sorted.findIndex((message) => message.ts === cursorTs));
  const page = sorted.slice(start, start + limit);
  const next = sorted[start + limit];
  return {
    ok: true,
    messages: page.map((message) => historyMessage(context, message, withMetadata)),
    has_more: next !== undefined,
    pin_count: 0,
    response_metadata: { next_cursor: next ? encodeCursor(next.ts) : '' },
  };
}

export const METHODS: Readonly<Record<string, MethodHandler>> = {
  'auth.test': (_args, { state }) => ({
    ok: true,
    url: `https://${state.team.domain}.slack.com/`,
    team: state.team.name,
    user: state.bot.name,
    team_id: state.team.id,
    user_id: state.bot.userId,
    bot_id: state.bot.botId,
    app_id: state.bot.appId,
    ...(state.enterprise ? { enterprise_id: state.enterprise.id } : {}),
    is_enterprise_install: state.isEnterpriseInstall,
  }),

  'chat.postMessage': (args, context) => {
    const channel = stringArg(args, 'channel');
    const problem = channelProblem(channel, context.state);
    if (problem) return fail(problem);
    const content = messageContent(args);
    if (typeof content === 'string') return fail(content);
    const ts = context.nextTs();
    const threadTs = stringArg(args, 'thread_ts');
    const metadata = messageMetadata(args.metadata);
    if (metadata === 'invalid') return fail('invalid_metadata_format');
    const posted: PostedMessage = { channel: channel!, ts, text: content.text, blocks: content.blocks, threadTs, editedAt: null, metadata };
    context.state.messages.push(posted);
    return { ok: true, channel: channel!, ts, message: historyMessage(context, posted, false) };
  },

  // docs.slack.dev/reference/methods/conversations.history: top-level messages (thread parents, not their replies), newest first.
  'conversations.history': (args, context) => {
    const channel = stringArg(args, 'channel');
    const refused = historyRefusal(channel, context.state);
    if (refused) return refused;
    const topLevel = context.state.messages.filter((message) => message.channel === channel && message.threadTs === null);
    return historyPage(args, context, topLevel, 'newest-first');
  },

  // docs.slack.dev/reference/methods/conversations.replies: the parent first, then its replies, oldest first.
  'conversations.replies': (args, context) => {
    const channel = stringArg(args, 'channel');
    const ts = stringArg(args, 'ts');
    const refused = historyRefusal(channel, context.state);
    if (refused) return refused;
    const parent = context.state.messages.find((message) => message.channel === channel && message.ts === ts);
    if (ts === null || !parent) return fail('thread_not_found');
    const thread = context.state.messages.filter((message) => message.channel === channel && (message.ts === ts || message.threadTs === ts));
    return historyPage(args, context, thread, 'oldest-first');
  },

  'chat.update': (args, context) => {
    const channel = stringArg(args, 'channel');
    const ts = stringArg(args, 'ts');
    const problem = channelProblem(channel, context.state);
    if (problem) return fail(problem);
    if (ts === null) return fail('message_not_found');
    const message = context.state.messages.find((posted) => posted.channel === channel && posted.ts === ts);
    if (!message) return fail('message_not_found');
    const content = messageContent(args);
    if (typeof content === 'string') return fail(content);
    Object.assign(message, { text: content.text, blocks: content.blocks, editedAt: context.now() });
    return { ok: true, channel: channel!, ts, text: content.text ?? '', message: { text: content.text ?? '', user: context.state.bot.userId, ...(content.blocks ? { blocks: content.blocks } : {}) } };
  },

  'chat.postEphemeral': (args, context) => {
    const channel = stringArg(args, 'channel');
    const user = stringArg(args, 'user');
    const problem = channelProblem(channel, context.state);
    if (problem) return fail(problem);
    if (user === null) return fail('user_not_found');
    const content = messageContent(args);
    if (typeof content === 'string') return fail(content);
    const messageTs = context.nextTs();
    context.state.ephemerals.push({ channel: channel!, user, messageTs, text: content.text, blocks: content.blocks });
    return { ok: true, message_ts: messageTs };
  },

  'views.open': (args, context) => {
    const triggerId = stringArg(args, 'trigger_id') ?? stringArg(args, 'interactivity_pointer');
    if (triggerId === null) return fail('invalid_arguments');
    const view = args.view;
    if (view === null || typeof view !== 'object' || Array.isArray(view)) return fail('invalid_arguments');
    const { state } = context;
    const id = `V${String(state.views.length + 1).padStart(8, '0')}`;
    const given = view as Record<string, unknown>;
    state.views.push({ id, triggerId, view: given });
    return {
      ok: true,
      view: {
        id,
        team_id: state.team.id,
        type: given.type ?? 'modal',
        title: given.title,
        submit: given.submit ?? null,
        close: given.close ?? null,
        blocks: given.blocks ?? [],
        private_metadata: given.private_metadata ?? '',
        callback_id: given.callback_id ?? '',
        external_id: given.external_id ?? '',
        state: { values: {} },
        hash: `${Math.floor(context.now() / 1000)}.${id.toLowerCase()}`,
        clear_on_close: given.clear_on_close ?? false,
        notify_on_close: given.notify_on_close ?? false,
        root_view_id: id,
        previous_view_id: null,
        app_id: state.bot.appId,
        bot_id: state.bot.botId,
      },
    };
  },

  'usergroups.users.list': (args, { state }) => {
    const usergroup = stringArg(args, 'usergroup');
    if (usergroup === null) return fail('invalid_arguments');
    const members = state.usergroups.get(usergroup);
    if (!members) return fail('no_such_subteam');
    return { ok: true, users: [...members] };
  },

  'apps.connections.open': (_args, { socketModeUrl }) => {
    if (socketModeUrl === null) return fail('internal_error');
    return { ok: true, url: socketModeUrl };
  },
};

/** Methods that need the app-level (xapp-) token; every other method needs the bot token. */
export const APP_TOKEN_METHODS: ReadonlySet<string> = new Set(['apps.connections.open']);
