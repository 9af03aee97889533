// A check that newly fails between two posture scans of an account ("a root access key was created"), posted to
// the alert channel at once: the account, each newly failing check with its evidence and fix, and the two scan times.
// Pure; the outbox keeps the payload, so what is posted is what the scan saw.
import type { KnownBlock } from '@slack/types';
import type { Finding, NewlyFailing, OverviewAccount } from '../../posture/index.js';
import { slackDate } from './alert-date.js';
import { BLOCK_KIT_LIMITS } from './limits.js';
import { maskSecrets } from './mask.js';
import type { SlackMessage } from './message.js';
import { SEVERITY_LABEL, STATUS_EMOJI } from './status.js';
import { escapeMrkdwn, mrkdwn, mrkdwnLink, plainText, truncate, untrustedMrkdwn } from './text.js';

/** What the outbox row holds: the diff, with the account as the organization names it. */
export type PostureAlertPayload = NewlyFailing;

const FINDINGS_SHOWN = 20;

function accountLabel(account: OverviewAccount): string {
  const name = account.name ?? account.alias;
  return name ? `${name} (${account.id})` : account.id;
}

function findingSection(finding: Finding): KnownBlock {
  const text = [
    `${STATUS_EMOJI.fail} *${untrustedMrkdwn(finding.title, 200)}*  ·  ${SEVERITY_LABEL[finding.severity] ?? escapeMrkdwn(String(finding.severity))}`,
    finding.evidence ? untrustedMrkdwn(finding.evidence, 1200) : '_no evidence recorded_',
    `*Fix:* ${untrustedMrkdwn(finding.remediation?.text ?? '', 1000)} ${mrkdwnLink(finding.remediation?.url ?? '', 'AWS docs')}`,
  ].join('\n');
  return { type: 'section', text: mrkdwn(truncate(text, BLOCK_KIT_LIMITS.sectionText)) };
}

export function renderPostureAlert(payload: PostureAlertPayload): SlackMessage {
  const label = accountLabel(payload.account);
  const checks = payload.findings.map((finding) => finding.title).join('; ');
  const shown = payload.findings.slice(0, FINDINGS_SHOWN);
  const hidden = payload.findings.length - shown.length;
  const where = payload.account.ouPath ? `  ·  OU ${untrustedMrkdwn(payload.account.ouPath, 200)}` : '';
  const blocks: KnownBlock[] = [
    { type: 'header', text: plainText(`Root posture got worse: ${label}`, BLOCK_KIT_LIMITS.headerText) },
    { type: 'section', text: mrkdwn(`*${payload.findings.length} ${payload.findings.length === 1 ? 'check fails' : 'checks fail'} that did not at the previous scan* in account \`${escapeMrkdwn(payload.account.id)}\`${where}`) },
    ...shown.map(findingSection),
  ];
  if (hidden > 0) blocks.push({ type: 'section', text: mrkdwn(`… and ${hidden} more (\`/aws-root-check ${escapeMrkdwn(payload.account.id)}\` shows the full report).`) });
  blocks.push({ type: 'context', elements: [mrkdwn(`Not failing at the scan of ${slackDate(payload.previousAt)}; failing at the scan of ${slackDate(payload.currentAt)}`)] });
  return { text: maskSecrets(truncate(`Root posture got worse in ${label}: ${checks}`, BLOCK_KIT_LIMITS.sectionText)), blocks };
}

/** The payload back from the outbox row; null when it is not one (a row written by another version). */
export function postureAlertPayload(payload: Record<string, unknown>): PostureAlertPayload | null {
  const account = payload.account as OverviewAccount | undefined;
  if (!account || typeof account.id !== 'string' || !Array.isArray(payload.findings)) return null;
  if (typeof payload.previousAt !== 'string' || typeof payload.currentAt !== 'string') return null;
  return payload as unknown as PostureAlertPayload;
}
