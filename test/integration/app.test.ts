import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type App } from '../../src/bot/app.ts';
import { loadConfig } from '../../src/bot/config.ts';
import { testDatabaseUri } from '../support/database.ts';

describe('npm start: the app on a MongoDB server', () => {
  let app: App;
  let base: string;
  beforeAll(async () => {
    const config = await loadConfig({
      MONGODB_URI: testDatabaseUri(),
      ATIENDE_SEED_DEMO: 'true',
      LOG_LEVEL: 'silent',
    });
    app = await startApp(config, { port: 0 });
    base = `http://127.0.0.1:${app.port}`;
  });
  afterAll(() => app.stop());

  const chat = async (body: unknown) => {
    const res = await fetch(`${base}/api/chat`, { method: 'POST', body: JSON.stringify(body) });
    return {
      status: res.status,
      body: (await res.json()) as {
        outcome?: string;
        error?: string;
        replies?: { key: string; text: string }[];
      },
    };
  };

  it('answers health checks and metrics', async () => {
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect(await (await fetch(`${base}/metrics`)).text()).toContain('atiende_turns_answered_total');
  });

  it('talks over POST /api/chat with the demo data, in Spanish by default', async () => {
    const first = await chat({ userId: 'u1', messageId: 'm1', text: 'Hola, mi cuenta es MX-1001' });
    expect(first.status).toBe(200);
    expect(first.body.replies?.map((r) => r.key)).toContain('identification.askIsPrimary');
    expect(
      first.body.replies?.find((r) => r.key === 'identification.askIsPrimary')?.text,
    ).toContain('Comercializadora del Valle');
    const again = await chat({ userId: 'u1', messageId: 'm1', text: 'Hola, mi cuenta es MX-1001' });
    expect(again.body).toMatchObject({ outcome: 'duplicate', replies: [] });
  });

  it('answers two users who send the same message ids (ids are unique per chat only)', async () => {
    const ana = await chat({ userId: 'ana', messageId: '1', text: 'Hola, mi cuenta es MX-1001' });
    const luis = await chat({ userId: 'luis', messageId: '1', text: 'Buenas, cuenta MX-1001' });
    expect([ana.status, luis.status]).toEqual([200, 200]);
    expect(luis.body.outcome).toBe('answered');
    expect(luis.body.replies?.map((r) => r.key)).toContain('identification.askIsPrimary');
    const again = await chat({ userId: 'luis', messageId: '1', text: 'Buenas, cuenta MX-1001' });
    expect(again.body).toMatchObject({ outcome: 'duplicate', replies: [] });
    const [ana2, luis2] = await Promise.all([
      chat({ userId: 'ana', messageId: '2', text: 'sí' }),
      chat({ userId: 'luis', messageId: '2', text: 'sí' }),
    ]);
    expect(ana2.body.replies?.map((r) => r.key)).toContain('triage.ask');
    expect(luis2.body.replies?.map((r) => r.key)).toContain('triage.ask');
  });

  it('refuses bad requests with a clear error', async () => {
    expect(await chat({ userId: 'u2', text: 'hola' })).toMatchObject({
      status: 400,
      body: { error: '"messageId" must be a non-empty string' },
    });
    const res = await fetch(`${base}/api/chat`, { method: 'POST', body: '{oops' });
    expect(res.status).toBe(400);
    expect((await fetch(`${base}/api/chat`)).status).toBe(405);
  });
});
