/**
 * Issue 15 in a real browser: Debian's Chromium driven by playwright-core (headless, no
 * sandbox; `.ci/run` installs it). An agent logs in, takes a conversation, replies; the customer
 * (JSON channel) gets the reply and the bot stays silent; markup a customer types stays inert
 * text in the console; the agent closes the case and the customer gets the times and the survey.
 * Screenshots go to test/artifacts/ (not committed).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { chromium, type Browser } from 'playwright-core';
import { serve } from '../integration/app/serve.ts';
import { queuedCustomer, repliesTo } from '../integration/agent-console/console-client.ts';

const ARTIFACTS = 'test/artifacts';

function chromiumPath(): string {
  try {
    return execFileSync('which', ['chromium'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error('Chromium is needed for the browser tests: apt-get install -y chromium');
  }
}

describe('the agent console in Chromium (issue 15)', async () => {
  const served = await serve();
  const { base, app, chat } = served;
  mkdirSync(ARTIFACTS, { recursive: true });
  const browser: Browser = await chromium.launch({
    executablePath: chromiumPath(),
    args: ['--no-sandbox', '--disable-gpu', '--headless=new'],
  });
  afterAll(() => browser.close());

  it('an agent takes a conversation and replies; the customer gets it, the bot is silent; markup stays text; closing sends the times and the survey', async () => {
    await app.agents.access.addAgent({
      email: 'marta@example.com',
      name: 'Marta',
      role: 'L1',
      password: 'browser test password',
    });
    const id = await queuedCustomer(served, 'web-ana');
    const page = await browser.newPage({ locale: 'es-MX' });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    // A CSP violation or a script error is an error; a 401 before log-in or a 404 for a
    // conversation that left the queue is the API answering, checked by the URLs below.
    page.on('console', (m) => {
      if (m.type() === 'error' && !m.text().startsWith('Failed to load resource'))
        errors.push(m.text());
    });
    page.on('response', (r) => {
      const path = new URL(r.url()).pathname;
      const expected =
        (r.status() === 401 && path === '/agent/api/me') ||
        (r.status() === 404 && path.startsWith('/agent/api/conversations/'));
      if (r.status() >= 400 && !expected) errors.push(`${r.status()} ${path}`);
    });

    await page.goto(`${base}/agent`);
    await page.fill('#email', 'marta@example.com');
    await page.fill('#password', 'browser test password');
    await page.screenshot({ path: `${ARTIFACTS}/agent-login.png` });
    await page.click('#login-form button[type=submit]');
    const row = page.locator(`[data-testid=queue-item][data-conversation="${id}"]`);
    await row.waitFor({ timeout: 10_000 }).catch(async (error) => {
      await page.screenshot({ path: `${ARTIFACTS}/agent-queue-missing.png` });
      throw new Error(`${String(error)}; page errors: ${errors.join(' | ')}`);
    });
    await row.click();
    await page.locator('[data-testid=take]').click();
    await page.locator('[data-testid=message]').waitFor();
    expect((await app.runtime.engine.state(id))?.mode).toBe('agent');

    await page.fill('[data-testid=message]', 'Hola Ana, ya reviso tu impresora');
    await page.locator('[data-testid=send]').click();
    await expect
      .poll(async () => (await repliesTo(served, 'web-ana')).at(-1)?.text)
      .toContain('Hola Ana, ya reviso tu impresora');

    // What the agent is typing survives the customer writing meanwhile (the view refreshes).
    await page.fill('[data-testid=message]', 'Un borrador a medias');
    // The customer types markup: the bot stays silent, the console shows it as text.
    const hostile = [
      '<script>window.__pwned = 1</script>',
      '<img src=x onerror="window.__pwned = 2">',
    ];
    for (const [i, text] of hostile.entries()) {
      const answer = await chat({ userId: 'web-ana', messageId: `h${i}`, text });
      expect(answer.body.replies).toEqual([]);
    }
    const transcript = page.locator('[data-testid=transcript]');
    await expect.poll(() => transcript.textContent()).toContain('onerror="window.__pwned = 2"');
    expect(await transcript.textContent()).toContain('<script>window.__pwned = 1</script>');
    expect(await transcript.locator('img, script').count()).toBe(0);
    expect(await page.inputValue('[data-testid=message]')).toBe('Un borrador a medias');
    expect(await page.evaluate(() => (globalThis as { __pwned?: number }).__pwned)).toBe(undefined);
    await expect
      .poll(() => page.locator('[data-testid=chat-limit]').textContent())
      .toMatch(/\d+ min/);
    await page.screenshot({ path: `${ARTIFACTS}/agent-conversation.png`, fullPage: true });

    await page.fill('[data-testid=resolution]', 'Reinstalé el controlador');
    await page.locator('[data-testid=close]').click();
    await expect
      .poll(async () => (await repliesTo(served, 'web-ana')).map((r) => r.key))
      .toContain('survey.askScore');
    const sent = await repliesTo(served, 'web-ana');
    const closing = sent.find((r) => r.key === 'handoff.closedByAgent')!;
    expect(closing.text).toMatch(/Tiempo de atención: \d+ min\. Tiempo de resolución: \d+ min/);
    expect(sent.at(-1)!.key).toBe('survey.askScore');
    await page.screenshot({ path: `${ARTIFACTS}/agent-closed.png`, fullPage: true });
    expect(errors, errors.join(' | ')).toEqual([]);
    await page.close();
  });
});
