// The age of the events queue's oldest message, for status. SQS does not return it from GetQueueAttributes: it
// publishes it to CloudWatch only, as AWS/SQS ApproximateAgeOfOldestMessage (seconds, dimension QueueName), once a
// minute while the queue is active; a queue woken from idle can take up to 15 minutes to show it. So the bot asks
// GetMetricData for the last 15 minutes at a 60 s period with the Maximum statistic (the oldest the message got in
// that minute) and shows the newest datapoint with its minute, or says there is none: never a made-up 0.
import { GetMetricDataCommand, type CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { queueAddress, toFactError } from '../../aws/index.js';
import type { OldestMessageAge } from '../coverage/model.js';

export const OLDEST_MESSAGE_METRIC = { namespace: 'AWS/SQS', metricName: 'ApproximateAgeOfOldestMessage', dimension: 'QueueName' } as const;
const WINDOW_MS = 15 * 60_000;
const PERIOD_SECONDS = 60;
const QUERY_ID = 'oldestMessage';

export async function readOldestMessageAge(cloudWatch: Pick<CloudWatchClient, 'send'>, queueUrl: string, now: Date = new Date()): Promise<OldestMessageAge> {
  const { accountId, name } = queueAddress(queueUrl);
  if (!name) return { error: `cannot tell the queue's name from ${queueUrl}` };
  // Whole minutes, as CloudWatch advises for a 60 s period: each datapoint then stands for one clock minute.
  const endTime = new Date(Math.ceil(now.getTime() / 60_000) * 60_000);
  const startTime = new Date(endTime.getTime() - WINDOW_MS);
  try {
    const answer = await cloudWatch.send(
      new GetMetricDataCommand({
        StartTime: startTime,
        EndTime: endTime,
        ScanBy: 'TimestampDescending',
        MetricDataQueries: [
          {
            Id: QUERY_ID,
            ReturnData: true,
            MetricStat: {
              Metric: { Namespace: OLDEST_MESSAGE_METRIC.namespace, MetricName: OLDEST_MESSAGE_METRIC.metricName, Dimensions: [{ Name: OLDEST_MESSAGE_METRIC.dimension, Value: name }] },
              Period: PERIOD_SECONDS,
              Stat: 'Maximum',
            },
          },
        ],
      }),
    );
    const result = answer.MetricDataResults?.find((candidate) => candidate.Id === QUERY_ID);
    const timestamps = result?.Timestamps ?? [];
    const values = result?.Values ?? [];
    // The newest datapoint, whatever order CloudWatch returned them in (Timestamps[i] is Values[i]'s).
    let newest: { at: Date; value: number } | null = null;
    for (const [index, at] of timestamps.entries()) {
      const value = values[index];
      if (value === undefined || !Number.isFinite(value)) continue;
      if (!newest || at.getTime() > newest.at.getTime()) newest = { at, value };
    }
    if (newest) return { ageSeconds: Math.max(0, Math.round(newest.value)), asOf: newest.at.toISOString() };
    // No datapoint and a status other than Complete (InternalError, Forbidden): CloudWatch's reason, not "none".
    if (result?.StatusCode && result.StatusCode !== 'Complete') {
      const messages = [...(result.Messages ?? []), ...(answer.Messages ?? [])].map((message) => `${message.Code ?? ''} ${message.Value ?? ''}`.trim()).filter(Boolean);
      return { error: `cloudwatch:GetMetricData answered ${result.StatusCode}${messages.length > 0 ? `: ${messages.join('; ')}` : ''}` };
    }
    return { ageSeconds: null, noDatapointSince: startTime.toISOString() };
  } catch (error) {
    // GetMetricData has no resource-level permissions: the fix is the action on "*" in the account named here.
    return { error: toFactError('cloudwatch:GetMetricData', error, { accountId }).message };
  }
}
