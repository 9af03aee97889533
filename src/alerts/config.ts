// Settings of the alert lifecycle, parsed and validated like src/config.ts: every problem is collected,
// and each one names the variable and how to set it; src/config.ts folds these problems into its own.
import { ConfigError, readWholeNumber, type Env } from '../config-reader.js';
import { DEFAULT_GROUPING_POLICY, type GroupingPolicy } from './grouping.js';
import { CHANNEL_ID, parseAlertRoutes, type AlertRoutes } from './routes.js';

export interface AlertsConfig {
  /** Slack channel id (C… public, G… private) where alerts are posted; null when not required (terminal commands). */
  alertChannel: string | null;
  /** ALERT_ROUTES: accounts or OUs whose alerts go to a channel of their own (alerts/routes.ts); empty: all to alertChannel. */
  routes: AlertRoutes;
  /** An open alert nobody has acted on gets a reminder this many minutes after it was posted, and again after as many more. */
  reminderAfterMinutes: number;
  /** At most this many reminders per alert (0: none). */
  reminderMax: number;
  /** Slack user group id (S…) mentioned in reminders and escalations, or null. */
  responderGroupId: string | null;
  /** Calls of one root session within this many minutes of its alert's first event share that alert. */
  groupWindowMinutes: number;
  /** Failed root sign-ins in one alert that make it a burst (FAILED_LOGIN_BURST_THRESHOLD). */
  failedLoginBurstThreshold: number;
  /** A failed root sign-in within this many minutes of a failed-login alert's failures joins it (FAILED_LOGIN_BURST_WINDOW_MINUTES). */
  failedLoginBurstWindowMinutes: number;
  /** OUTBOX_CLAIM_LEASE_SECONDS: how long a replica's claim on an outbox row lasts before another replica may take it back. */
  outboxClaimLeaseSeconds: number;
}

const ALERTS_DEFAULTS = {
  reminderAfterMinutes: 60,
  reminderMax: 3,
  groupWindowMinutes: DEFAULT_GROUPING_POLICY.sessionWindowMinutes,
  failedLoginBurstThreshold: DEFAULT_GROUPING_POLICY.failedLoginBurstThreshold,
  failedLoginBurstWindowMinutes: DEFAULT_GROUPING_POLICY.failedLoginWindowMinutes,
  outboxClaimLeaseSeconds: 60,
} as const;

const USERGROUP_ID = /^S[A-Z0-9]{6,}$/;
const CHANNEL_HOW_TO =
  'the ID of the channel for alerts (C… or G…): in Slack open the channel, click its name, and copy the Channel ID at the bottom of the "About" tab; then invite the bot there (/invite @aws-root-guard)';


/** Parses the alert variables; `problems` is empty when they are all valid. `requireChannel`: true for `serve`. */
export function readAlertsConfig(env: Env, options: { requireChannel: boolean }): { config: AlertsConfig; problems: string[] } {
  const problems: string[] = [];

  let alertChannel: string | null = env.ALERT_CHANNEL?.trim() || null;
  if (alertChannel === null) {
    if (options.requireChannel) problems.push(`ALERT_CHANNEL is not set: ${CHANNEL_HOW_TO}`);
  } else if (!CHANNEL_ID.test(alertChannel)) {
    const looksLikeName = alertChannel.startsWith('#') || /[a-z]/.test(alertChannel);
    problems.push(`ALERT_CHANNEL="${alertChannel}" is not a channel ID${looksLikeName ? ' (a channel name will not do: messages are updated later by ID)' : ''}: use ${CHANNEL_HOW_TO}`);
    alertChannel = null;
  }

  const reminderAfterMinutes = readWholeNumber(env, 'REMINDER_AFTER', ALERTS_DEFAULTS.reminderAfterMinutes, 1, 7 * 24 * 60, 'minutes', problems);
  const reminderMax = readWholeNumber(env, 'REMINDER_MAX', ALERTS_DEFAULTS.reminderMax, 0, 50, 'reminders (0 turns reminders off)', problems);

  let responderGroupId: string | null = env.RESPONDER_GROUP?.trim() || null;
  if (responderGroupId !== null && !USERGROUP_ID.test(responderGroupId)) {
    problems.push(
      `RESPONDER_GROUP="${responderGroupId}" is not a Slack user group ID (S…, not the @handle): take the "id" of the on-call group from Slack's usergroups.list API method, or leave it empty for reminders without a mention`,
    );
    responderGroupId = null;
  }

  const groupWindowMinutes = readWholeNumber(env, 'ALERT_GROUP_WINDOW_MINUTES', ALERTS_DEFAULTS.groupWindowMinutes, 1, 24 * 60, 'minutes', problems);

  // Peers for comparison: Panther 5 failures in 15 minutes, Elastic 10 (see alerts/grouping.ts).
  const failedLoginBurstThreshold = readWholeNumber(env, 'FAILED_LOGIN_BURST_THRESHOLD', ALERTS_DEFAULTS.failedLoginBurstThreshold, 2, 1000, 'failed sign-ins', problems);
  const failedLoginBurstWindowMinutes = readWholeNumber(env, 'FAILED_LOGIN_BURST_WINDOW_MINUTES', ALERTS_DEFAULTS.failedLoginBurstWindowMinutes, 1, 24 * 60, 'minutes', problems);

  // Longer than one send (the pacing wait, the history lookup, a post's 15 s timeout): a shorter lease lets another
  // replica take a row back while its post is still in flight.
  const outboxClaimLeaseSeconds = readWholeNumber(env, 'OUTBOX_CLAIM_LEASE_SECONDS', ALERTS_DEFAULTS.outboxClaimLeaseSeconds, 5, 3600, 'seconds', problems);

  const routes = parseAlertRoutes(env.ALERT_ROUTES);
  problems.push(...routes.problems);

  return { config: { alertChannel, routes: routes.routes, reminderAfterMinutes, reminderMax, responderGroupId, groupWindowMinutes, failedLoginBurstThreshold, failedLoginBurstWindowMinutes, outboxClaimLeaseSeconds }, problems };
}

/** The grouping rules these settings ask for (the store's, and `scan`'s batch grouping). */
export function groupingPolicyOf(config: Pick<AlertsConfig, 'groupWindowMinutes' | 'failedLoginBurstThreshold' | 'failedLoginBurstWindowMinutes'>): GroupingPolicy {
  return { sessionWindowMinutes: config.groupWindowMinutes, failedLoginWindowMinutes: config.failedLoginBurstWindowMinutes, failedLoginBurstThreshold: config.failedLoginBurstThreshold };
}

/** Like readAlertsConfig, but throws a ConfigError listing every problem. */
export function loadAlertsConfig(env: Env, options: { requireChannel: boolean } = { requireChannel: true }): AlertsConfig {
  const { config, problems } = readAlertsConfig(env, options);
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/** How Slack mentions a user group in message text. */
export function userGroupMention(groupId: string | null): string | null {
  return groupId ? `<!subteam^${groupId}>` : null;
}
