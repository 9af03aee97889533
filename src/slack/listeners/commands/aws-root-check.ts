// /aws-root-check [public|failing|<account>|alerts|summary|status|help]: ack at once (Slack allows 3 s; no AWS call happens
// before), then check who asks, then deliver the organization overview (from stored results) or run one account's
// posture, through the response_url.
import type { SlackCommandMiddlewareArgs } from '@slack/bolt';
import { matchAccount, type OverviewAccount } from '../../../posture/index.js';
import { maskMessageSecrets, renderAccountNotFound, renderCoverage, renderOpenAlerts, renderRunning, renderUsage, ALERT_LIST_MAX, type OverviewScope, type SlackMessage } from '../../blocks/index.js';
import { renderWeeklySummary } from '../../blocks/summary.js';
import { messagePermalink } from '../../../summary/index.js';
import type { ListenerDeps } from '../../deps.js';
import { errorDetails } from '../../errors.js';
import { authorizeOrRefuse, refuse } from '../allowlist.js';
import { replyWithOverview } from '../overview-reply.js';
import { runPostureForUser } from '../posture-run.js';
import { watchedAccounts } from '../posture-target.js';
import type { SlackClient, Visibility } from '../slack-client.js';
import { parseSubcommand, type Subcommand } from './subcommand.js';
import { deferredChild, type LogLines } from '../../../log.js';

export const AWS_ROOT_CHECK_COMMAND = '/aws-root-check';

export type CommandListenerArgs = Pick<SlackCommandMiddlewareArgs, 'command' | 'ack' | 'respond'> & { client: SlackClient };

const NOT_SET_UP = 'Root activity alerts are not set up on this bot (it runs without ALERT_CHANNEL and its store).';

function notSetUp(text: string): SlackMessage {
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
}

/**
 * The open alerts, linked to their messages. Links are built from the workspace's domain in the command
 * (https://<team_domain>.slack.com/archives/<channel>/p<ts>), so listing costs no Slack call.
 */
async function listOpenAlerts(deps: ListenerDeps, teamDomain: string | undefined): Promise<SlackMessage> {
  if (!deps.alerts) return notSetUp(NOT_SET_UP);
  const { service, accountAlias } = deps.alerts;
  const teamUrl = teamDomain && /^[a-z0-9-]+$/i.test(teamDomain) ? `https://${teamDomain}.slack.com/` : null;
  const { shown, total } = await service.listOpen(ALERT_LIST_MAX);
  const lines = shown.map(({ alert, firstEvent }) => ({
    alert,
    accountAlias: accountAlias?.(alert.accountId) ?? null,
    firstEvent,
    permalink: alert.post && teamUrl ? messagePermalink(teamUrl, alert.post.channel, alert.post.ts) : null,
  }));
  return maskMessageSecrets(renderOpenAlerts(lines, total), deps.secretValues);
}

/** The list, or a short apology when the store cannot be read: the user gets an answer either way. */
async function alertsOrApology(deps: ListenerDeps, teamDomain: string | undefined, log: LogLines): Promise<SlackMessage> {
  try {
    return await listOpenAlerts(deps, teamDomain);
  } catch (error) {
    log.error(errorDetails(error), 'could not list the open alerts');
    return notSetUp("The open alerts could not be read from the bot's store (the details are in its log). Try again in a moment.");
  }
}

/** This week's summary so far; its thread details do not fit an ephemeral message and stay in the weekly post. */
async function summaryThisWeek(deps: ListenerDeps): Promise<SlackMessage> {
  if (!deps.summary) return notSetUp('The weekly summary is not set up on this bot.');
  const { threadDetails: _details, ...message } = renderWeeklySummary(await deps.summary.buildThisWeek());
  return maskMessageSecrets(message, deps.secretValues);
}

/** What the bot watches and could not read; a failure to read it is said, not thrown. */
async function coverageStatus(deps: ListenerDeps, log: LogLines): Promise<SlackMessage> {
  if (!deps.status) return notSetUp('Root activity coverage is not set up on this bot (it runs without its activity sources).');
  try {
    return maskMessageSecrets(renderCoverage(await deps.status.coverage()), deps.secretValues);
  } catch (error) {
    log.error(errorDetails(error), 'could not read the coverage');
    return notSetUp("The coverage could not be read (the details are in the bot's log). Try again in a moment.");
  }
}

/** What a posture request resolves to, decided from the in-memory account list before the ack. */
type PostureTarget =
  | { kind: 'overview'; scope: OverviewScope; visibility: Visibility }
  | { kind: 'account'; account: OverviewAccount | undefined; visibility: Visibility }
  | { kind: 'answer'; message: SlackMessage };

function postureTarget(deps: ListenerDeps, subcommand: Extract<Subcommand, { kind: 'report' | 'failing' | 'account' }>, command: string): PostureTarget {
  const accounts = watchedAccounts(deps);
  if (subcommand.kind === 'account') {
    // Without an organization, there is no account to name: the text is an unknown subcommand, as before.
    if (!deps.organization) return { kind: 'answer', message: renderUsage({ command, unknownSubcommand: subcommand.query }) };
    const match = matchAccount(subcommand.query, accounts);
    if (match.kind === 'none') return { kind: 'answer', message: renderAccountNotFound({ query: subcommand.query, suggestion: match.suggestion, command }) };
    return { kind: 'account', account: match.account, visibility: subcommand.visibility };
  }
  if (accounts.length > 1) return { kind: 'overview', scope: subcommand.kind === 'failing' ? 'failing' : 'all', visibility: subcommand.visibility };
  // One watched account (or none known: the bot's own): today's report.
  return { kind: 'account', account: accounts[0], visibility: subcommand.visibility };
}

