import { describe, expect, it } from 'vitest';
import { loadServeConfig, ConfigError } from '../src/config.js';

describe('config', () => {
  it('names each missing variable and how to set it', () => {
    let caught: unknown;
    try {
      loadServeConfig({});
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const message = (caught as ConfigError).message;
    expect(message).toContain('SLACK_BOT_TOKEN is not set');
    expect(message).toContain('SLACK_SIGNING_SECRET is not set');
  });
});

describe('config values', () => {
  it('rejects malformed numbers, ids and URLs with the variable name', () => {
    expect(() =>
      loadServeConfig({
        SLACK_BOT_TOKEN: 'xoxb-1',
        SLACK_SIGNING_SECRET: 's',
        PORT: 'eighty',
        ALLOWED_USERS: 'U123,bob',
        SLACK_API_URL: 'ftp://x',
      }),
    ).toThrowError(/PORT="eighty"[\s\S]*SLACK_API_URL="ftp:\/\/x"[\s\S]*ALLOWED_USERS: "bob"/);
  });

  it('chooses Socket Mode when an app token is given and needs no signing secret then', () => {
    const config = loadServeConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1', ALERT_CHANNEL: 'C0SECURITY' });
    expect(config.slack.mode).toBe('socket');
    expect(config.slack.apiUrl).toBe('https://slack.com/api/');
    expect(config.posture.rootUsedWarnDays).toBe(90);
  });
});

describe('serve config gathers every room', () => {
  it('reports alert, poll and summary problems together with Slack ones', () => {
    expect(() =>
      loadServeConfig({
        SLACK_BOT_TOKEN: 'xoxb-1',
        SLACK_APP_TOKEN: 'xapp-1',
        ALERT_CHANNEL: '#security',
        POLL_SCHEDULE: 'every minute',
        SUMMARY_TIMEZONE: 'Mars/Olympus',
      }),
    ).toThrowError(/ALERT_CHANNEL="#security"[\s\S]*POLL_SCHEDULE="every minute"[\s\S]*SUMMARY_TIMEZONE="Mars\/Olympus"/);
  });
});

describe('HEALTH_PORT', () => {
  const socket = { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1', ALERT_CHANNEL: 'C0SECURITY' };
  const http = { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's', ALERT_CHANNEL: 'C0SECURITY' };

  it('is PORT unless set, in Socket Mode', () => {
    expect(loadServeConfig({ ...socket, PORT: '8080' }).healthPort).toBe(8080);
    expect(loadServeConfig({ ...socket, PORT: '8080', HEALTH_PORT: '9100' }).healthPort).toBe(9100);
  });

  it('is PORT in HTTP mode, and a different HEALTH_PORT there is refused with the reason', () => {
    expect(loadServeConfig({ ...http, PORT: '8080' }).healthPort).toBe(8080);
    expect(() => loadServeConfig({ ...http, PORT: '8080', HEALTH_PORT: '9100' })).toThrowError(/HEALTH_PORT=9100 applies to Socket Mode only: in HTTP mode \/healthz, \/readyz and \/metrics are served on PORT \(8080\)/);
  });
});
