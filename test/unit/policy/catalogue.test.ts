/**
 * docs/POLICY.md numbers every rule of the policies; a rule counts as implemented when a test
 * names its ID. This keeps the catalogue and the tests from drifting apart.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..', '..');

async function testFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile() && e.name.endsWith('.test.ts'))
    .map((e) => join(e.parentPath, e.name));
}

describe('the policy catalogue in docs/POLICY.md', () => {
  it('names each rule once, and every rule the bot enforces is named by a test', async () => {
    const catalogue = await readFile(join(ROOT, 'docs', 'POLICY.md'), 'utf8');
    const rules = [...catalogue.matchAll(/^- (R\d{3}-\d+)( \*n\/a\*)?/gm)].map((m) => ({
      id: m[1]!,
      enforced: !m[2],
    }));
    expect(rules.length).toBeGreaterThan(40);
    expect(new Set(rules.map((r) => r.id)).size).toBe(rules.length);

    const files = (await testFiles(join(ROOT, 'test'))).filter(
      (f) => !f.endsWith('catalogue.test.ts'),
    );
    const tests = (await Promise.all(files.map((f) => readFile(f, 'utf8')))).join('\n');
    const unnamed = rules.filter((r) => r.enforced && !new RegExp(`${r.id}\\b`).test(tests));
    expect(unnamed.map((r) => r.id)).toEqual([]);
  });

  it('links each policy document it numbers, kept in docs/policies', async () => {
    const catalogue = await readFile(join(ROOT, 'docs', 'POLICY.md'), 'utf8');
    const linked = [...catalogue.matchAll(/\]\(policies\/([^)]+)\)/g)].map((m) => m[1]!);
    expect(linked).toHaveLength(5);
    const present = await readdir(join(ROOT, 'docs', 'policies'));
    expect(present.sort()).toEqual([...linked].sort());
  });
});
