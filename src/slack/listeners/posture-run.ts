// One posture run for a Slack user, after the request was acked: say it is running, run it, deliver the report
// (or the failure) through the response_url, falling back to chat.postMessage / chat.postEphemeral if the
// response_url is refused (expired, used up). Never throws: a failure is logged and, when possible, shown.
// What is posted after the ack goes through the delivery queue (../delivery-queue.ts), behind the acks; a report
// shared by many requesters is rendered once per audience (report-replies.ts). One log line per request, at debug:
// a flood of commands does not become a flood of info lines; the runs themselves are logged at info once each.
import type { RespondFn } from '@slack/bolt';
import type { OverviewAccount } from '../../posture/index.js';
import { maskMessageSecrets, renderCooldown, renderError, renderRunning, type SlackMessage } from '../blocks/index.js';
import type { ListenerDeps } from '../deps.js';
import { toUserFacingError, UserFacingError } from '../errors.js';
import { deferredChild, type LogLines } from '../../log.js';
import { SELF_ACCOUNT_KEY } from './posture-target.js';
import type { MessageReply } from './report-replies.js';
import type { SlackClient, Visibility } from './slack-client.js';

export interface PostureRunRequest {
  trigger: 'command' | 'button';
  userId: string;
  channelId: string | null;
  visibility: Visibility;
  /** A button click replaces the message that held the button; a command posts new messages. */
  replaceOriginal: boolean;
  respond: RespondFn;
  client: SlackClient;
  /** The "running" note already went out in the ack: no response_url post for it. */
  runningShownInAck?: boolean;
  /** One of the organization's watched accounts; absent: the bot's own account. */
  account?: OverviewAccount;
}

function withTimeout<T>(work: Promise<T>, timeoutMs: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      const seconds = Math.ceil(timeoutMs / 1000);
      const limit = seconds >= 60 ? `${Math.round(seconds / 60)} minute${Math.round(seconds / 60) === 1 ? '' : 's'}` : `${seconds} second${seconds === 1 ? '' : 's'}`;
      reject(new UserFacingError(`The check took longer than ${limit} and was given up: AWS may be slow or throttling. Try again later.`, { timeoutMs }));
    }, timeoutMs);
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

function responseFor(request: PostureRunRequest, message: SlackMessage, visibility: Visibility): MessageReply {
  return request.replaceOriginal ? { replace_original: true, ...message } : { response_type: visibility, ...message };
}

function slackErrorOf(error: unknown): Record<string, unknown> {
  const shaped = error as { code?: unknown; statusCode?: unknown; data?: { error?: unknown } } | null;
  return { errorName: error instanceof Error ? error.name : typeof error, errorMessage: error instanceof Error ? error.message : String(error), statusCode: shaped?.statusCode, slackError: shaped?.data?.error };
}

/**
 * respond() in its turn in the delivery queue, and if Slack refuses it, the same message through the Web API (outside
 * the queue: the Web API client paces and retries on its own, and must not hold a slot meanwhile).
 */
async function deliver(deps: ListenerDeps, log: LogLines, request: PostureRunRequest, reply: MessageReply, visibility: Visibility, what: string): Promise<boolean> {
  const respondError = await deps.deliveries.run(() =>
    request.respond(reply).then(
      () => null,
      (error: unknown) => error ?? new Error('respond() failed'),
    ),
  );
  if (respondError === null) return true;
  log.warn({ ...slackErrorOf(respondError), what }, 'response_url refused the message; posting through the Web API instead');
  if (!request.channelId) {
    log.error({ what }, 'could not deliver: no response_url and no channel');
    return false;
  }
  try {
    if (visibility === 'in_channel') {
      await request.client.chat.postMessage({ channel: request.channelId, text: reply.text, blocks: reply.blocks });
    } else {
      await request.client.chat.postEphemeral({ channel: request.channelId, user: request.userId, text: reply.text, blocks: reply.blocks });
    }
    return true;
  } catch (apiError) {
    log.error({ ...slackErrorOf(apiError), what }, 'could not deliver the message to Slack');
    return false;
  }
}

export async function runPostureForUser(deps: ListenerDeps, request: PostureRunRequest): Promise<void> {
  const log = deferredChild(deps.logger, { trigger: request.trigger, userId: request.userId, channelId: request.channelId, visibility: request.visibility });
  const startedAt = Date.now();
  const accountKey = request.account?.id ?? SELF_ACCOUNT_KEY;
  // Asked for at once, so requests arriving together share one run; its outcome is awaited below.
  const run = withTimeout(deps.postureRuns.request(accountKey, request.userId), deps.runTimeoutMs);
  run.catch(() => undefined);
  // The "running" note is a courtesy: if it cannot be shown, the report still is. It is always private for a command.
  // Posted (through the queue) before the report is queued, so it can never land after it and replace it.
  if (!request.runningShownInAck) {
    const running = renderRunning({ visibility: request.visibility });
    try {
      await deps.deliveries.run(() => request.respond(request.replaceOriginal ? { replace_original: true, ...running } : { response_type: 'ephemeral', ...running }));
    } catch (error) {
      log.warn(slackErrorOf(error), 'could not show the "running" message');
    }
  }

  let reply: MessageReply;
  let outcome: 'report' | 'failed' | 'cooldown';
  try {
    const result = await run;
    if (result.kind === 'cooldown') {
      reply = responseFor(request, maskMessageSecrets(renderCooldown({ retryInMs: result.retryInMs }), deps.secretValues), request.visibility);
      outcome = 'cooldown';
      log.info({ accountKey, retryInMs: result.retryInMs }, 'posture run refused: the user started one moments ago');
    } else {
      const report = result.value;
      reply = deps.reportReplies.replyFor(report, { visibility: request.visibility, replaceOriginal: request.replaceOriginal, ...(request.account ? { account: request.account } : {}) });
      outcome = 'report';
      // The run itself at info, once (the requester that started it); those who shared or reused it at debug.
      const details = {
        durationMs: Date.now() - startedAt,
        source: result.source,
        accountId: report.account.id,
        passed: report.score.passed,
        total: report.score.total,
        findings: report.findings.length,
      };
      if (result.source === 'started') log.info(details, 'posture report ready');
      else log.debug(details, 'posture report ready');
    }
  } catch (error) {
    const failure = toUserFacingError(error, deps.describeRunError);
    reply = responseFor(request, maskMessageSecrets(renderError(failure.userMessage, request.account?.id), deps.secretValues), request.visibility);
    outcome = 'failed';
    log.error({ ...failure.details, accountKey, userMessage: failure.userMessage, durationMs: Date.now() - startedAt }, 'posture run failed');
  }
  const delivered = await deliver(deps, log, request, reply, request.visibility, outcome);
  if (delivered) log.debug({ outcome, waitedMs: Date.now() - startedAt }, 'posture result delivered');
}
