// Unicode control and format characters (NUL, bidi overrides, zero-width spaces) in what an attacker controls
// (user agent, source IP, request parameters) must not reach what responders read: the alert, its headline and
// fallback text, the acknowledge modal, the "Show event" record.
import { describe, expect, it } from 'vitest';
import { acknowledgeModal, renderAlert, stripInvisible } from '../../../src/slack/blocks/index.js';
import { alertHeadline } from '../../../src/alerts/index.js';
import { renderEventRecord } from '../../../src/slack/blocks/alert-record.js';
import { openSqliteStore } from '../../../src/store/index.js';
import { commit, polledFixture } from '../alerts/support.js';

const INVISIBLE = /[\p{Cc}\p{Cf}]/u;
/** Every string in a rendered message but the newlines our own layout puts there. */
const visibleStrings = (value: unknown): string[] => JSON.stringify(value).match(/"(?:[^"\\]|\\.)*"/g)!.map((quoted) => (JSON.parse(quoted) as string).replace(/\n/g, ''));

const BIDI = '\u202E';
const overrides = {
  userAgent: `Mozilla/5.0 ${BIDI}cod.exe\u0000 evil\u200B\u2066`,
  sourceIPAddress: `203.0.113.7\u200B${BIDI}`,
  requestParameters: { userName: `admin${BIDI}nimda\u0000`, policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess\u200D' },
};

describe('stripInvisible', () => {
  it('drops Cc and Cf characters but newline and tab, and keeps everything visible', () => {
    expect(stripInvisible(`a\u0000b${BIDI}c\u200Bd\u00ADe\u2066f\u0007g\nh\ti é 👍`)).toBe('abcdefg\nh\ti é 👍');
  });
});

describe('renderers of untrusted text', () => {
  it('show no control or format character from the user agent, source IP or request parameters', async () => {
    const store = openSqliteStore({ path: ':memory:' });
    const polled = polledFixture('root-console-login-success-no-mfa', overrides);
    await commit(store, [polled]);
    const alert = (await store.listOpenAlerts())[0]!;
    const alertEvents = (await store.listAlertEvents(alert.id)).map((row) => row.event);
    expect(alertEvents[0]!.userAgent).toContain(BIDI);

    const message = renderAlert(alert, alertEvents, { accountAlias: 'prod' });
    const headline = alertHeadline(alert, alertEvents, 'prod');
    const modal = acknowledgeModal({ alertId: alert.id, channel: 'C0SECURITY', messageTs: '1.2' }, headline);
    const record = renderEventRecord({ eventId: alertEvents[0]!.eventId, region: 'us-east-1', rawRecord: polled.rawRecord, requestedBy: 'U0BOB' });
    for (const rendered of [message, modal, record]) {
      const offending = visibleStrings(rendered).filter((text) => INVISIBLE.test(text));
      expect(offending).toEqual([]);
    }
    // Stripped, not dropped: the text around them is still shown.
    expect(JSON.stringify(message)).toContain('203.0.113.7');
    expect(JSON.stringify(record)).toContain('adminnimda');
    await store.close();
  });
});
