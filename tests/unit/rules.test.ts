/**
 * Trigger → action rules, pure: matching by kind, category, severity (≥), region (on the path),
 * camera alarm type and working hours overdue (strictly more than H on the centre's calendar);
 * the focus region; one alert merged from every match; overdue rules firing once per case; and
 * the loader, whose every refusal names the file and the rule.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CAMERA_ALARM_TYPES } from '@shared/schemas/camera';
import { createBusinessCalendar } from '@shared/calendar';
import {
  DEFAULT_RULES,
  dueOverdueRules,
  firedOverdueKeys,
  loadRules,
  matchRules,
  mergeMatches,
  overdueFiringKey,
  overdueThresholds,
  overdueTriggerOf,
  overdueWorkingHours,
  readRulesFile,
  RuleSchema,
  RulesError,
  type OverdueTrigger,
  type Rule,
  type RuleInput,
  type Trigger,
} from '../../server/domain/rules';
import { baseIncident, TEST_PATH } from '../support/incident';

/** 海曙区 330203 and a grid in it; 江北区 330205 is its neighbour */
const HAISHU_GRID = TEST_PATH;
const JIANGBEI_GRID = ['330200', '330205', '330205001', '330205001001', '330205001001001'];
const H = 3_600_000;
/** a local time at +08:00 in November 2026 (the 23rd is a Monday) */
const cst = (day: number, hh: number, mm = 0) => Date.UTC(2026, 10, day, hh - 8, mm);
/** Mon–Fri 08:30–12:00 and 13:30–17:30: a 7.5 h working day */
const office = createBusinessCalendar();

const KNOWN = {
  category: (code: string) => ['fire_safety', 'sanitation', 'public_order'].includes(code),
  region: (code: string) => [...HAISHU_GRID, ...JIANGBEI_GRID].includes(code),
};

function rule(input: Partial<RuleInput> & { when: RuleInput['when'] }): Rule {
  return RuleSchema.parse({ id: 'r', name: '规则', then: {}, ...input });
}
const caseAt = (severity: number, category = 'sanitation', regionPath: readonly string[] = HAISHU_GRID): Trigger => ({ kind: 'case', category, severity, regionPath });
const overdueBy = (hours: number, extra: Partial<OverdueTrigger> = {}): OverdueTrigger => ({
  kind: 'overdue',
  category: 'sanitation',
  severity: 1,
  regionPath: HAISHU_GRID,
  overdueWorkingHours: hours,
  ...extra,
});
const ids = (rules: readonly Rule[], trigger: Trigger) => matchRules(rules, trigger).map((m) => m.rule.id);

/** the message of what `fn` throws, after checking it is a RulesError */
function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(RulesError);
    return (error as Error).message;
  }
  throw new Error('expected a RulesError');
}
const load = (file: unknown) => loadRules(typeof file === 'string' ? file : JSON.stringify(file), './rules.json', KNOWN);

