import { execFile } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const PASSWORD = 'Sup3r-S3cret-pw';

/** Runs `npm start`'s entry point in its own process; resolves with its exit and output. */
function start(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'src/app/main.ts'],
      { env: { PATH: process.env.PATH, LOG_LEVEL: 'trace', ...env }, timeout: 60_000 },
      (error, stdout, stderr) =>
        resolve({
          code: error ? ((error as { code?: number }).code ?? null) : 0,
          output: stdout + stderr,
        }),
    );
  });
}

describe('a bad MONGODB_URI never shows its password', () => {
  it('in the configuration error that stops start-up', async () => {
    const { code, output } = await start({
      MONGODB_URI: `mongodb://atiende:${PASSWORD}@db.example.com:27017 /atiende`,
    });
    expect(code).toBe(1);
    expect(output).toContain('MONGODB_URI="mongodb://atiende:***@db.example.com:27017 /atiende"');
    expect(output).not.toContain(PASSWORD);
  });

  it('nor does a short API key', async () => {
    const { code, output } = await start({ ATIENDE_API_KEY: 'short-key' });
    expect(code).toBe(1);
    expect(output).toContain('ATIENDE_API_KEY="***": must be at least 16 characters');
    expect(output).not.toContain('short-key');
  });
});
