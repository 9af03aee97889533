// The events queue's SQS client honours an endpoint set the SDK's way (AWS_ENDPOINT_URL_SQS, AWS_ENDPOINT_URL: a VPC
// endpoint, an emulator) instead of the host in the queue's URL, which the SDK's SQS client otherwise sends to. moto
// answers for the queue whatever host its URL names; the queue URL here names real AWS, which this machine cannot
// reach, so only a call that went to the configured endpoint can answer.
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, describe, expect, it } from 'vitest';
import { configuredSqsEndpoint, createEventsQueueClient } from '../../src/aws/sqs.js';
import { MOTO_CREDENTIALS, motoSkipReason, startMoto } from '../fakes/moto.js';

const moto = await startMoto();
const QUEUE = 'aws-root-guard-endpoint-test';
const AWS_QUEUE_URL = `https://sqs.us-east-1.amazonaws.com/123456789012/${QUEUE}`;

afterAll(async () => {
  await moto?.stop();
});

describe('configuredSqsEndpoint', () => {
  it('reads AWS_ENDPOINT_URL_SQS, then AWS_ENDPOINT_URL, and none when configured endpoints are ignored', () => {
    expect(configuredSqsEndpoint({ AWS_ENDPOINT_URL_SQS: ' http://sqs.local ', AWS_ENDPOINT_URL: 'http://all.local' })).toBe('http://sqs.local');
    expect(configuredSqsEndpoint({ AWS_ENDPOINT_URL: 'http://all.local' })).toBe('http://all.local');
    expect(configuredSqsEndpoint({ AWS_ENDPOINT_URL_SQS: 'http://sqs.local', AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' })).toBeNull();
    expect(configuredSqsEndpoint({})).toBeNull();
  });
});

describe.skipIf(!moto)(`the events queue client and a configured endpoint ${motoSkipReason()}`, () => {
  it('sends to AWS_ENDPOINT_URL_SQS, not to the QueueUrl\'s host', async () => {
    const setup = new SQSClient({ region: 'us-east-1', endpoint: moto!.url, credentials: MOTO_CREDENTIALS });
    await setup.send(new CreateQueueCommand({ QueueName: QUEUE, Attributes: { VisibilityTimeout: '45' } }));
    setup.destroy();
    const saved = process.env.AWS_ENDPOINT_URL_SQS;
    process.env.AWS_ENDPOINT_URL_SQS = moto!.url;
    const sqs = createEventsQueueClient({ region: 'us-east-1', credentials: MOTO_CREDENTIALS, maxAttempts: 1, connectionTimeoutMs: 1_000 }, AWS_QUEUE_URL);
    try {
      const answer = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: AWS_QUEUE_URL, AttributeNames: ['VisibilityTimeout'] }));
      expect(answer.Attributes?.VisibilityTimeout).toBe('45');
    } finally {
      sqs.destroy();
      if (saved === undefined) delete process.env.AWS_ENDPOINT_URL_SQS;
      else process.env.AWS_ENDPOINT_URL_SQS = saved;
    }
  });

  it('without one, the QueueUrl\'s host is used as before (here: moto\'s)', async () => {
    const sqs = createEventsQueueClient({ region: 'us-east-1', credentials: MOTO_CREDENTIALS, maxAttempts: 1, connectionTimeoutMs: 1_000, requestTimeoutMs: 2_000 }, AWS_QUEUE_URL, {});
    try {
      const answer = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: `${moto!.url}/123456789012/${QUEUE}`, AttributeNames: ['VisibilityTimeout'] }));
      expect(answer.Attributes?.VisibilityTimeout).toBe('45');
    } finally {
      sqs.destroy();
    }
  });
});