describe('matchRules', () => {
  it('matches a case by category; a rule without categories matches any', () => {
    const rules = [rule({ id: 'fire', when: { kind: 'case', categories: ['fire_safety'] } }), rule({ id: 'any', when: { kind: 'case' } })];
    expect(ids(rules, caseAt(1, 'fire_safety'))).toEqual(['fire', 'any']);
    expect(ids(rules, caseAt(1, 'sanitation'))).toEqual(['any']);
  });

  it('matches a severity at or above minSeverity, not below', () => {
    const rules = [rule({ when: { kind: 'case', minSeverity: 3 } })];
    expect(ids(rules, caseAt(2))).toEqual([]);
    expect(ids(rules, caseAt(3))).toEqual(['r']);
    expect(ids(rules, caseAt(4))).toEqual(['r']);
  });

  it('matches a case in a grid of the rule’s district, not one in the neighbouring district', () => {
    const rules = [rule({ when: { kind: 'case', regions: ['330203'] } })];
    expect(ids(rules, caseAt(1, 'sanitation', HAISHU_GRID))).toEqual(['r']);
    expect(ids(rules, caseAt(1, 'sanitation', JIANGBEI_GRID))).toEqual([]);
  });

  it('matches a camera alarm by type, and never a trigger of another kind', () => {
    const rules = [rule({ id: 'smoke', when: { kind: 'camera_alarm', types: ['fire_smoke'] } }), rule({ id: 'case', when: { kind: 'case' } })];
    expect(ids(rules, { kind: 'camera_alarm', type: 'fire_smoke', regionPath: HAISHU_GRID })).toEqual(['smoke']);
    expect(ids(rules, { kind: 'camera_alarm', type: 'garbage', regionPath: HAISHU_GRID })).toEqual([]);
    expect(ids([rule({ when: { kind: 'camera_alarm' } })], { kind: 'camera_alarm', type: 'garbage', regionPath: HAISHU_GRID })).toEqual(['r']);
  });

  it('matches an overdue case only when MORE than the threshold late, with its category and severity', () => {
    const rules = [rule({ when: { kind: 'overdue', overWorkingHours: 8, minSeverity: 2, categories: ['sanitation'] } })];
    expect(ids(rules, overdueBy(8, { severity: 2 }))).toEqual([]);
    expect(ids(rules, overdueBy(8.01, { severity: 2 }))).toEqual(['r']);
    expect(ids(rules, overdueBy(9, { severity: 1 }))).toEqual([]);
    expect(ids(rules, overdueBy(9, { severity: 2, category: 'fire_safety' }))).toEqual([]);
  });

  it('never returns a disabled rule', () => {
    expect(ids([rule({ enabled: false, when: { kind: 'case' } })], caseAt(4))).toEqual([]);
  });

  it('focuses the deepest listed region on the path, the root without regions, nothing without focus', () => {
    const focusing = { focus: true };
    const [street, any, silent] = matchRules(
      [
        rule({ id: 'street', when: { kind: 'case', regions: ['330203', '330203001'] }, then: focusing }),
        rule({ id: 'any', when: { kind: 'case' }, then: focusing }),
        rule({ id: 'silent', when: { kind: 'case', regions: ['330203'] }, then: { sound: true } }),
      ],
      caseAt(4),
    );
    expect(street?.focusRegion).toBe('330203001');
    expect(any?.focusRegion).toBe('330200');
    expect(silent?.focusRegion).toBeNull();
  });
});

