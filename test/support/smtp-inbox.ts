/**
 * A real SMTP server in the test process (nodemailer's `smtp-server`, port 0 on loopback) that
 * keeps every message it accepts, parsed by `mailparser`: what atiende's mails look like to a
 * mail server. It can ask for a login (refusing a wrong one with an answer that repeats the
 * password, as a careless server might) and refuse the first messages (451, try later).
 */
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface SmtpInbox {
  readonly port: number;
  /** Messages accepted, in order. */
  readonly messages: ParsedMail[];
  /** Logins tried, with the password given (to check what the client sent). */
  readonly logins: { username: string; password: string }[];
  /** The server's URL for atiende, with these credentials. */
  url(user?: string, password?: string): string;
  /** Resolves once `count` messages arrived (rejects after `timeoutMs`). */
  waitFor(count: number, timeoutMs?: number): Promise<ParsedMail[]>;
  close(): Promise<void>;
}

export async function startSmtpInbox(
  options: { auth?: { user: string; password: string }; refuseFirst?: number } = {},
): Promise<SmtpInbox> {
  const messages: ParsedMail[] = [];
  const logins: { username: string; password: string }[] = [];
  let refused = 0;
  const server = new SMTPServer({
    disabledCommands: options.auth ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    allowInsecureAuth: true,
    authOptional: !options.auth,
    logger: false,
    onAuth(auth, _session, callback) {
      logins.push({ username: auth.username ?? '', password: auth.password ?? '' });
      if (auth.username === options.auth?.user && auth.password === options.auth?.password)
        return callback(null, { user: auth.username });
      // As a careless server might: the refusal repeats what it was given.
      return callback(new Error(`Invalid login ${auth.username}:${auth.password ?? ''}`));
    },
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then((parsed) => {
          if (refused < (options.refuseFirst ?? 0)) {
            refused++;
            return callback(Object.assign(new Error('Try again later'), { responseCode: 451 }));
          }
          messages.push(parsed);
          callback();
        })
        .catch(callback);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    port,
    messages,
    logins,
    url: (user, password) =>
      user
        ? `smtp://${encodeURIComponent(user)}:${encodeURIComponent(password ?? '')}@127.0.0.1:${port}`
        : `smtp://127.0.0.1:${port}`,
    async waitFor(count, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      while (messages.length < count) {
        if (Date.now() > deadline)
          throw new Error(`expected ${count} messages, got ${messages.length}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      return messages;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
