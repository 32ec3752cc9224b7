import { describe, expect, it } from 'vitest';
import {
  DEFAULT_POLICY,
  FAIR_USE_PRIORITIES,
  PRIORITIES,
  PRIORITY_CLASSES,
  SEVERITIES,
  URGENCIES,
  comparePriority,
  parsePolicy,
  priorityFromClass,
  priorityFromFairUse,
  priorityFromSeverityUrgency,
  raisePriority,
} from '../../../src/domain/policy/index.ts';

describe('priority', () => {
  it('offers the choices of each scheme in order', () => {
    expect(PRIORITIES).toEqual(['P1', 'P2', 'P3', 'P4', 'P5']);
    expect(SEVERITIES).toEqual(['critical', 'high', 'medium', 'low']);
    expect(URGENCIES).toEqual(['critical', 'high', 'medium', 'low']);
    expect(FAIR_USE_PRIORITIES).toEqual(['low', 'medium', 'high']);
    expect(PRIORITY_CLASSES).toEqual(['very-low', 'low', 'medium', 'high', 'very-high']);
  });

  it('R001-1: low/medium/high map to P4/P3/P2', () => {
    expect(FAIR_USE_PRIORITIES.map((l) => priorityFromFairUse(l, DEFAULT_POLICY))).toEqual([
      'P4',
      'P3',
      'P2',
    ]);
    const custom = parsePolicy({ priority: { fairUse: { high: 'P1' } } });
    expect(priorityFromFairUse('high', custom)).toBe('P1');
  });

  it('R002-3: severity × urgency follows the ITIL-style matrix', () => {
    const p = (s: (typeof SEVERITIES)[number], u: (typeof URGENCIES)[number]): string =>
      priorityFromSeverityUrgency(s, u, DEFAULT_POLICY);
    expect(p('critical', 'critical')).toBe('P1');
    expect(p('critical', 'high')).toBe('P1');
    expect(p('high', 'high')).toBe('P2');
    expect(p('medium', 'medium')).toBe('P3');
    expect(p('medium', 'low')).toBe('P4');
    expect(p('low', 'low')).toBe('P5');
  });

  it('R002-3: the matrix is symmetric and never lowers priority when severity or urgency rises', () => {
    for (const [i, s] of SEVERITIES.entries()) {
      for (const [j, u] of URGENCIES.entries()) {
        const here = priorityFromSeverityUrgency(s, u, DEFAULT_POLICY);
        expect(priorityFromSeverityUrgency(u, s, DEFAULT_POLICY)).toBe(here);
        const moreSevere = SEVERITIES[i - 1];
        if (moreSevere) {
          const above = priorityFromSeverityUrgency(moreSevere, u, DEFAULT_POLICY);
          expect(comparePriority(above, here)).toBeLessThanOrEqual(0);
        }
        const moreUrgent = URGENCIES[j - 1];
        if (moreUrgent) {
          const above = priorityFromSeverityUrgency(s, moreUrgent, DEFAULT_POLICY);
          expect(comparePriority(above, here)).toBeLessThanOrEqual(0);
        }
      }
    }
  });

  it('R003-5: very low … very high map to P5 … P1', () => {
    expect(PRIORITY_CLASSES.map((c) => priorityFromClass(c, DEFAULT_POLICY))).toEqual([
      'P5',
      'P4',
      'P3',
      'P2',
      'P1',
    ]);
  });

  it('R003-8: escalation to level 2 raises the priority one step, P1 stays P1', () => {
    expect(PRIORITIES.map(raisePriority)).toEqual(['P1', 'P1', 'P2', 'P3', 'P4']);
  });
});
