import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config.js';
import { loadPollConfig, readPollConfig } from '../../src/activity/poll-config.js';

describe('poll config', () => {
  it('has the documented defaults', () => {
    expect(loadPollConfig({})).toEqual({ schedule: '* * * * *', regions: null, overlapMinutes: 15, initialLookbackHours: 24, eventsQueueUrl: null, eventsStackSetName: 'aws-root-guard-member-root-event-rules' });
  });

  it('reads every variable', () => {
    const config = loadPollConfig({ POLL_SCHEDULE: '*/5 * * * *', AWS_REGIONS: ' eu-west-1, us-gov-west-1 ,eu-west-1,', POLL_OVERLAP_MINUTES: '30', POLL_INITIAL_LOOKBACK_HOURS: '72', EVENTS_QUEUE_URL: ' https://sqs.eu-west-1.amazonaws.com/123456789012/aws-root-guard-root-events ', EVENTS_STACK_SET_NAME: ' our-root-rules ' });
    expect(config).toEqual({ schedule: '*/5 * * * *', regions: ['eu-west-1', 'us-gov-west-1'], overlapMinutes: 30, initialLookbackHours: 72, eventsQueueUrl: 'https://sqs.eu-west-1.amazonaws.com/123456789012/aws-root-guard-root-events', eventsStackSetName: 'our-root-rules' });
  });

  it('collects every problem, each naming its variable', () => {
    const { problems } = readPollConfig({ POLL_SCHEDULE: 'every minute', AWS_REGIONS: 'us-east-1,Ireland', POLL_OVERLAP_MINUTES: '0', POLL_INITIAL_LOOKBACK_HOURS: '9999' });
    expect(problems).toHaveLength(4);
    expect(problems[0]).toMatch(/^POLL_SCHEDULE="every minute" is not a cron expression/);
    expect(problems[1]).toMatch(/^AWS_REGIONS: "Ireland" is not a Region code/);
    expect(problems[2]).toMatch(/^POLL_OVERLAP_MINUTES="0" is not a whole number of minutes from 1 to 1440/);
    expect(problems[3]).toMatch(/^POLL_INITIAL_LOOKBACK_HOURS="9999" .* from 1 to 2160/);
    expect(() => loadPollConfig({ POLL_OVERLAP_MINUTES: 'ten' })).toThrow(ConfigError);
  });

  it('EVENTS_QUEUE_URL must be a queue URL, not an ARN or a name', () => {
    for (const wrong of ['arn:aws:sqs:us-east-1:123456789012:aws-root-guard-root-events', 'aws-root-guard-root-events', 'https://sqs.us-east-1.amazonaws.com/aws-root-guard-root-events']) {
      expect(readPollConfig({ EVENTS_QUEUE_URL: wrong }).problems).toEqual([expect.stringMatching(/^EVENTS_QUEUE_URL=".*" is not an SQS queue URL: use the QueueUrl output of deploy\/org-events.yaml/)]);
    }
  });

  it('EVENTS_STACK_SET_NAME must be a StackSet name, not an ARN', () => {
    for (const wrong of ['arn:aws:cloudformation:us-east-1:123456789012:stackset/rules:1', '1-rules', 'root_rules']) {
      expect(readPollConfig({ EVENTS_STACK_SET_NAME: wrong }).problems).toEqual([expect.stringMatching(/^EVENTS_STACK_SET_NAME=".*" is not a StackSet name .*leave it empty for aws-root-guard-member-root-event-rules$/)]);
    }
  });

  it('accepts a six-field schedule with seconds', () => {
    expect(readPollConfig({ POLL_SCHEDULE: '*/30 * * * * *' }).problems).toEqual([]);
  });
});
