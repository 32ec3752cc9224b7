import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { ActivityLike } from '../../src/channels/webchat/activities.ts';
import { ManualClock } from '../../src/domain/clock.ts';
import { serve, type Served } from '../integration/app/serve.ts';

/** Debian's Chromium (`.ci/run` installs it): playwright-core downloads no browser. */
function chromiumPath(): string {
  try {
    return execFileSync('sh', ['-c', 'command -v chromium || command -v chromium-browser'], {
      encoding: 'utf8',
    }).trim();
  } catch {
    throw new Error('no Chromium on this machine: `apt-get install -y chromium` (as .ci/run does)');
  }
}

const ARTIFACTS = 'test/artifacts';
const keyOf = (activity: ActivityLike) =>
  (activity.channelData as { key?: string } | undefined)?.key ?? '';

describe("web chat in a real browser: Microsoft's Web Chat on atiende's /webchat", () => {
  let served: Served;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    // Saturday 14 March 2026, 21:00 in Mexico City: nobody of the team is on duty.
    served = await serve({ channels: ['webchat'], clock: new ManualClock('2026-03-15T03:00:00Z') });
    browser = await chromium.launch({
      executablePath: chromiumPath(),
      args: ['--no-sandbox', '--disable-gpu', '--headless=new'],
    });
    const context = await browser.newContext({
      locale: 'es-MX',
      timezoneId: 'America/Mexico_City',
      viewport: { width: 480, height: 900 },
    });
    page = await context.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(String(e)));
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('R003-2, R002-5: a visitor on Saturday at 21:00 opens a case and is told when it is due', async () => {
    await page.goto(`${served.base}/webchat`);
    // The page says, before any message, when a person will answer.
    const hours = page.locator('#hours');
    await expect.poll(() => hours.isVisible()).toBe(true);
    const notice = await hours.textContent();
    expect(notice).toMatch(/sábado/i);
    // Monday 16 March 2026 is a public holiday in Mexico (Benito Juárez): Tuesday it is.
    expect(notice).toMatch(/te responderá el martes a las 7:00/);
    await page.locator('#webchat[data-ready="true"]').waitFor();

    const visitor = JSON.parse(
      await page.evaluate<string>("sessionStorage.getItem('atiende.webchat')"),
    ) as { conversationId: string; userId: string };
    const store = served.app.channel('webchat').directLine;
    const botActivities = async () =>
      (await store.since(visitor.conversationId, 0, 10_000)).activities.filter(
        (a) => a.from?.role === 'bot',
      );
    const input = page.locator('[data-id="webchat-sendbox-input"]');
    await input.waitFor();

    /** Waits for the bot's answer to a step, on screen too. */
    const answered = async (before: number) => {
      await expect
        .poll(async () => (await botActivities()).length, { timeout: 15_000 })
        .toBeGreaterThan(before);
      await new Promise((resolve) => setTimeout(resolve, 150));
      const last = (await botActivities()).at(-1)!;
      const firstLine = (last.text ?? '').split('\n')[0]!.slice(0, 40);
      await page.getByText(firstLine, { exact: false }).last().waitFor({ timeout: 15_000 });
      return (await botActivities()).slice(before);
    };
    const type = async (text: string) => {
      const before = (await botActivities()).length;
      await input.fill(text);
      await input.press('Enter');
      return answered(before);
    };
    const press = async (choice: string) => {
      const actions = (await botActivities()).at(-1)?.suggestedActions?.actions ?? [];
      const action = actions.find((a) => (a.value as { choice?: string }).choice === choice);
      expect(action, `no button ${choice}: ${JSON.stringify(actions)}`).toBeDefined();
      const before = (await botActivities()).length;
      await page.getByRole('button', { name: action!.title, exact: true }).last().click();
      return answered(before);
    };

    await type('Hola, mi cuenta es MX-1001');
    await type('sí');
    await press('technical');
    await press('servers');
    await press('SRV-MX-0001');
    await type('claro');
    await type('si');
    await type('sí');
    await type('si');
    await press('done');
    await type('todavía no');
    await press('high');
    await press('critical');
    await type('El servidor no arranca y muestra error de disco');
    await type('Desde el lunes el servidor se reinicia solo y muestra disk failure en la consola');
    await type('Encenderlo y esperar dos minutos');
    const opened = await press('done');
    const keys = opened.map(keyOf);
    expect(keys, JSON.stringify(keys)).toContain('case.opened');
    expect(keys).toContain('case.outsideOfficeHours');
    const caseNumber = /AT-2026-\d{6}/.exec(
      opened.find((a) => keyOf(a) === 'case.opened')!.text!,
    )![0];
    const due = opened.find((a) => keyOf(a) === 'case.outsideOfficeHours')!.text!;
    expect(due).toMatch(/a más tardar el/);
    // What the visitor sees: the case number and when it is due.
    await page.getByText(caseNumber).first().waitFor();
    await page.getByText('a más tardar el', { exact: false }).last().waitFor();
    await page.screenshot({ path: `${ARTIFACTS}/webchat-saturday-case.png`, fullPage: true });
    // No inline script ran, nothing was refused by the page's Content-Security-Policy.
    expect(problems.filter((p) => /Content Security Policy|Refused to/i.test(p))).toEqual([]);
  });
});
