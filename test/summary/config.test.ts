import { describe, expect, it } from 'vitest';
import { DEFAULT_SUMMARY_SCHEDULE, parseSummaryConfig, scheduleProblem } from '../../src/summary/config.js';

describe('parseSummaryConfig', () => {
  it('defaults to Mondays at 09:00 UTC', () => {
    expect(parseSummaryConfig({})).toEqual({ config: { schedule: '0 9 * * 1', timezone: 'UTC' }, problems: [] });
    expect(parseSummaryConfig({ SUMMARY_SCHEDULE: '  ', SUMMARY_TIMEZONE: '' }).problems).toEqual([]);
  });

  it('accepts a valid schedule and zone, canonicalizing the zone', () => {
    expect(parseSummaryConfig({ SUMMARY_SCHEDULE: '30 8 * * mon', SUMMARY_TIMEZONE: 'europe/berlin' })).toEqual({
      config: { schedule: '30 8 * * mon', timezone: 'Europe/Berlin' },
      problems: [],
    });
  });

  it('names SUMMARY_TIMEZONE and shows examples for an unknown zone', () => {
    const { problems, config } = parseSummaryConfig({ SUMMARY_TIMEZONE: 'Europe/Berln' });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^SUMMARY_TIMEZONE="Europe\/Berln" is not an IANA time zone name: use one like UTC, Europe\/Berlin/);
    expect(config.timezone).toBe('UTC');
  });

  it('names SUMMARY_SCHEDULE and says which field is wrong', () => {
    const { problems, config } = parseSummaryConfig({ SUMMARY_SCHEDULE: '0 25 * * 1' });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('SUMMARY_SCHEDULE="0 25 * * 1" is not a cron expression node-cron accepts');
    expect(problems[0]).toContain('25 is a invalid expression for hour');
    expect(config.schedule).toBe(DEFAULT_SUMMARY_SCHEDULE);
  });

  it('collects both problems at once', () => {
    expect(parseSummaryConfig({ SUMMARY_SCHEDULE: 'every monday', SUMMARY_TIMEZONE: 'Nowhere' }).problems).toHaveLength(2);
  });
});

describe('scheduleProblem', () => {
  it('accepts weekly shapes, including several runs a week and a seconds field', () => {
    for (const expression of ['0 9 * * 1', '0 9 * * 1-5', '15 7 * * sun', '0 0 9 * * 1', '@weekly']) expect(scheduleProblem(expression), expression).toBeNull();
  });

  it('refuses schedules that skip weeks: the summary is weekly and posts once a week', () => {
    expect(scheduleProblem('0 9 1 * *')).toMatch(/must fire every week/);
    expect(scheduleProblem('0 9 * 1 1')).toMatch(/must fire every week/);
    expect(scheduleProblem('0 9 L * *')).toMatch(/must fire every week/);
  });
});