describe('overdue in working hours', () => {
  const dueFriday = cst(27, 17);
  it('counts working time only, and 0 before the deadline', () => {
    expect(overdueWorkingHours(dueFriday, cst(27, 16), office)).toBe(0);
    expect(overdueWorkingHours(dueFriday, cst(28, 12), office)).toBe(0.5); // Saturday noon: the half-hour left on Friday
    expect(overdueWorkingHours(dueFriday, cst(30, 17), office)).toBe(7.5); // Monday 17:00: a 7.5 h day later
  });

  it('fires an 8-working-hour rule for a case due Friday 17:00 not on Saturday noon, nor Monday 17:30 (exactly 8), but on Tuesday 09:30', () => {
    const rules = [rule({ when: { kind: 'overdue', overWorkingHours: 8 } })];
    const at = (now: number) => overdueTriggerOf({ ...baseIncident(cst(27, 9)), deadline: { stage: 'handling', dueAt: dueFriday } }, now, office);
    expect(ids(rules, at(cst(28, 12))!)).toEqual([]);
    expect(at(cst(30, 17, 30))?.overdueWorkingHours).toBe(8);
    expect(ids(rules, at(cst(30, 17, 30))!)).toEqual([]);
    const tuesday0930 = Date.UTC(2026, 11, 1, 9 - 8, 30); // 1 December
    expect(at(tuesday0930)?.overdueWorkingHours).toBe(9);
    expect(ids(rules, at(tuesday0930)!)).toEqual(['r']);
  });

  it('has no overdue trigger for a case on time, closed, or without a deadline; a paused clock stands still', () => {
    const late = { ...baseIncident(cst(23, 9)), deadline: { stage: 'handling' as const, dueAt: cst(23, 10) } };
    expect(overdueTriggerOf(late, cst(23, 9, 30), office)).toBeNull();
    expect(overdueTriggerOf({ ...late, stage: 'closed' }, cst(24, 10), office)).toBeNull();
    expect(overdueTriggerOf({ ...late, deadline: null }, cst(24, 10), office)).toBeNull();
    expect(overdueTriggerOf(late, cst(23, 11), office)?.overdueWorkingHours).toBe(1);
    expect(overdueTriggerOf({ ...late, sla: { pausedAt: cst(23, 11), pausedMs: 0 } }, cst(25, 11), office)?.overdueWorkingHours).toBe(1);
  });

  it('a rule of 0 working hours fires as soon as a case is marked overdue, even at night when no working time has passed', () => {
    const rules = [rule({ when: { kind: 'overdue', overWorkingHours: 0, minSeverity: 3 } })];
    // due Monday 23:00 (a fast-track case on the natural clock), marked overdue at 23:05
    const grave = { ...baseIncident(cst(23, 22)), severity: 3 as const, overdue: true, deadline: { stage: 'handling' as const, dueAt: cst(23, 23) } };
    const night = overdueTriggerOf(grave, cst(23, 23, 5), office)!;
    expect(night.overdueWorkingHours).toBe(0);
    expect(ids(rules, night)).toEqual(['r']);
    // not marked overdue and no working time late: no trigger; a lighter case: no match
    expect(overdueTriggerOf({ ...grave, overdue: false }, cst(23, 23, 5), office)).toBeNull();
    expect(ids(rules, { ...night, severity: 2 })).toEqual([]);
  });

  it('fires each overdue rule once per case, the later threshold later', () => {
    const rules = [rule({ id: 'day', when: { kind: 'overdue', overWorkingHours: 8 } }), rule({ id: 'week', when: { kind: 'overdue', overWorkingHours: 40 } })];
    const fired = new Set<string>();
    const sweep = (hours: number, incidentId = 'E1') => {
      const due = dueOverdueRules(rules, overdueBy(hours), incidentId, fired);
      for (const m of due) fired.add(overdueFiringKey(m.rule.id, incidentId));
      return due.map((m) => m.rule.id);
    };
    expect(sweep(9)).toEqual(['day']);
    expect(sweep(10)).toEqual([]);
    expect(sweep(41)).toEqual(['week']);
    expect(sweep(42)).toEqual([]);
    expect(sweep(42, 'E2')).toEqual(['day', 'week']); // another case, late for long: both, once
    expect(overdueThresholds([...rules, rule({ id: 'x', enabled: false, when: { kind: 'overdue', overWorkingHours: 2 } })])).toEqual([8, 40]);
  });

  it('rebuilds the fired keys from stored overdue alerts', () => {
    const keys = firedOverdueKeys([
      { kind: 'overdue', ruleId: 'day', incidentId: 'E1' },
      { kind: 'case', ruleId: 'serious', incidentId: 'E1' },
    ]);
    expect([...keys]).toEqual([overdueFiringKey('day', 'E1')]);
  });
});

describe('mergeMatches: one alert per trigger', () => {
  const defaults = loadRules(null, 'default rules', KNOWN);

  it('raises nothing when nothing matched', () => {
    expect(mergeMatches(matchRules(defaults, caseAt(1)))).toBeNull();
  });

  it('merges an especially serious case: the first rule names it, sound, focus at the root, both roles, revert on ack', () => {
    expect(mergeMatches(matchRules(defaults, caseAt(4)))).toEqual({
      ruleId: 'especially-serious-case',
      ruleName: '特别重大事件',
      ruleIds: ['especially-serious-case', 'serious-case'],
      sound: true,
      focusRegion: '330200',
      focusRule: { id: 'especially-serious-case', name: '特别重大事件' },
      openCameras: true,
      notifyRoles: ['operator', 'supervisor'],
      revertOnAck: true,
      repeat: true,
    });
  });

  it('takes the focus (and its revertOnAck) from the first focusing rule, the rest as “any”', () => {
    const merged = mergeMatches(
      matchRules(
        [
          rule({ id: 'notify', when: { kind: 'case' }, then: { notifyRoles: ['admin', 'operator'], repeat: false } }),
          rule({ id: 'district', when: { kind: 'case', regions: ['330203'] }, then: { focus: true } }),
          rule({ id: 'street', when: { kind: 'case', regions: ['330203001'] }, then: { focus: true, revertOnAck: true, notifyRoles: ['operator'] } }),
        ],
        caseAt(1),
      ),
    );
    expect(merged).toMatchObject({ ruleId: 'notify', focusRegion: '330203', focusRule: { id: 'district' }, revertOnAck: false, sound: false, notifyRoles: ['operator', 'admin'], repeat: true });
  });
});

