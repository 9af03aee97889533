// ALERT_ROUTES: parsing (each bad entry named) and the routing decision (pure): account, nearest OU, *, ALERT_CHANNEL.
import { describe, expect, it } from 'vitest';
import { alertChannelFor, parseAlertRoutes, routedChannels } from '../../src/alerts/index.js';
import { loadServeConfig, ConfigError } from '../../src/config.js';

const ROOT = 'r-ab12';
const PROD = 'ou-ab12-prod0001';
const PROD_EU = 'ou-ab12-prodeu01';
const DEV = 'ou-ab12-cdef3456';

function routesOf(raw: string) {
  const { routes, problems } = parseAlertRoutes(raw);
  expect(problems).toEqual([]);
  return routes;
}

describe('parseAlertRoutes', () => {
  it('reads accounts, OUs, the root and *', () => {
    const routes = routesOf(`210987654321=C0PROD0001, ${DEV}=C0DEV00001,${ROOT}=C0ROOTALL1,*=C0SECURITY`);
    expect([...routes.accounts]).toEqual([['210987654321', 'C0PROD0001']]);
    expect([...routes.units]).toEqual([[DEV, 'C0DEV00001'], [ROOT, 'C0ROOTALL1']]);
    expect(routes.fallback).toBe('C0SECURITY');
    expect(routedChannels(routes, 'C0ALERTS')).toEqual(['C0ALERTS', 'C0SECURITY', 'C0PROD0001', 'C0DEV00001', 'C0ROOTALL1']);
  });

  it('is empty when unset or blank', () => {
    for (const raw of [undefined, '', '  ']) {
      const { routes, problems } = parseAlertRoutes(raw);
      expect(problems).toEqual([]);
      expect(routes.accounts.size + routes.units.size).toBe(0);
      expect(routes.fallback).toBeNull();
    }
  });

  it('names the variable and each bad entry', () => {
    const { problems } = parseAlertRoutes('21098765432=C0PROD0001,ou-ab12-cdef3456=#dev,prod,*=C0SECURE1,*=C0OTHER01,=C0X00001,123456789012=');
    expect(problems).toHaveLength(6);
    expect(problems[0]).toBe('ALERT_ROUTES: "21098765432=C0PROD0001": "21098765432" is not a 12-digit account id, an OU id (ou-…), a root id (r-…) or *');
    expect(problems[1]).toContain('ALERT_ROUTES: "ou-ab12-cdef3456=#dev": "#dev" is not a channel ID');
    expect(problems[2]).toMatch(/^ALERT_ROUTES: "prod" is not TARGET=CHANNEL/);
    expect(problems[3]).toBe('ALERT_ROUTES: "*=C0OTHER01": * is routed twice; keep one entry for it');
    expect(problems[4]).toMatch(/^ALERT_ROUTES: "=C0X00001" is not TARGET=CHANNEL/);
    expect(problems[5]).toMatch(/^ALERT_ROUTES: "123456789012=" is not TARGET=CHANNEL/);
  });
});

describe('alertChannelFor', () => {
  const routes = routesOf(`210987654321=C0ACCOUNT1,${PROD}=C0PROD0001,${PROD_EU}=C0PRODEU11,*=C0SECURITY`);
  const at = (accountId: string, ouPath: string[]) => alertChannelFor(routes, { accountId, ouPath }, 'C0ALERTS');

  it('prefers the account over any OU it sits in', () => {
    expect(at('210987654321', [ROOT, PROD, PROD_EU])).toBe('C0ACCOUNT1');
  });
  it('takes the nearest OU up the path', () => {
    expect(at('111111111111', [ROOT, PROD, PROD_EU])).toBe('C0PRODEU11');
    expect(at('111111111111', [ROOT, PROD, 'ou-ab12-produs01'])).toBe('C0PROD0001');
  });
  it('falls back to *, then to ALERT_CHANNEL', () => {
    expect(at('111111111111', [ROOT, DEV])).toBe('C0SECURITY');
    expect(at('111111111111', [])).toBe('C0SECURITY');
    expect(alertChannelFor(routesOf(`${PROD}=C0PROD0001`), { accountId: '111111111111', ouPath: [ROOT] }, 'C0ALERTS')).toBe('C0ALERTS');
    expect(alertChannelFor(parseAlertRoutes(undefined).routes, { accountId: '210987654321', ouPath: [ROOT, PROD] }, 'C0ALERTS')).toBe('C0ALERTS');
  });
});

describe('ALERT_ROUTES in the serve configuration', () => {
  const base = { SLACK_BOT_TOKEN: 'xoxb-1-2-3', SLACK_SIGNING_SECRET: 'secret', ALERT_CHANNEL: 'C0ALERTS', WATCH_ACCOUNTS: 'organization' };

  it('stops the bot naming the variable and the bad entry', () => {
    const load = () => loadServeConfig({ ...base, ALERT_ROUTES: '210987654321=C0PROD0001,ou-bad=C0DEV00001' });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow('ALERT_ROUTES: "ou-bad=C0DEV00001": "ou-bad" is not a 12-digit account id');
  });

  it('refuses OU routes when only the bot\'s own account is watched', () => {
    expect(() => loadServeConfig({ ...base, WATCH_ACCOUNTS: 'self', ALERT_ROUTES: `${DEV}=C0DEV00001` })).toThrow(`ALERT_ROUTES names ${DEV}, but WATCH_ACCOUNTS is self`);
    expect(loadServeConfig({ ...base, WATCH_ACCOUNTS: 'self', ALERT_ROUTES: '210987654321=C0PROD0001' }).alerts.routes.accounts.get('210987654321')).toBe('C0PROD0001');
  });

  it('keeps the routes', () => {
    const config = loadServeConfig({ ...base, ALERT_ROUTES: `${DEV}=C0DEV00001,*=C0SECURITY` });
    expect(config.alerts.routes.units.get(DEV)).toBe('C0DEV00001');
    expect(config.alerts.routes.fallback).toBe('C0SECURITY');
    expect(config.alerts.alertChannel).toBe('C0ALERTS');
  });
});
