// The posture report's reply for each audience, rendered once per report: requests that share a coalesced run (or
// reuse a recent one) get the very same report object from the run coordinator, so the 500 requesters of one run
// cost one render, one masking and one JSON serialization per audience instead of 500 (bench/ack-latency.ts).
// Kept as long as the report is (a WeakMap): a report no request holds any more is forgotten with its replies.
import type { RespondArguments } from '@slack/bolt';
import type { OverviewAccount, PostureReport } from '../../posture/index.js';
import { maskMessageSecrets, renderPostureReport, type SlackMessage } from '../blocks/index.js';
import { prepareReply, type PreparedReply } from './prepared-reply.js';
import type { Visibility } from './slack-client.js';

export interface ReportAudience {
  visibility: Visibility;
  /** A button click replaces the message that held the button; a command posts a new message. */
  replaceOriginal: boolean;
  /** The watched account as the organization names it (header, Run again); absent: the bot's own account. */
  account?: OverviewAccount;
}

/** A response_url body that is also a message (text and blocks) for the Web API fallback. */
export type MessageReply = RespondArguments & SlackMessage;

export interface ReportReplies {
  replyFor(report: PostureReport, audience: ReportAudience): PreparedReply<MessageReply>;
}

function audienceKey(audience: ReportAudience): string {
  const account = audience.account;
  // What the renderer reads of the account: two requests naming it the same way get the same message.
  return [audience.visibility, audience.replaceOriginal ? 'replace' : 'new', account?.id ?? '', account?.name ?? '', account?.ouPath ?? ''].join('\u0000');
}

export function createReportReplies(secretValues: readonly string[]): ReportReplies {
  const byReport = new WeakMap<PostureReport, Map<string, PreparedReply<MessageReply>>>();
  return {
    replyFor(report, audience) {
      let replies = byReport.get(report);
      if (!replies) byReport.set(report, (replies = new Map()));
      const key = audienceKey(audience);
      let reply = replies.get(key);
      if (!reply) {
        const message = maskMessageSecrets(renderPostureReport(report, audience.account ? { account: audience.account } : {}), secretValues);
        reply = prepareReply<MessageReply>(audience.replaceOriginal ? { replace_original: true, ...message } : { response_type: audience.visibility, ...message });
        replies.set(key, reply);
      }
      return reply;
    },
  };
}
