import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/app/logger.ts';
import { redactText, shownEnvValue } from '../../../src/app/redact.ts';

describe('secrets never reach a log or an error message', () => {
  it('cuts the password out of URIs, wherever they are in a text', () => {
    expect(redactText('mongodb://atiende:pw@db:27017/atiende')).toBe(
      'mongodb://atiende:***@db:27017/atiende',
    );
    expect(redactText('failed: mongodb+srv://u:p%40ss:w@cluster0.x.net/db?retryWrites=true')).toBe(
      'failed: mongodb+srv://u:***@cluster0.x.net/db?retryWrites=true',
    );
    expect(redactText('smtp://mailer:hunter2@smtp.example.com:587 and postgres://a:b@h/d')).toBe(
      'smtp://mailer:***@smtp.example.com:587 and postgres://a:***@h/d',
    );
    expect(redactText('https://hooks.example.com/x?token=abc&user=1')).toBe(
      'https://hooks.example.com/x?token=***&user=1',
    );
    expect(redactText('http://127.0.0.1:3978/api/chat')).toBe('http://127.0.0.1:3978/api/chat');
  });

  it('shows no secret environment variable at all', () => {
    expect(shownEnvValue('ATIENDE_API_KEY', 'abc')).toBe('***');
    expect(shownEnvValue('HTTP_JSON_CALLBACK_TOKEN', 'abc')).toBe('***');
    expect(shownEnvValue('SMTP_PASSWORD', 'abc')).toBe('***');
    expect(shownEnvValue('MONGODB_URI', 'mongodb://a:b@h')).toBe('mongodb://a:***@h');
    expect(shownEnvValue('PORT', '70000')).toBe('70000');
  });

  it('blanks credential headers, configuration secrets, and URI passwords in messages and errors', () => {
    const lines: string[] = [];
    const logger = createLogger('info', { write: (line: string) => void lines.push(line) });
    logger.info(
      {
        req: {
          headers: {
            authorization: 'Bearer s3cr3t-1',
            'x-api-key': 's3cr3t-2',
            cookie: 's3cr3t-3',
          },
        },
      },
      'incoming',
    );
    logger.info({ config: { apiKey: 's3cr3t-4', callbackToken: 's3cr3t-5' } }, 'configured');
    logger.info('connecting to mongodb://atiende:s3cr3t-6@db:27017');
    const cause = new Error('auth failed for mongodb://atiende:s3cr3t-7@db:27017');
    logger.error({ err: new Error('cannot connect', { cause }) }, 'database down');
    logger.child({ conversationId: 'c' }).error({ err: cause }, 'child');
    const text = lines.join('');
    expect(text).not.toMatch(/s3cr3t/);
    expect(lines).toHaveLength(5);
    expect(text).toContain('mongodb://atiende:***@db:27017');
    expect(JSON.parse(lines[0]!).req.headers.authorization).toBe('***');
  });
});
