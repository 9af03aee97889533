// The SQS source: long-polls the queue an EventBridge rule fills with the organization's root events, classifies
// each message's CloudTrail record with the same classifier as the poller, commits to the store, and deletes
// the messages only after the commit.
// - A message that is not an EventBridge CloudTrail event (or whose record cannot be read) is counted, kept in
//   the store with the reason, and deleted: it would never read better next time.
// - A valid record that is not root activity is deleted too (the rule forwards more than the classifier keeps).
// - A batch whose commit fails is committed again one message at a time, so one bad message does not hold back
//   the other nine; a message that still fails is NOT deleted: it comes back after the visibility timeout and,
//   after the queue's maxReceiveCount, moves to the dead-letter queue.
// - The poller may read the same event: the store deduplicates by eventID, so it alerts once.
import { DeleteMessageBatchCommand, GetQueueAttributesCommand, ReceiveMessageCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';
import type { Logger } from '../../log.js';
import { awsErrorCode } from '../../aws/index.js';
import type { IngestedRootEvent, IngestSink, UnreadableRecord } from '../ingest.js';
import type { RecordClassifier } from '../model.js';
import { classifyActivityRecord } from '../assume-root.js';
import { readEventBridgeMessage } from './eventbridge-envelope.js';
import type { ActivitySource, OnIngested } from './source.js';

export const SQS_WAIT_TIME_SECONDS = 20;
export const SQS_MAX_MESSAGES = 10;

export interface SqsSourceStats {
  received: number;
  /** Root events stored for the first time. */
  inserted: number;
  /** Root events the store already had (the poller read them, or a redelivery). */
  duplicates: number;
  notRoot: number;
  unreadable: number;
  deleted: number;
  /** Messages left in the queue because their commit failed. */
  commitFailures: number;
  receiveErrors: number;
  deleteFailures: number;
  /** When the newest message was received (ISO), and when SQS says it was sent; null before the first. */
  lastMessageAt: string | null;
  lastMessageSentAt: string | null;
  /** The last ReceiveMessage failure, cleared by the next receive that works. */
  lastReceiveError: string | null;
}

export interface SqsSourceOptions {
  sqs: Pick<SQSClient, 'send'>;
  queueUrl: string;
  sink: IngestSink;
  logger: Logger;
  onIngested: OnIngested;
  classify?: RecordClassifier;
  /** Long-poll wait (tests shorten it); 20 s, SQS's maximum, by default. */
  waitTimeSeconds?: number;
  /** Backoff after a ReceiveMessage error. */
  receiveRetry?: { baseMs: number; maxMs: number };
}

export interface SqsSource extends ActivitySource {
  stats(): SqsSourceStats;
  /** One receive, commit and delete round (the loop runs these; tests and benchmarks may call it). */
  receiveOnce(signal?: AbortSignal): Promise<number>;
}

interface ReadMessage {
  message: Message;
  event: IngestedRootEvent | null;
  unreadable: UnreadableRecord | null;
}

function describe(error: unknown): string {
  return `${awsErrorCode(error)}: ${error instanceof Error ? error.message : String(error)}`;
}

export function createSqsSource(options: SqsSourceOptions): SqsSource {
  const { sqs, queueUrl, sink, logger } = options;
  const classify = options.classify ?? ((record: unknown) => classifyActivityRecord(record));
  const waitTimeSeconds = options.waitTimeSeconds ?? SQS_WAIT_TIME_SECONDS;
  const retry = options.receiveRetry ?? { baseMs: 1_000, maxMs: 60_000 };
  const stats: SqsSourceStats = { received: 0, inserted: 0, duplicates: 0, notRoot: 0, unreadable: 0, deleted: 0, commitFailures: 0, receiveErrors: 0, deleteFailures: 0, lastMessageAt: null, lastMessageSentAt: null, lastReceiveError: null };
  let abort: AbortController | null = null;
  let loop: Promise<void> | null = null;

  async function read(message: Message): Promise<ReadMessage> {
    const body = message.Body ?? '';
    const reading = readEventBridgeMessage(message.Body);
    if (!reading.readable) return { message, event: null, unreadable: { source: 'sqs', recordId: message.MessageId ?? reading.eventId, reason: reading.reason, body } };
    const classification = await classify(reading.record);
    if (classification.alert) return { message, event: { event: classification.event, rawRecord: JSON.stringify(reading.record) }, unreadable: null };
    if (classification.reason === 'malformed') return { message, event: null, unreadable: { source: 'sqs', recordId: message.MessageId ?? reading.eventId, reason: classification.error, body } };
    stats.notRoot += 1;
    return { message, event: null, unreadable: null };
  }

  /** Commits the messages together, or (if that fails) one by one; returns those committed. */
  async function commit(readMessages: readonly ReadMessage[]): Promise<ReadMessage[]> {
    const ingest = async (group: readonly ReadMessage[]) => {
      const result = await sink.ingestEvents({
        events: group.flatMap((item) => (item.event ? [item.event] : [])),
        unreadable: group.flatMap((item) => (item.unreadable ? [item.unreadable] : [])),
      });
      stats.inserted += result.inserted;
      stats.duplicates += result.duplicates;
      stats.unreadable += group.filter((item) => item.unreadable).length;
      if (result.inserted > 0) options.onIngested(result.inserted);
    };
    try {
      await ingest(readMessages);
      return [...readMessages];
    } catch (error) {
      if (readMessages.length === 1) {
        stats.commitFailures += 1;
        logger.error({ err: error, messageId: readMessages[0]?.message.MessageId }, 'events queue: could not store a message; it stays in the queue and comes back after its visibility timeout');
        return [];
      }
      logger.warn({ err: error }, 'events queue: could not store a batch; storing its messages one by one');
      const committed: ReadMessage[] = [];
      // One by one, in order: the store commits them in the order they arrived.
      for (const item of readMessages) committed.push(...(await commit([item])));
      return committed;
    }
  }

  async function deleteMessages(committed: readonly ReadMessage[]): Promise<void> {
    const entries = committed.flatMap((item, index) => (item.message.ReceiptHandle ? [{ Id: String(index), ReceiptHandle: item.message.ReceiptHandle }] : []));
    if (entries.length === 0) return;
    try {
      const answer = await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
      stats.deleted += answer.Successful?.length ?? 0;
      const failed = answer.Failed ?? [];
      stats.deleteFailures += failed.length;
      // Stored already: a message that comes back is a duplicate the store recognises.
      if (failed.length > 0) logger.warn({ failed: failed.map((entry) => ({ code: entry.Code, message: entry.Message })) }, 'events queue: some stored messages could not be deleted; they will come back and be recognised as duplicates');
    } catch (error) {
      stats.deleteFailures += entries.length;
      logger.warn({ err: error }, `events queue: DeleteMessageBatch failed (${describe(error)}); the stored messages will come back and be recognised as duplicates${awsErrorCode(error).startsWith('AccessDenied') ? '. Allow sqs:DeleteMessage on the queue' : ''}`);
    }
  }

  async function receiveOnce(signal?: AbortSignal): Promise<number> {
    const answer = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: SQS_MAX_MESSAGES, WaitTimeSeconds: waitTimeSeconds, MessageSystemAttributeNames: ['ApproximateReceiveCount', 'SentTimestamp'] }),
      signal ? { abortSignal: signal } : {},
    );
    stats.lastReceiveError = null;
    const messages = answer.Messages ?? [];
    if (messages.length === 0) return 0;
    stats.received += messages.length;
    stats.lastMessageAt = new Date().toISOString();
    const sentAtMs = Math.max(...messages.map((item) => Number(item.Attributes?.SentTimestamp ?? Number.NaN)).filter(Number.isFinite));
    if (Number.isFinite(sentAtMs)) stats.lastMessageSentAt = new Date(sentAtMs).toISOString();
    const readMessages: ReadMessage[] = [];
    for (const message of messages) readMessages.push(await read(message));
    for (const item of readMessages) if (item.unreadable) logger.warn({ messageId: item.message.MessageId, reason: item.unreadable.reason }, 'events queue: kept and deleted a message that is not a readable EventBridge CloudTrail event');
    await deleteMessages(await commit(readMessages));
    return messages.length;
  }

  async function run(controller: AbortController): Promise<void> {
    let failures = 0;
    while (!controller.signal.aborted) {
      try {
        await receiveOnce(controller.signal);
        failures = 0;
      } catch (error) {
        if (controller.signal.aborted) return;
        stats.receiveErrors += 1;
        stats.lastReceiveError = describe(error);
        const delayMs = Math.min(retry.maxMs, retry.baseMs * 2 ** failures);
        failures += 1;
        const denied = awsErrorCode(error).startsWith('AccessDenied') ? ` Allow sqs:ReceiveMessage on ${queueUrl} for the bot's identity.` : '';
        logger.error({ retryInSeconds: delayMs / 1000 }, `events queue: ReceiveMessage failed (${describe(error)}).${denied}`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, delayMs);
          controller.signal.addEventListener('abort', () => {
            clearTimeout(timer);
            resolve();
          }, { once: true });
        });
      }
    }
  }

  /** Says at start whether the queue is there and has a dead-letter queue; never stops the source. */
  async function checkQueue(): Promise<void> {
    try {
      const answer = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'VisibilityTimeout', 'RedrivePolicy'] }));
      const attributes = answer.Attributes ?? {};
      logger.info({ queueUrl, waiting: Number(attributes.ApproximateNumberOfMessages ?? 0), visibilityTimeoutSeconds: Number(attributes.VisibilityTimeout ?? 0) }, 'events queue: reading');
      if (!attributes.RedrivePolicy) logger.warn({ queueUrl }, 'events queue: the queue has no dead-letter queue (RedrivePolicy): a message that can never be stored comes back forever; deploy/org-events.yaml sets one');
    } catch (error) {
      const denied = awsErrorCode(error).startsWith('AccessDenied') ? ` Allow sqs:GetQueueAttributes on ${queueUrl}.` : '';
      logger.warn({ queueUrl }, `events queue: GetQueueAttributes failed (${describe(error)}).${denied} Reading anyway.`);
    }
  }

  return {
    name: 'sqs',
    stats: () => ({ ...stats }),
    receiveOnce,
    async start() {
      if (loop) return;
      await checkQueue();
      const controller = new AbortController();
      abort = controller;
      loop = run(controller);
    },
    async stop() {
      abort?.abort();
      await loop;
      loop = null;
      abort = null;
    },
  };
}
