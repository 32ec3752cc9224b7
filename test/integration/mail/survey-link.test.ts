/**
 * Issue 16, R002-8: the survey offered by e-mail with signed answer links; the answer from the
 * mail or the chat counts once per case (the survey's unique key).
 */
import { describe, expect, it } from 'vitest';
import { createSmtpMailer } from '../../../src/bot/mail/smtp-mailer.ts';
import { surveyToken } from '../../../src/bot/mail/survey-link.ts';
import { serve } from '../app/serve.ts';
import { startSmtpInbox } from '../../support/smtp-inbox.ts';

const SECRET = 'a-test-secret-of-at-least-32-characters!';

describe('the survey answered from its mail (issue 16)', async () => {
  const inbox = await startSmtpInbox();
  const served = await serve({
    mail: { mailer: createSmtpMailer({ url: inbox.url(), from: 'atiende <a@test.example>' }) },
    surveyLink: { publicUrl: 'https://support.example/', secret: () => SECRET },
  });
  const { domain, caseNotices, mailSender } = served.app.runtime;

  async function closedCase(subject: string) {
    const opened = await domain.caseService.open({
      accountNumber: 'MX-1001',
      country: 'MX',
      timeZone: 'America/Mexico_City',
      requesterName: 'Laura Méndez',
      contractNumber: null,
      equipmentSerial: subject,
      equipmentLocation: null,
      contact: { name: 'Laura Méndez', phone: '', email: 'laura.mendez@delvalle.example' },
      subject,
      description: subject,
      stepsToReproduce: null,
      type: 'technical-fault',
      category: 'printing',
      area: 'technical',
      severity: null,
      urgency: null,
      priority: 'P3',
      channel: 'http-json',
      conversationId: null,
      attachments: [],
      transcript: [],
      solvedAtFirstLevel: false,
    });
    if (opened.outcome !== 'opened') throw new Error('not opened');
    await domain.caseService.close(opened.case.number, {
      verifiedWith: 'agent@test',
      solvedAtFirstLevel: false,
    });
    return opened.case.number;
  }

  it('R002-8: the survey mail links each score; opening a link records nothing, confirming records it once, and a later answer (mail or chat) does not count again', async () => {
    const number = await closedCase('survey by mail');
    const before = inbox.messages.length;
    await caseNotices.caseClosed(number, 'done');
    await mailSender!.tick();
    await inbox.waitFor(before + 2);
    const survey = inbox.messages
      .slice(before)
      .find((m) => m.headers.get('x-atiende-mail') === 'case-survey')!;
    const links = [...String(survey.html).matchAll(/href="([^"]+)"/g)].map((m) => m[1]!);
    expect(links).toHaveLength(5);
    expect(links[3]).toMatch(/^https:\/\/support\.example\/survey\/.+\?score=4$/);
    const local = links[3]!.replace('https://support.example', served.base);

    // A mail scanner opening the link records nothing.
    const opened = await fetch(local);
    expect(opened.status).toBe(200);
    expect(await opened.text()).toContain(`method="post"`);
    expect(await domain.cases.surveys.findById(number).lean()).toBeNull();

    const post = (score: string) =>
      fetch(local.split('?')[0]!, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `score=${score}`,
      });
    const first = await post('4');
    expect(first.status).toBe(200);
    expect(await first.text()).toContain('Registramos tu respuesta');
    const again = await post('1');
    expect(await again.text()).toContain('contamos solo una por caso');
    // The chat's answer afterwards: the same unique key.
    expect(
      await domain.cases.insertSurvey({
        caseNumber: number,
        score: 2,
        comment: '',
        answeredAt: new Date(),
      }),
    ).toBe(false);
    expect(await domain.cases.surveys.findById(number).lean()).toMatchObject({ score: 4 });
  });

  it("R002-8: a link whose signature is another case's, or forged, is refused", async () => {
    const mine = await closedCase('survey mine');
    const other = await closedCase('survey other');
    const token = surveyToken(SECRET, mine);
    const forged = `${other}.${token.split('.').at(-1)}`;
    for (const bad of [
      forged,
      `${other}.AAAA`,
      surveyToken('another-secret-of-32-characters-long!!', other),
    ]) {
      const res = await fetch(`${served.base}/survey/${encodeURIComponent(bad)}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'score=5',
      });
      expect(res.status).toBe(404);
    }
    expect(await domain.cases.surveys.findById(other).lean()).toBeNull();
  });
});
