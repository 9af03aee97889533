import { WebAPIHTTPError, WebAPIPlatformError, WebAPIRateLimitedError, WebAPIRequestError } from '@slack/web-api';
import { describe, expect, it } from 'vitest';
import { classifySlackError } from '../../src/alerts/index.js';

// The error classes @slack/web-api v8 throws, built as the WebClient builds them.
const platform = (error: string) => new WebAPIPlatformError({ ok: false, error });

describe('classifySlackError', () => {
  it('429: rate limited with the Retry-After seconds', () => {
    expect(classifySlackError(new WebAPIRateLimitedError(7))).toMatchObject({ kind: 'rate-limited', retryAfterSeconds: 7 });
  });

  it('5xx and network errors are transient, and may have reached Slack', () => {
    expect(classifySlackError(new WebAPIHTTPError(503, 'Service Unavailable', {}, ''))).toEqual({ kind: 'transient', detail: 'HTTP 503 from Slack', mayHaveReachedSlack: true });
    expect(classifySlackError(new WebAPIRequestError(new Error('socket hang up')))).toMatchObject({ kind: 'transient', mayHaveReachedSlack: true, detail: 'network error: socket hang up' });
    expect(classifySlackError(platform('internal_error'))).toMatchObject({ kind: 'transient', mayHaveReachedSlack: true });
    expect(classifySlackError(platform('service_unavailable'))).toMatchObject({ kind: 'transient', mayHaveReachedSlack: false });
  });

  it('setup problems name the fix and whether they concern one channel or the workspace', () => {
    expect(classifySlackError(platform('channel_not_found'))).toMatchObject({ kind: 'setup', code: 'channel_not_found', scope: 'channel', hint: expect.stringMatching(/ALERT_CHANNEL/) });
    expect(classifySlackError(platform('not_in_channel'))).toMatchObject({ kind: 'setup', scope: 'channel', hint: expect.stringMatching(/\/invite/) });
    expect(classifySlackError(platform('invalid_auth'))).toMatchObject({ kind: 'setup', scope: 'workspace', hint: expect.stringMatching(/SLACK_BOT_TOKEN/) });
    expect(classifySlackError(platform('missing_scope'))).toMatchObject({ kind: 'setup', scope: 'workspace' });
  });

  it('messages Slack refuses for good, and codes this build does not know', () => {
    expect(classifySlackError(platform('invalid_blocks'))).toMatchObject({ kind: 'rejected', code: 'invalid_blocks' });
    expect(classifySlackError(platform('message_not_found'))).toMatchObject({ kind: 'rejected', code: 'message_not_found' });
    expect(classifySlackError(platform('brand_new_error'))).toMatchObject({ kind: 'unknown', code: 'brand_new_error' });
    expect(classifySlackError(new TypeError('render bug'))).toEqual({ kind: 'unknown', code: 'internal', detail: 'render bug' });
  });
});
