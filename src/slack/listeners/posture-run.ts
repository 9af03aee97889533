// One posture run for a Slack user, after the request was acked: say it is running, run it, deliver the report
// (or the failure) through the response_url, falling back to chat.postMessage / chat.postEphemeral if the
// response_url is refused (expired, used up). Never throws: a failure is logged and, when possible, shown.
import type { RespondArguments, RespondFn } from '@slack/bolt';
import type { OverviewAccount } from '../../posture/index.js';
import { maskMessageSecrets, renderCooldown, renderError, renderPostureReport, renderRunning, type SlackMessage } from '../blocks/index.js';
import type { ListenerDeps } from '../deps.js';
import { toUserFacingError, UserFacingError } from '../errors.js';
import type { Logger } from '../../log.js';
import { SELF_ACCOUNT_KEY } from './posture-target.js';
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

function responseFor(request: PostureRunRequest, message: SlackMessage, visibility: Visibility): RespondArguments {
  return request.replaceOriginal ? { replace_original: true, ...message } : { response_type: visibility, ...message };
}

function slackErrorOf(error: unknown): Record<string, unknown> {
  const shaped = error as { code?: unknown; statusCode?: unknown; data?: { error?: unknown } } | null;
  return { errorName: error instanceof Error ? error.name : typeof error, errorMessage: error instanceof Error ? error.message : String(error), statusCode: shaped?.statusCode, slackError: shaped?.data?.error };
}

/** respond(), and if Slack refuses it, the same message through the Web API. */
async function deliver(log: Logger, request: PostureRunRequest, message: SlackMessage, visibility: Visibility, what: string): Promise<boolean> {
  try {
    await request.respond(responseFor(request, message, visibility));
    return true;
  } catch (respondError) {
    log.warn({ ...slackErrorOf(respondError), what }, 'response_url refused the message; posting through the Web API instead');
  }
  if (!request.channelId) {
    log.error({ what }, 'could not deliver: no response_url and no channel');
    return false;
  }
  try {
    if (visibility === 'in_channel') {
      await request.client.chat.postMessage({ channel: request.channelId, text: message.text, blocks: message.blocks });
    } else {
      await request.client.chat.postEphemeral({ channel: request.channelId, user: request.userId, text: message.text, blocks: message.blocks });
    }
    return true;
  } catch (apiError) {
    log.error({ ...slackErrorOf(apiError), what }, 'could not deliver the message to Slack');
    return false;
  }
}

export async function runPostureForUser(deps: ListenerDeps, request: PostureRunRequest): Promise<void> {
  const log = deps.logger.child({ trigger: request.trigger, userId: request.userId, channelId: request.channelId, visibility: request.visibility });
  const running = renderRunning({ visibility: request.visibility });
  // The "running" note is a courtesy: if it cannot be shown, the report still is. It is always private for a command.
  if (!request.runningShownInAck) {
    try {
      await request.respond(request.replaceOriginal ? { replace_original: true, ...running } : { response_type: 'ephemeral', ...running });
    } catch (error) {
      log.warn(slackErrorOf(error), 'could not show the "running" message');
    }
  }

  const startedAt = Date.now();
  const accountKey = request.account?.id ?? SELF_ACCOUNT_KEY;
  let message: SlackMessage;
  let outcome: 'report' | 'failed' | 'cooldown';
  try {
    const run = await withTimeout(deps.postureRuns.request(accountKey, request.userId), deps.runTimeoutMs);
    if (run.kind === 'cooldown') {
      message = renderCooldown({ retryInMs: run.retryInMs });
      outcome = 'cooldown';
      log.info({ accountKey, retryInMs: run.retryInMs }, 'posture run refused: the user started one moments ago');
    } else {
      const report = run.value;
      message = renderPostureReport(report, request.account ? { account: request.account } : {});
      outcome = 'report';
      log.info({ durationMs: Date.now() - startedAt, source: run.source, accountId: report.account.id, passed: report.score.passed, total: report.score.total, findings: report.findings.length }, 'posture report ready');
    }
  } catch (error) {
    const failure = toUserFacingError(error, deps.describeRunError);
    message = renderError(failure.userMessage, request.account?.id);
    outcome = 'failed';
    log.error({ ...failure.details, accountKey, userMessage: failure.userMessage, durationMs: Date.now() - startedAt }, 'posture run failed');
  }
  const delivered = await deliver(log, request, maskMessageSecrets(message, deps.secretValues), request.visibility, outcome);
  if (delivered) log.info({ outcome }, 'posture result delivered');
}
