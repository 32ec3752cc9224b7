import { describe, expect, it } from 'vitest';
import { officeHoursText } from '../../../src/app/channel-texts.ts';
import { createTranslator } from '../../../src/bot/i18n.ts';
import { DEFAULT_POLICY, type PolicyConfig } from '../../../src/domain/policy/index.ts';

const translator = createTranslator();
const withAnnouncements = (announcements: PolicyConfig['announcements']): PolicyConfig => ({
  ...DEFAULT_POLICY,
  announcements,
});

describe('the web chat page tells announced hours (R003-3, R003-4)', () => {
  it('R003-3: extended hours on a Saturday: open, and the page says until when', () => {
    const policy = withAnnouncements([
      {
        kind: 'extension',
        country: 'MX',
        from: '2026-03-14T15:00:00Z',
        to: '2026-03-14T19:00:00Z',
        note: 'cierre de mes',
      },
    ]);
    const at = new Date('2026-03-14T16:00:00Z'); // Saturday 10:00 in CDMX
    const told = officeHoursText(translator, policy, 'webchat:closed', 'MX', 'es', at);
    expect(told.open).toBe(true);
    expect(told.notice).toContain('cierre de mes');
    expect(told.notice).toMatch(/13:00/);
    expect(officeHoursText(translator, DEFAULT_POLICY, 'webchat:closed', 'MX', 'es', at).open).toBe(
      false,
    );
  });

  it('R003-4: a suspension of the service on a working morning: closed, with the reason given', () => {
    const policy = withAnnouncements([
      {
        kind: 'suspension',
        from: '2026-03-10T15:00:00Z',
        to: '2026-03-10T18:00:00Z',
        note: 'technical trouble',
      },
    ]);
    const at = new Date('2026-03-10T16:00:00Z'); // Tuesday 10:00 in CDMX
    const told = officeHoursText(translator, policy, 'webchat:closed', 'MX', 'en', at);
    expect(told.open).toBe(false);
    expect(told.notice).toContain('technical trouble');
    expect(officeHoursText(translator, DEFAULT_POLICY, 'webchat:closed', 'MX', 'en', at)).toEqual({
      open: true,
      notice: null,
    });
  });
});
