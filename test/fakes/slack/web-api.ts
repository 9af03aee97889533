// The Web API methods the bot uses, answering with the response shapes of Slack's method docs
// (docs.slack.dev/reference/methods/<method>): errors are HTTP 200 {ok:false,error:"<code>"}.
import type { ApiArgs } from './request-body.js';
import type { FakeSlackState } from './state.js';

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

function botMessage(context: MethodContext, ts: string, text: string | null, blocks: unknown[] | null): Record<string, unknown> {
  const { bot, team } = context.state;
  return { type: 'message', subtype: 'bot_message', text: text ?? '', user: bot.userId, bot_id: bot.botId, app_id: bot.appId, team: team.id, ts, ...(blocks ? { blocks } : {}) };
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
    context.state.messages.push({ channel: channel!, ts, text: content.text, blocks: content.blocks, threadTs, editedAt: null });
    return { ok: true, channel: channel!, ts, message: botMessage(context, ts, content.text, content.blocks) };
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
