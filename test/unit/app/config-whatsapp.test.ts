import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/app/config.ts';
import { ConfigurationError } from '../../../src/domain/errors.ts';

describe('WhatsApp configuration (issue 14)', () => {
  it('is off by default; WHATSAPP_ENABLED=true adds it to the channels served', async () => {
    expect((await loadConfig({})).channels).not.toContain('whatsapp');
    const on = await loadConfig({ WHATSAPP_ENABLED: 'true' });
    expect(on.channels).toEqual(['http-json', 'webchat', 'whatsapp']);
    expect(on.whatsapp.pairingPhone).toBeNull();
    expect((await loadConfig({ ATIENDE_CHANNELS: 'whatsapp' })).channels).toEqual(['whatsapp']);
  });

  it('takes the pairing number as written with its country code, and keeps its digits', async () => {
    const mx = await loadConfig({
      WHATSAPP_ENABLED: 'true',
      WHATSAPP_PAIRING_PHONE: '+52 1 55 1234 5678',
    });
    expect(mx.whatsapp.pairingPhone).toBe('5215512345678');
    const ar = await loadConfig({ WHATSAPP_PAIRING_PHONE: '5491123456789' });
    expect(ar.whatsapp.pairingPhone).toBe('5491123456789');
  });

  it.each([
    ['WHATSAPP_ENABLED', 'yes', 'must be true or false'],
    ['WHATSAPP_PAIRING_PHONE', '55 1234 5678', 'country code'],
    ['WHATSAPP_PAIRING_PHONE', '+52 12', 'country code'],
    ['WHATSAPP_PAIRING_PHONE', 'my phone', 'country code'],
  ])('refuses %s=%s naming the variable', async (name, value, message) => {
    const error = await loadConfig({ [name]: value }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toContain(name);
    expect((error as Error).message).toContain(message);
  });

  it('refuses WHATSAPP_ENABLED=false while ATIENDE_CHANNELS names whatsapp', async () => {
    const error = await loadConfig({
      WHATSAPP_ENABLED: 'false',
      ATIENDE_CHANNELS: 'http-json,whatsapp',
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toContain('WHATSAPP_ENABLED');
  });
});
