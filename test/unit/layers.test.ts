import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// The layer rules of eslint.config.js, run through ESLint's Node API on code that is not in
// the repository: a wrong import must be refused, a right one must pass.
const eslint = new ESLint();

/** The messages ESLint gives `code` as if it were the file at `filePath`. */
async function lint(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((m) => `${m.ruleId}: ${m.message}`);
}

const importing = (from: string, name: string) =>
  `import { ${name} } from '${from}';\nexport const used = ${name};\n`;

describe('layers import downwards only: storage ← domain ← flows ← bot ← channels ← app', () => {
  it.each([
    [
      'src/domain/cases/x.ts',
      '../../bot/runtime.ts',
      'createRuntime',
      'a domain module cannot import bot',
    ],
    ['src/flows/x.ts', '../bot/runtime.ts', 'createRuntime', 'a flows module cannot import bot'],
    ['src/bot/x.ts', '../channels/registry.ts', 'CHANNELS', 'a bot module cannot import channels'],
    [
      'src/bot/engine/x.ts',
      '../../app/assemble.ts',
      'startAtiende',
      'a bot module cannot import app',
    ],
    [
      'src/channels/x.ts',
      '../app/assemble.ts',
      'startAtiende',
      'a channels module cannot import app',
    ],
    [
      'src/storage/x.ts',
      '../domain/errors.ts',
      'ConfigurationError',
      'a storage module cannot import domain',
    ],
  ])('refuses an import from %s of %s', async (filePath, from, name, message) => {
    const messages = await lint(filePath, importing(from, name));
    expect(messages).toEqual([expect.stringContaining(message)]);
    expect(messages[0]).toMatch(/^boundaries\/dependencies:/);
  });

  it.each([
    ['src/bot/x.ts', '../domain/errors.ts', 'ConfigurationError'],
    ['src/domain/x.ts', '../storage/index.ts', 'insertOnce'],
    ['src/bot/x.ts', '../storage/index.ts', 'GroupInserter'],
    ['src/bot/x.ts', '../flows/index.ts', 'provideServices'],
    ['src/channels/x.ts', '../bot/engine/messages.ts', 'conversationIdOf'],
    ['src/channels/x.ts', '../domain/errors.ts', 'ValidationError'],
    ['src/app/x.ts', '../channels/registry.ts', 'CHANNELS'],
    ['src/app/x.ts', '../bot/runtime.ts', 'createRuntime'],
    ['test/unit/x.ts', '../../src/app/assemble.ts', 'startAtiende'],
    ['bench/x.ts', '../src/bot/runtime.ts', 'createRuntime'],
  ])('lets %s import %s', async (filePath, from, name) => {
    expect(await lint(filePath, importing(from, name))).toEqual([]);
  });

  it('keeps a channel to the engine contract: no runtime, no engine internals', async () => {
    for (const from of ['../bot/runtime.ts', '../bot/engine/engine.ts']) {
      expect(await lint('src/channels/x.ts', importing(from, 'x'))).toEqual([
        expect.stringContaining('a channel knows the engine by its contract only'),
      ]);
    }
  });

  it('keeps flows and policy free of the database', async () => {
    const flows = await lint('src/flows/x.ts', importing('mongoose', 'Schema'));
    expect(flows).toEqual([expect.stringContaining('flows are pure')]);
    const batching = await lint('src/flows/x.ts', importing('../storage/index.ts', 'insertOnce'));
    expect(batching).toEqual([expect.stringContaining('flows are pure')]);
    const channel = await lint('src/channels/x.ts', importing('../storage/index.ts', 'insertOnce'));
    expect(channel).toEqual([expect.stringContaining('no database')]);
    const policy = await lint('src/domain/policy/x.ts', importing('node:fs/promises', 'readFile'));
    expect(policy.length).toBeGreaterThan(0);
    for (const message of policy) expect(message).toContain('policy functions are pure');
  });

  it('puts every module under src/ in a layer', async () => {
    expect(await lint('src/misc/x.ts', 'export const x = 1;\n')).toEqual([
      expect.stringMatching(/^boundaries\/no-unknown-files:/),
    ]);
  });
});
