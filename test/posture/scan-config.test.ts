import { describe, expect, it } from 'vitest';
import { DEFAULT_POSTURE_SCHEDULE, parsePostureScanConfig } from '../../src/posture/index.js';
import { ConfigError, loadServeConfig } from '../../src/config.js';

const SERVE = { SLACK_BOT_TOKEN: 'xoxb-1-2-abc', SLACK_SIGNING_SECRET: 'secret', ALERT_CHANNEL: 'C0ALERTS' };

describe('POSTURE_SCHEDULE', () => {
  it('defaults to every 6 hours and takes any cron expression node-cron accepts', () => {
    expect(parsePostureScanConfig({})).toEqual({ config: { schedule: DEFAULT_POSTURE_SCHEDULE }, problems: [] });
    expect(DEFAULT_POSTURE_SCHEDULE).toBe('0 */6 * * *');
    expect(parsePostureScanConfig({ POSTURE_SCHEDULE: '30 2 * * *' }).config.schedule).toBe('30 2 * * *');
    expect(loadServeConfig({ ...SERVE, POSTURE_SCHEDULE: '*/15 * * * *' }).postureScan.schedule).toBe('*/15 * * * *');
  });

  it('refuses a malformed schedule, naming the variable and an example', () => {
    expect(() => loadServeConfig({ ...SERVE, POSTURE_SCHEDULE: 'every six hours' })).toThrow(ConfigError);
    try {
      loadServeConfig({ ...SERVE, POSTURE_SCHEDULE: 'every six hours' });
    } catch (error) {
      expect(String((error as Error).message)).toMatch(/POSTURE_SCHEDULE="every six hours" is not a cron expression .*"0 \*\/6 \* \* \*"/);
    }
  });
});