export function awsRootCheck(deps: ListenerDeps): (args: CommandListenerArgs) => Promise<void> {
  // The usage answer depends only on the command's name: rendered once per name (bench/ack-help-latency.ts).
  const usageByCommand = new Map<string, SlackMessage>();
  // Likewise the running note in the ack, per visibility.
  const runningAck = { ephemeral: { response_type: 'ephemeral' as const, ...renderRunning({ visibility: 'ephemeral' }) }, in_channel: { response_type: 'ephemeral' as const, ...renderRunning({ visibility: 'in_channel' }) } };
  return async ({ command, ack, respond, client }) => {
    // Whatever can be answered without a Slack or AWS call goes in the ack itself: one HTTP answer, no extra
    // response_url post, and the ack stays as fast as a bare one (bench/ack-latency.ts).
    const subcommand = parseSubcommand(command.text);
    if (subcommand.kind === 'help') {
      let usage = usageByCommand.get(command.command);
      if (!usage) usageByCommand.set(command.command, (usage = renderUsage({ command: command.command })));
      await ack({ response_type: 'ephemeral', ...usage });
      return;
    }
    if (subcommand.kind === 'unknown') {
      await ack({ response_type: 'ephemeral', ...renderUsage({ command: command.command, unknownSubcommand: subcommand.text }) });
      return;
    }
    const log = deferredChild(deps.logger, { command: command.command, userId: command.user_id, channelId: command.channel_id });
    const target = subcommand.kind === 'report' || subcommand.kind === 'failing' || subcommand.kind === 'account' ? postureTarget(deps, subcommand, command.command) : null;
    // Without an organization an unknown word is a usage question, answered to anyone; with one, the answer names
    // watched accounts, so only people allowed to see them get it.
    if (target?.kind === 'answer' && !deps.organization) {
      await ack({ response_type: 'ephemeral', ...maskMessageSecrets(target.message, deps.secretValues) });
      return;
    }
    const quickDecision = deps.authorizer.decideWithoutSlack?.(command.user_id) ?? null;
    if (quickDecision && !quickDecision.allowed) {
      await refuse(quickDecision, { use: command.command, log, tell: (refusal) => ack({ response_type: 'ephemeral', ...refusal }) });
      return;
    }
    if (target?.kind === 'answer' && quickDecision) {
      await ack({ response_type: 'ephemeral', ...maskMessageSecrets(target.message, deps.secretValues) });
      return;
    }
    // An account's run takes seconds: say so in the ack. The overview and the rest answer at once.
    const runsPosture = target?.kind === 'account' || subcommand.kind === 'summary';
    if (quickDecision && runsPosture) await ack(runningAck[target?.kind === 'account' ? target.visibility : 'ephemeral']);
    else await ack();
    // The rest runs apart from Bolt's handling of the request, which then lets go of it (after-ack.ts).
    await deps.afterAck(async () => {
      try {
        const decision = quickDecision ?? (await authorizeOrRefuse(deps, command.user_id, client, { use: command.command, log, tell: (refusal) => respond({ response_type: 'ephemeral', ...refusal }) }));
        if (!decision) return;
        const reply = deps.responder && command.response_url ? deps.responder(command.response_url) : respond;
        // Each answer is read, rendered and posted in its turn in the delivery queue, behind the acks: a flood of
        // `alerts` or overview commands reads the store and renders after the last ack, not between acks.
        const answer = (message: () => Promise<SlackMessage> | SlackMessage) => deps.deliveries.run(async () => reply({ response_type: 'ephemeral', ...(await message()) }));
        if (subcommand.kind === 'alerts') {
          await answer(() => alertsOrApology(deps, command.team_domain, log));
          return;
        }
        if (subcommand.kind === 'status') {
          await answer(() => coverageStatus(deps, log));
          return;
        }
        if (subcommand.kind === 'summary') {
          await answer(() => summaryThisWeek(deps));
          return;
        }
        if (!target) return;
        if (target.kind === 'answer') {
          await answer(() => maskMessageSecrets(target.message, deps.secretValues));
          return;
        }
        if (target.kind === 'overview' && deps.organization) {
          const organization = deps.organization;
          const shown = await deps.deliveries.run(() => replyWithOverview({ secretValues: deps.secretValues, organization }, { scope: target.scope, visibility: target.visibility, replaceOriginal: false, reply, now: new Date() }));
          log.info({ via: decision.via, scope: target.scope, ...shown }, 'organization overview delivered');
          return;
        }
        if (target.kind !== 'account') return;
        log.debug({ via: decision.via, usergroupId: decision.usergroupId, visibility: target.visibility, accountId: target.account?.id }, 'posture run requested');
        await runPostureForUser(deps, {
          trigger: 'command',
          userId: command.user_id,
          channelId: command.channel_id || null,
          visibility: target.visibility,
          ...(target.account ? { account: target.account } : {}),
          replaceOriginal: false,
          respond: reply,
          client,
          runningShownInAck: quickDecision !== null,
        });
      } catch (error) {
        // Already acked: whatever failed here (a refused response_url for usage) is logged, never thrown at Bolt.
        log.error(errorDetails(error), 'slash command listener failed');
      }
    });
  };
}
