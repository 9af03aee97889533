// What a failed Slack call means for the outbox (pure): wait and retry, fix the setup, or give up on
// this one message. Reads @slack/web-api v8's error shapes by their `code` (no instanceof, so errors
// from another copy of the package or a test double classify the same).

export type SlackFailure =
  /** HTTP 429 with Retry-After (the WebClient must be built with rejectRateLimitedCalls: true). */
  | { kind: 'rate-limited'; retryAfterSeconds: number; detail: string }
  /** Slack or the network had a problem: retry with exponential backoff. */
  | { kind: 'transient'; detail: string; mayHaveReachedSlack: boolean }
  /** The app's setup is wrong (token, scopes, channel membership): an operator must act; retry rarely. */
  | { kind: 'setup'; code: string; scope: 'channel' | 'workspace'; hint: string }
  /** Slack will never accept this message as it is. */
  | { kind: 'rejected'; code: string; detail: string }
  /** An error code this build does not know: retry rarely, never drop an alert on a guess. */
  | { kind: 'unknown'; code: string; detail: string };

const SETUP_HINTS: Readonly<Record<string, { scope: 'channel' | 'workspace'; hint: string }>> = {
  channel_not_found: { scope: 'channel', hint: 'the channel id is wrong, or the channel is private and the bot is not in it: check ALERT_CHANNEL and invite the bot (/invite @aws-root-guard)' },
  not_in_channel: { scope: 'channel', hint: 'the bot is not a member of the channel: invite it (/invite @aws-root-guard), or add the chat:write.public scope for public channels' },
  is_archived: { scope: 'channel', hint: 'the channel is archived: unarchive it or set ALERT_CHANNEL to another channel' },
  restricted_action: { scope: 'channel', hint: 'a workspace setting stops the bot from posting in this channel: ask a Slack admin' },
  restricted_action_read_only_channel: { scope: 'channel', hint: 'the channel is read-only for the bot: pick another ALERT_CHANNEL or ask a Slack admin' },
  restricted_action_thread_only_channel: { scope: 'channel', hint: 'the channel only allows thread replies: pick another ALERT_CHANNEL' },
  ekm_access_denied: { scope: 'workspace', hint: 'Slack administrators have suspended posting (EKM): ask a Slack admin' },
  invalid_auth: { scope: 'workspace', hint: 'SLACK_BOT_TOKEN is not valid: copy the Bot User OAuth Token (xoxb-…) again from "OAuth & Permissions"' },
  not_authed: { scope: 'workspace', hint: 'no token was sent: set SLACK_BOT_TOKEN' },
  account_inactive: { scope: 'workspace', hint: 'the bot user or workspace was deactivated: reinstall the app' },
  token_revoked: { scope: 'workspace', hint: 'the bot token was revoked: reinstall the app and update SLACK_BOT_TOKEN' },
  token_expired: { scope: 'workspace', hint: 'the bot token expired (token rotation is on): issue a new token and update SLACK_BOT_TOKEN' },
  missing_scope: { scope: 'workspace', hint: 'the app lacks a scope (chat:write): add it under "OAuth & Permissions" and reinstall the app' },
  no_permission: { scope: 'workspace', hint: 'the token may not do this: check the app\'s scopes and reinstall it' },
  access_denied: { scope: 'workspace', hint: 'access was denied to the bot: check the app\'s installation and scopes' },
  team_access_not_granted: { scope: 'workspace', hint: 'the app is not granted access to this workspace: ask an org admin to add it' },
  org_login_required: { scope: 'workspace', hint: 'the workspace is migrating to an Enterprise org: retry later' },
  not_allowed_token_type: { scope: 'workspace', hint: 'SLACK_BOT_TOKEN must be a bot token (xoxb-…)' },
};

// Slack's own "try again" answers. internal_error and fatal_error may have partly succeeded (Slack's docs say so).
const TRANSIENT_CODES = new Set(['internal_error', 'fatal_error', 'service_unavailable', 'request_timeout', 'ratelimited', 'rate_limited', 'team_added_to_org']);
const MAYBE_APPLIED_CODES = new Set(['internal_error', 'fatal_error', 'request_timeout']);

const REJECTED_CODES = new Set([
  'invalid_blocks',
  'invalid_blocks_format',
  'msg_too_long',
  'msg_blocks_too_long',
  'no_text',
  'too_many_attachments',
  'invalid_arguments',
  'invalid_arg_name',
  'invalid_array_arg',
  'invalid_form_data',
  'invalid_json',
  'json_not_object',
  'invalid_metadata_format',
  'invalid_metadata_schema',
  'metadata_too_large',
  'message_not_found',
  'cant_update_message',
  'edit_window_closed',
]);

/** Codes meaning the blocks (not the text) were refused: the message can still go out as text. */
export const BLOCKS_REJECTED_CODES = new Set(['invalid_blocks', 'invalid_blocks_format', 'msg_blocks_too_long']);

function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

export function classifySlackError(error: unknown): SlackFailure {
  const coded = (error ?? {}) as { code?: unknown; retryAfter?: unknown; statusCode?: unknown; data?: { error?: unknown }; original?: unknown };
  switch (coded.code) {
    case 'slack_webapi_rate_limited_error': {
      const seconds = typeof coded.retryAfter === 'number' && Number.isFinite(coded.retryAfter) && coded.retryAfter >= 0 ? coded.retryAfter : 1;
      return { kind: 'rate-limited', retryAfterSeconds: seconds, detail: `rate limited: Slack asked to retry after ${seconds} s` };
    }
    case 'slack_webapi_http_error': {
      const status = typeof coded.statusCode === 'number' ? coded.statusCode : 0;
      // 5xx: Slack may have applied the call before failing to answer.
      return { kind: 'transient', detail: `HTTP ${status} from Slack`, mayHaveReachedSlack: status >= 500 || status === 0 };
    }
    case 'slack_webapi_request_error':
      // A timeout or reset after the request left: Slack may have it.
      return { kind: 'transient', detail: `network error: ${describe(coded.original ?? error)}`, mayHaveReachedSlack: true };
    case 'slack_webapi_platform_error': {
      const code = typeof coded.data?.error === 'string' ? coded.data.error : 'unknown_error';
      const setup = SETUP_HINTS[code];
      if (setup) return { kind: 'setup', code, scope: setup.scope, hint: setup.hint };
      if (TRANSIENT_CODES.has(code)) return { kind: 'transient', detail: `Slack answered ${code}`, mayHaveReachedSlack: MAYBE_APPLIED_CODES.has(code) };
      if (REJECTED_CODES.has(code)) return { kind: 'rejected', code, detail: `Slack refused the message: ${code}` };
      return { kind: 'unknown', code, detail: `Slack answered ${code}` };
    }
    default:
      // Not a Slack error: a bug in rendering or in the messenger. Treat it as unknown, never crash the sender.
      return { kind: 'unknown', code: 'internal', detail: describe(error) };
  }
}
