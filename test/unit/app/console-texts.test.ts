import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CASE_STATUSES, CASE_TYPES } from '../../../src/domain/cases/case.ts';
import { HANDOFF_REASONS } from '../../../src/domain/handoff.ts';
import { LANGUAGES } from '../../../src/domain/types.ts';

type Tree = { [key: string]: string | Tree };

const texts = (language: string) =>
  JSON.parse(readFileSync(`locales/${language}/console.json`, 'utf8')) as Tree;

function keys(tree: Tree, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([k, v]) =>
    typeof v === 'string' ? [`${prefix}${k}`] : keys(v, `${prefix}${k}.`),
  );
}

describe("the agent console's texts (locales/<lang>/console.json, issue 15)", () => {
  it('have the same keys in every language, none empty', () => {
    const spanish = keys(texts('es')).sort();
    for (const language of LANGUAGES) {
      expect(keys(texts(language)).sort()).toEqual(spanish);
      const tree = texts(language);
      for (const key of spanish) {
        const value = key.split('.').reduce<Tree | string>((n, k) => (n as Tree)[k]!, tree);
        expect(String(value).trim(), `${language} ${key}`).not.toBe('');
      }
    }
  });

  it('name every hand-off reason, case type and case status an agent can meet', () => {
    const tree = texts('es');
    expect(Object.keys(tree.reasons as Tree).sort()).toEqual([...HANDOFF_REASONS].sort());
    expect(Object.keys(tree.caseTypes as Tree).sort()).toEqual([...CASE_TYPES].sort());
    expect(Object.keys(tree.caseStatuses as Tree).sort()).toEqual([...CASE_STATUSES].sort());
  });

  it('say every reason a visit outcome is refused for', () => {
    // The reasons the visit rules name (`reason: '…'` in their ValidationErrors).
    const named = ['src/domain/folios/visit-outcome.ts', 'src/domain/folios/folio-service.ts']
      .flatMap((file) => [...readFileSync(file, 'utf8').matchAll(/reason: '(\w+)'/g)])
      .map((m) => m[1]!);
    expect(named.length).toBeGreaterThan(5);
    const visits = texts('es').visits as Tree;
    expect(Object.keys(visits.reasons as Tree).sort()).toEqual([...new Set(named)].sort());
  });
});