describe('the shipped defaults', () => {
  const defaults = loadRules(null, 'default rules', KNOWN);

  it('validate, and keep automatic focus to severity 4 only', () => {
    expect(defaults.map((r) => r.id)).toEqual(DEFAULT_RULES.map((r) => r.id));
    expect(mergeMatches(matchRules(defaults, caseAt(3)))).toMatchObject({ sound: true, focusRegion: null, notifyRoles: ['operator'] });
    expect(mergeMatches(matchRules(defaults, { kind: 'camera_alarm', type: 'fire_smoke', regionPath: HAISHU_GRID }))).toMatchObject({ sound: true, openCameras: true, focusRegion: null });
    expect(mergeMatches(matchRules(defaults, { kind: 'camera_alarm', type: 'garbage', regionPath: HAISHU_GRID }))).toBeNull();
    expect(mergeMatches(matchRules(defaults, overdueBy(9)))).toMatchObject({ sound: false, notifyRoles: ['supervisor'], repeat: false });
  });
});

describe('loadRules refuses a bad file, naming the file and the rule', () => {
  const ok = { id: 'base', name: '基础', when: { kind: 'case' }, then: {} };

  it('a misspelt key', () => {
    expect(refusal(() => load({ rules: [{ ...ok, id: 'typo', when: { kind: 'case', catgories: ['sanitation'] } }] }))).toBe(
      'rules file ./rules.json: rule 1 ("typo"): when: unknown key "catgories" (misspelt?)',
    );
  });

  it('an unknown camera alarm type', () => {
    expect(refusal(() => load({ rules: [ok, { id: 'fire-watch', name: '烟火', when: { kind: 'camera_alarm', types: ['smoke'] }, then: {} }] }))).toMatch(
      /^rules file \.\/rules\.json: rule 2 \("fire-watch"\): when\.types\[0\]: Invalid option: expected one of "intrusion"\|/,
    );
  });

  it('a category or region code the deployment does not have', () => {
    const message = refusal(() => load({ rules: [ok, { ...ok, id: 'fires', when: { kind: 'case', categories: ['fire'], regions: ['110101'] } }] }));
    expect(message).toContain('rule 2 ("fires"): when.categories[0]: unknown category code "fire"');
    expect(message).toContain('rule 2 ("fires"): when.regions[0]: unknown region code "110101"');
  });

  it('a duplicate id', () => {
    expect(refusal(() => load({ rules: [ok, ok] }))).toBe('rules file ./rules.json: rule 2 ("base"): id: the id "base" is used by an earlier rule: ids must be unique');
  });

  it('revertOnAck or openCameras without focus, and focus on a camera alarm', () => {
    expect(refusal(() => load({ rules: [ok, { ...ok, id: 'cams', when: { kind: 'overdue', overWorkingHours: 4 }, then: { openCameras: true } }] }))).toBe(
      'rules file ./rules.json: rule 2 ("cams"): then.openCameras: on a case the streams open in the focus\'s camera panel: openCameras needs "focus": true',
    );
    expect(refusal(() => load({ rules: [{ ...ok, then: { revertOnAck: true } }] }))).toBe(
      'rules file ./rules.json: rule 1 ("base"): then.revertOnAck: revertOnAck ends the focus the rule started: it needs "focus": true',
    );
    expect(refusal(() => load({ rules: [{ ...ok, when: { kind: 'camera_alarm' }, then: { focus: true } }] }))).toMatch(/rule 1 \("base"\): then\.focus: a camera alarm is not a case/);
  });

  it('bad JSON, a rule without id, a severity out of range, an empty list', () => {
    expect(refusal(() => load('{"rules": [,]}'))).toMatch(/^rules file \.\/rules\.json: not valid JSON \(/);
    expect(refusal(() => load({ rules: [{ name: 'x', when: { kind: 'case' }, then: {} }] }))).toBe('rules file ./rules.json: rule 1: id: Invalid input: expected string, received undefined');
    expect(refusal(() => load({ rules: [{ ...ok, when: { kind: 'case', minSeverity: 5 } }] }))).toContain('rule 1 ("base"): when.minSeverity: a grade from 1 (一般) to 4 (特别重大)');
    expect(refusal(() => load({ rules: [{ ...ok, when: { kind: 'case', categories: [] } }] }))).toContain('when.categories: list at least one category code, or leave the key out to mean any');
  });

  it('reads RULES_FILE, and refuses a missing one by name', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rules-'));
    try {
      const path = join(dir, 'rules.json');
      await writeFile(path, JSON.stringify({ rules: [ok] }));
      expect((await readRulesFile(path, KNOWN)).map((r) => r.id)).toEqual(['base']);
      await expect(readRulesFile(join(dir, 'nope.json'), KNOWN)).rejects.toThrow(`rules file ${join(dir, 'nope.json')} does not exist`);
      expect((await readRulesFile(undefined, KNOWN)).length).toBe(DEFAULT_RULES.length);
    } finally {
      await rm(dir, { recursive: true });
    }
  });
});

