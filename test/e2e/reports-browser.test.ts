/**
 * Issue 16 in a real browser (Chromium through playwright-core, as the issue-15 test): a
 * supervisor logs in and opens the reports page; the period's figures show, Chart.js (served by
 * atiende from its npm package) draws the charts under the console's CSP with no error, and the
 * CSV link points at the period. An L1 agent gets the page but not the figures.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { CaseRequest } from '../../src/domain/cases/case.ts';
import { serve } from '../integration/app/serve.ts';

const ARTIFACTS = 'test/artifacts';

function chromiumPath(): string {
  try {
    return execFileSync('which', ['chromium'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error('Chromium is needed for the browser tests: apt-get install -y chromium');
  }
}

function request(n: number, channel: CaseRequest['channel']): CaseRequest {
  return {
    accountNumber: `MX-B${n}`,
    country: 'MX',
    timeZone: 'America/Mexico_City',
    requesterName: 'Ana',
    contractNumber: null,
    equipmentSerial: `B${n}`,
    equipmentLocation: null,
    contact: { name: 'Ana', phone: '', email: 'ana@example.com' },
    subject: 'no network',
    description: 'no network in the office',
    stepsToReproduce: null,
    type: 'technical-fault',
    category: 'network',
    area: 'technical',
    severity: null,
    urgency: null,
    priority: 'P2',
    channel,
    conversationId: null,
    attachments: [],
    transcript: [],
    solvedAtFirstLevel: false,
  };
}

describe('the supervisor reports page in Chromium (issue 16)', async () => {
  const served = await serve();
  const { base, app } = served;
  mkdirSync(ARTIFACTS, { recursive: true });
  const browser: Browser = await chromium.launch({
    executablePath: chromiumPath(),
    args: ['--no-sandbox', '--disable-gpu', '--headless=new'],
  });
  afterAll(() => browser.close());

  async function loggedIn(
    email: string,
    role: 'L1' | 'supervisor',
    errors: string[],
  ): Promise<Page> {
    await app.agents.access.addAgent({
      email,
      name: email,
      role,
      password: 'browser test password',
    });
    const page = await browser.newPage({ locale: 'es-MX' });
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => {
      if (m.type() === 'error' && !m.text().startsWith('Failed to load resource'))
        errors.push(m.text());
    });
    await page.goto(`${base}/agent`);
    await page.fill('#email', email);
    await page.fill('#password', 'browser test password');
    await page.click('#login-form button[type=submit]');
    await page.locator('#console').waitFor();
    return page;
  }

  async function showPeriod(page: Page) {
    await page.goto(`${base}/agent/reports`);
    await page.locator('#country option[value=MX]').waitFor({ state: 'attached' });
    await page.fill('#from', '2026-03-01');
    await page.fill('#to', '2026-03-31');
    await page.click('#report-form button[type=submit]');
  }

  it('draws the figures of the cases made for the test, with a CSV link for the period', async () => {
    await app.runtime.domain.caseService.open(request(1, 'whatsapp'));
    await app.runtime.domain.caseService.open(request(2, 'whatsapp'));
    await app.runtime.domain.caseService.open(request(3, 'webchat'));
    const errors: string[] = [];
    const page = await loggedIn('sofia@example.com', 'supervisor', errors);
    await showPeriod(page);
    await expect.poll(() => page.locator('[data-testid="reports.opened"]').textContent()).toBe('3');
    // Chart.js drew each chart on its canvas (the bars' sizes are its business, not ours).
    // Evaluated in the page (a string: this file is compiled without the DOM's types).
    const drawn = (await page.evaluate(`
      ['chart-channel', 'chart-type', 'chart-category', 'chart-priority', 'chart-sla', 'chart-days']
        .map((id) => window.Chart.getChart(document.getElementById(id)))
        .map((chart) => (chart ? chart.data.datasets[0].data : null))
    `)) as (number[] | null)[];
    expect(drawn[0]).toEqual([1, 2]); // webchat, whatsapp
    expect(drawn.every((d) => d !== null)).toBe(true);
    expect(await page.getAttribute('[data-testid=csv]', 'href')).toBe(
      '/agent/api/reports?country=MX&from=2026-03-01&to=2026-03-31&format=csv',
    );
    await page.screenshot({ path: `${ARTIFACTS}/supervisor-reports.png`, fullPage: true });
    expect(errors).toEqual([]);
  });

  it('shows an L1 agent that the reports are for supervisors', async () => {
    const errors: string[] = [];
    const page = await loggedIn('luis@example.com', 'L1', errors);
    await page.goto(`${base}/agent/reports`);
    await expect.poll(() => page.locator('#refused').textContent()).toContain('supervisores');
    expect(await page.locator('#figures').isHidden()).toBe(true);
  });
});
