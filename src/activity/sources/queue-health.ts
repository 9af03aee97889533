// What `/aws-root-check status` and `aws-root-guard status` read of the events queue live: its depth
// (GetQueueAttributes), the age of its oldest message (CloudWatch, queue-oldest-message.ts) and the depth of the
// dead-letter queue its RedrivePolicy names. A message in the dead-letter queue is an event the bot received but
// could never store, so it never alerted on it: status shows that count. Every part fails alone, with its reason.
import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { awsErrorCode, siblingQueueUrl } from '../../aws/index.js';
import type { DeadLetterQueueDepth, QueueDepth, QueueHealth } from '../coverage/model.js';
import { readOldestMessageAge } from './queue-oldest-message.js';

export interface QueueHealthClients {
  sqs: Pick<SQSClient, 'send'>;
  cloudWatch: Pick<CloudWatchClient, 'send'>;
}

function describe(error: unknown): string {
  return `${awsErrorCode(error)}: ${error instanceof Error ? error.message : String(error)}`;
}

function attributesFailure(error: unknown, where: string): string {
  const denied = awsErrorCode(error).startsWith('AccessDenied') ? ` (allow sqs:GetQueueAttributes on ${where})` : '';
  return `sqs:GetQueueAttributes failed: ${describe(error)}${denied}`;
}

/** The dead-letter queue's ARN from a RedrivePolicy attribute ('{"deadLetterTargetArn":"arn:…","maxReceiveCount":5}'). */
function deadLetterTargetArn(redrivePolicy: string | undefined): string | null {
  if (!redrivePolicy) return null;
  try {
    const target = (JSON.parse(redrivePolicy) as { deadLetterTargetArn?: unknown }).deadLetterTargetArn;
    return typeof target === 'string' && target ? target : null;
  } catch {
    return null;
  }
}

/** The depth (waiting, and received but not yet deleted) and, when asked, the RedrivePolicy's dead-letter queue. `where` names the queue in an AccessDenied hint: its URL, or the ARN (account and name) of a dead-letter queue. */
async function readDepth(sqs: Pick<SQSClient, 'send'>, queueUrl: string, options: { redrivePolicy: boolean; where?: string }): Promise<{ depth: QueueDepth; deadLetterArn: string | null }> {
  try {
    const answer = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', ...(options.redrivePolicy ? (['RedrivePolicy'] as const) : [])] }));
    const attributes = answer.Attributes ?? {};
    return { depth: { visible: Number(attributes.ApproximateNumberOfMessages ?? 0), inFlight: Number(attributes.ApproximateNumberOfMessagesNotVisible ?? 0) }, deadLetterArn: deadLetterTargetArn(attributes.RedrivePolicy) };
  } catch (error) {
    return { depth: { error: attributesFailure(error, options.where ?? queueUrl) }, deadLetterArn: null };
  }
}

async function readDeadLetterDepth(sqs: Pick<SQSClient, 'send'>, queueUrl: string, arn: string): Promise<DeadLetterQueueDepth> {
  const url = siblingQueueUrl(queueUrl, arn);
  // SQS keeps a dead-letter queue in its source queue's account and Region; one elsewhere is named, not read.
  if (!url) return { arn, error: `not read: not an SQS queue in the events queue's Region (${queueUrl})` };
  const { depth } = await readDepth(sqs, url, { redrivePolicy: false, where: arn });
  return { arn, ...depth };
}

export async function readQueueHealth(clients: QueueHealthClients, queueUrl: string, now: Date = new Date()): Promise<QueueHealth> {
  const [{ depth, deadLetterArn }, oldestMessage] = await Promise.all([readDepth(clients.sqs, queueUrl, { redrivePolicy: true }), readOldestMessageAge(clients.cloudWatch, queueUrl, now)]);
  const deadLetterQueue = deadLetterArn ? await readDeadLetterDepth(clients.sqs, queueUrl, deadLetterArn) : null;
  return { depth, oldestMessage, deadLetterQueue };
}