describe('properties', () => {
  const path = fc.constantFrom(HAISHU_GRID, JIANGBEI_GRID);
  const caseTrigger = fc.record({ kind: fc.constant('case' as const), category: fc.constantFrom('fire_safety', 'sanitation', 'public_order'), severity: fc.integer({ min: 1, max: 4 }), regionPath: path });
  const anyRule = fc
    .record({
      enabled: fc.boolean(),
      focus: fc.boolean(),
      kind: fc.constantFrom('case', 'camera_alarm', 'overdue'),
      regions: fc.option(fc.subarray([...HAISHU_GRID, ...JIANGBEI_GRID], { minLength: 1 }), { nil: undefined }),
      types: fc.option(fc.subarray([...CAMERA_ALARM_TYPES], { minLength: 1 }), { nil: undefined }),
      minSeverity: fc.integer({ min: 1, max: 4 }),
      hours: fc.integer({ min: 1, max: 50 }),
    })
    .map((r): Rule => {
      const when =
        r.kind === 'camera_alarm'
          ? { kind: r.kind, types: r.types, regions: r.regions }
          : r.kind === 'case'
            ? { kind: r.kind, minSeverity: r.minSeverity, regions: r.regions }
            : { kind: r.kind, minSeverity: r.minSeverity, regions: r.regions, overWorkingHours: r.hours };
      return rule({ enabled: r.enabled, when, then: { focus: r.focus && r.kind !== 'camera_alarm' } });
    });
  const anyTrigger: fc.Arbitrary<Trigger> = fc.oneof(
    caseTrigger,
    fc.record({ kind: fc.constant('camera_alarm' as const), type: fc.constantFrom(...CAMERA_ALARM_TYPES), regionPath: path }),
    caseTrigger.chain((t) => fc.double({ min: 0, max: 60, noNaN: true }).map((h) => ({ ...t, kind: 'overdue' as const, overdueWorkingHours: h }))),
  );

  it('a case rule without conditions matches every case trigger, focusing the root', () => {
    const open = rule({ when: { kind: 'case' }, then: { focus: true } });
    fc.assert(fc.property(caseTrigger, (t) => matchRules([open], t)[0]?.focusRegion === t.regionPath[0]));
  });

  it('never returns a disabled rule or a rule of another kind, and every focus region lies on the trigger’s path', () => {
    fc.assert(
      fc.property(fc.array(anyRule, { maxLength: 8 }), anyTrigger, (rules, trigger) => {
        for (const m of matchRules(rules, trigger)) {
          expect(m.rule.enabled).toBe(true);
          expect(m.rule.when.kind).toBe(trigger.kind);
          if (m.rule.then.focus) expect(trigger.regionPath).toContain(m.focusRegion);
          else expect(m.focusRegion).toBeNull();
        }
      }),
    );
  });
});
