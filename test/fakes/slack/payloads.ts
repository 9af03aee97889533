// Request payloads in Slack's shapes (docs.slack.dev: "Slash commands", "block_actions payload"), for the signed
// HTTP helpers and for Socket Mode envelopes. Defaults match the fake workspace in state.ts.

export interface SlashCommandInput {
  responseUrl: string;
  command?: string;
  text?: string;
  userId?: string;
  userName?: string;
  channelId?: string;
  channelName?: string;
  teamId?: string;
  teamDomain?: string;
  apiAppId?: string;
  triggerId?: string;
}

/** The form fields of a slash command request (all strings, as Slack sends them). */
export function slashCommandFields(input: SlashCommandInput): Record<string, string> {
  return {
    // The deprecated verification token: Slack still sends it; Bolt ignores it in favour of the signature.
    token: 'gIkuvaNzQIHg97ATvDxqgjtO',
    team_id: input.teamId ?? 'T0FAKETEAM',
    team_domain: input.teamDomain ?? 'fake-workspace',
    channel_id: input.channelId ?? 'C0SECURITY',
    channel_name: input.channelName ?? 'security',
    user_id: input.userId ?? 'U0ALICE',
    user_name: input.userName ?? 'alice',
    command: input.command ?? '/aws-root-check',
    text: input.text ?? '',
    api_app_id: input.apiAppId ?? 'A0FAKEAPP',
    is_enterprise_install: 'false',
    response_url: input.responseUrl,
    trigger_id: input.triggerId ?? '13345224609.738474920.8088930838d88f008e0',
  };
}

export interface BlockActionInput {
  responseUrl: string;
  actionId: string;
  value?: string;
  blockId?: string;
  userId?: string;
  channelId?: string;
  /** Buttons on ephemeral messages: Slack sends no `message`, only the container. */
  isEphemeral?: boolean;
  messageTs?: string;
  /** The message that held the button (for non-ephemeral messages). */
  message?: Record<string, unknown>;
}

/** A block_actions payload for one button click. */
export function blockActionsPayload(input: BlockActionInput): Record<string, unknown> {
  const channelId = input.channelId ?? 'C0SECURITY';
  const messageTs = input.messageTs ?? '1717320000.000100';
  const isEphemeral = input.isEphemeral ?? true;
  const actionTs = (Date.now() / 1000).toFixed(6);
  return {
    type: 'block_actions',
    user: { id: input.userId ?? 'U0ALICE', username: 'alice', name: 'alice', team_id: 'T0FAKETEAM' },
    api_app_id: 'A0FAKEAPP',
    token: 'gIkuvaNzQIHg97ATvDxqgjtO',
    container: { type: 'message', message_ts: messageTs, channel_id: channelId, is_ephemeral: isEphemeral },
    trigger_id: '13345224609.738474920.8088930838d88f008e0',
    team: { id: 'T0FAKETEAM', domain: 'fake-workspace' },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: channelId, name: 'security' },
    ...(isEphemeral ? {} : { message: input.message ?? { type: 'message', subtype: 'bot_message', text: 'report', ts: messageTs, bot_id: 'B0FAKEBOT', blocks: [] } }),
    state: { values: {} },
    response_url: input.responseUrl,
    actions: [
      {
        type: 'button',
        action_id: input.actionId,
        block_id: input.blockId ?? 'b0Xy',
        text: { type: 'plain_text', text: 'Run again', emoji: true },
        ...(input.value === undefined ? {} : { value: input.value }),
        action_ts: actionTs,
      },
    ],
  };
}
