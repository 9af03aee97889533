// The events queue's SQS client counts its failed calls in the AWS error metrics like every other client: a real
// SDK client against moto's SQS, a queue that does not exist.
import { CreateQueueCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, describe, expect, it } from 'vitest';
import { createEventsQueueClient } from '../../src/aws/index.js';
import { countAwsErrors, createBotMetrics } from '../../src/metrics/index.js';
import { MOTO_CREDENTIALS, motoSkipReason, startMoto } from '../fakes/moto.js';
import { sample } from '../support/metrics-sample.js';

const moto = await startMoto();
afterAll(() => moto?.stop());

describe.skipIf(!moto)(`SQS errors in the metrics ${motoSkipReason()}`, () => {
  it('counts a failed ReceiveMessage by service, operation and code; a call that succeeds counts nothing', async () => {
    const metrics = createBotMetrics({ processMetrics: false });
    const admin = new SQSClient({ region: 'us-east-1', endpoint: moto!.url, credentials: MOTO_CREDENTIALS });
    const queueUrl = (await admin.send(new CreateQueueCommand({ QueueName: 'metrics-queue' }))).QueueUrl!;
    const missingUrl = queueUrl.replace('metrics-queue', 'no-such-queue');
    const sqs = createEventsQueueClient({ region: 'us-east-1', endpoint: moto!.url, credentials: MOTO_CREDENTIALS, maxAttempts: 1, onClient: countAwsErrors(metrics) }, missingUrl);
    try {
      await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 0 }));
      await expect(sqs.send(new ReceiveMessageCommand({ QueueUrl: missingUrl, WaitTimeSeconds: 0 }))).rejects.toBeTruthy();
      const text = await metrics.registry.metrics();
      expect(sample(text, 'aws_root_guard_aws_errors_total', { service: 'SQS', operation: 'ReceiveMessage' })).toBe(1);
      // SQS names a missing queue with its query-protocol code (or the JSON protocol's QueueDoesNotExist).
      expect(text.match(/^aws_root_guard_aws_errors_total\{.*code="([^"]+)"/gm)).toEqual([expect.stringMatching(/NonExistentQueue|QueueDoesNotExist/)]);
    } finally {
      sqs.destroy();
      admin.destroy();
    }
  });
});
