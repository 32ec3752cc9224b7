/**
 * Issue 17: `npm run build` compiles to dist/, and the built server starts with plain node (no
 * tsx), finds its locales and page assets from there, and serves a chat turn.
 */
import { execFile } from 'node:child_process';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { technicalScript } from '../../../bench/conversation.ts';
import { startAppProcess, type AppProcess } from '../../support/app-process.ts';
import { testDatabaseUri } from '../../support/database.ts';

/** Every compiled module under `dir`. */
async function modules(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && e.name.endsWith('.js'))
    .map((e) => join(e.parentPath, e.name));
}

describe('npm run build and the built server (issue 17)', () => {
  // A failed check leaves the server running: it must not outlive the test.
  const started: AppProcess[] = [];
  afterAll(() => {
    for (const app of started) if (app.child.exitCode === null) app.child.kill('SIGKILL');
  });
  beforeAll(async () => {
    await promisify(execFile)(process.execPath, ['tools/build.mjs'], { timeout: 400_000 });
  }, 420_000);

  it('compiles every module with its source map and no import of a .ts file', async () => {
    const built = await modules('dist');
    expect(built).toContain(join('dist', 'app', 'main.js'));
    const tsImports: string[] = [];
    for (const file of built.filter(
      (f) => !f.includes(`${join('dist', 'app', 'agent-console', 'page')}`),
    )) {
      const text = await readFile(file, 'utf8');
      if (/from\s+["'][^"']+\.ts["']|import\(["'][^"']+\.ts["']\)/.test(text)) tsImports.push(file);
      if (!file.includes(join('channels', 'webchat', 'public')))
        expect(text, file).toContain('//# sourceMappingURL=');
    }
    expect(tsImports).toEqual([]);
  });

  it('node --enable-source-maps dist/app/main.js: /healthz, a chat turn, the pages, a conversation to its folio, a clean stop', async () => {
    const app = await startAppProcess({
      entry: 'dist',
      // A Tuesday, 10:00 in Mexico City: the office is open, whenever CI runs.
      env: {
        MONGODB_URI: testDatabaseUri(),
        ATIENDE_SEED_DEMO: 'true',
        ATIENDE_CLOCK_START: '2026-03-10T16:00:00Z',
        // One customer typing as fast as a script: over a person's rate limits.
        ATIENDE_RATE_USER_BURST: '100',
        ATIENDE_RATE_ADDRESS_BURST: '100',
      },
    });
    started.push(app);
    expect(app.child.spawnargs.join(' ')).not.toContain('tsx');
    const health = await fetch(`${app.base}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok' });
    const turn = await app.chat({
      userId: 'ana',
      messageId: '1',
      text: 'Hola, mi cuenta es MX-1001',
    });
    expect(turn.status).toBe(200);
    expect(turn.body.outcome).toBe('answered');
    // Words from locales/ (read from the project root), not keys.
    expect(turn.body.replies?.map((r) => r.key)).toContain('identification.askIsPrimary');
    expect(turn.body.replies?.[1]?.text).toContain('Comercializadora del Valle');
    for (const page of [
      '/webchat',
      '/webchat/webchat.js',
      '/webchat/page.js',
      '/webchat/page.css',
      '/agent',
    ])
      expect((await fetch(`${app.base}${page}`)).status, page).toBe(200);

    // The whole technical flow through the built server (issue 17: what CI runs on Node 22
    // too): troubleshooting, the case opened, a visit slot chosen and its folio (R004-3).
    const said: string[] = [];
    for (const [n, step] of technicalScript('MX-1001', 'SRV-MX-0001').entries()) {
      const { message } = step;
      const { status, body } = await app.chat({
        userId: 'bruno',
        messageId: `b${n}`,
        ...(typeof message === 'string' ? { text: message } : { choice: message.choice }),
      });
      expect({ n, status, outcome: body.outcome }).toEqual({ n, status: 200, outcome: 'answered' });
      said.push(...(body.replies ?? []).map((r) => r.key));
    }
    expect(said).toContain('case.opened');
    expect(said).toContain('visit.folioConfirmed');

    app.child.kill('SIGTERM');
    expect(await app.exited).toEqual({ code: 0, signal: null });
  }, 180_000);
});
