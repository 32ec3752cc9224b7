/**
 * The e-mail that carries an account code (issue 12): subject, text and HTML in the customer's
 * language, from `locales/<lang>/mail.json`.
 */
import type { OutgoingMail } from '../../domain/mail/index.ts';
import type { Language } from '../../domain/types.ts';
import type { Translator } from '../i18n.ts';

/** What the account-code mail says. */
export interface AccountCodeMailInput {
  codeId: string;
  to: string;
  name: string;
  accountNumber: string;
  code: string;
  language: Language;
  createdAt: Date;
  expiresAt: Date;
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The outbox mail of one account code; its id follows the code's, so it is queued once. */
export function accountCodeMail(
  translator: Pick<Translator, 'text'>,
  input: AccountCodeMailInput,
): OutgoingMail {
  const minutes = Math.round((input.expiresAt.getTime() - input.createdAt.getTime()) / 60_000);
  const t = (key: string) =>
    translator.text(
      `mail:accountCode.${key}`,
      { name: input.name, accountNumber: input.accountNumber, minutes },
      input.language,
    );
  const lines = [t('greeting'), t('body'), input.code, t('validity'), t('notYou')];
  return {
    id: `account-code:${input.codeId}`,
    kind: 'account-code',
    to: input.to,
    language: input.language,
    subject: t('subject'),
    text: `${lines.join('\n\n')}\n`,
    html: [
      `<p>${escapeHtml(lines[0]!)}</p>`,
      `<p>${escapeHtml(lines[1]!)}</p>`,
      `<p style="font-size:28px;font-weight:bold;letter-spacing:6px">${escapeHtml(input.code)}</p>`,
      `<p>${escapeHtml(lines[3]!)}</p>`,
      `<p style="color:#666">${escapeHtml(lines[4]!)}</p>`,
    ].join('\n'),
    createdAt: input.createdAt,
    expiresAt: input.expiresAt,
  };
}
