/**
 * Pure parts of the console: the key map (nothing fires while typing or with a modifier), the
 * timeline that merges a case's log with its audit, and the order of dispatch candidates.
 */
import { describe, expect, it } from 'vitest';
import type { AuditEntry } from '@shared/schemas/audit';
import type { Region } from '@shared/schemas/region';
import { departmentCandidates, filterCandidates, patrolCandidates } from '../../web/src/console/assignees';
import { joinedReports } from '../../web/src/console/joined';
import { keyIntent } from '../../web/src/console/keys';
import { mergeTimeline } from '../../web/src/console/timeline';
import { entry, incident, patrol, REGIONS, region, T0 } from './helpers/fixtures';

const key = (k: string, over: Partial<{ target: EventTarget | null; ctrlKey: boolean; altKey: boolean; metaKey: boolean; isComposing: boolean }> = {}) =>
  keyIntent({ key: k, altKey: false, ctrlKey: false, metaKey: false, target: document.body, ...over }, false);

describe('the key map', () => {
  it('moves, opens, searches, escapes and acts', () => {
    expect(key('j')).toEqual({ kind: 'move', step: 1 });
    expect(key('ArrowUp')).toEqual({ kind: 'move', step: -1 });
    expect(key('Enter')).toEqual({ kind: 'open' });
    expect(key('/')).toEqual({ kind: 'search' });
    expect(key('Escape')).toEqual({ kind: 'escape' });
    expect(key('R')).toEqual({ kind: 'action', key: 'r' });
    expect(key('1')).toEqual({ kind: 'pane', pane: 'cases' });
    expect(key('2')).toEqual({ kind: 'pane', pane: 'alarms' });
    expect(key('3')).toEqual({ kind: 'pane', pane: 'alerts' });
    expect(key('4')).toBeNull();
  });

  it('fires nothing while typing, with a modifier, in an IME composition or under a dialog', () => {
    const input = document.createElement('input');
    const textarea = document.createElement('textarea');
    const checkbox = Object.assign(document.createElement('input'), { type: 'checkbox' });
    expect(key('r', { target: input })).toBeNull();
    expect(key('j', { target: textarea })).toBeNull();
    expect(key('Escape', { target: input })).toEqual({ kind: 'escape' });
    expect(key('j', { target: checkbox })).toEqual({ kind: 'move', step: 1 });
    expect(key('c', { ctrlKey: true })).toBeNull();
    expect(key('r', { isComposing: true })).toBeNull();
    expect(key('Enter', { target: document.createElement('button') })).toBeNull();
    expect(keyIntent({ key: 'r', altKey: false, ctrlKey: false, metaKey: false, target: document.body }, true)).toBeNull();
  });
});

describe('the timeline', () => {
  const inc = incident('E1', { stage: 'registered' });
  const audit = (over: Partial<AuditEntry>): AuditEntry => ({
    id: 1,
    at: T0,
    actor: 'op1',
    role: 'operator',
    client: { channel: 'socket', address: null, userAgent: null },
    action: 'register',
    outcome: 'ok',
    error: null,
    message: null,
    incidentId: 'E1',
    subject: null,
    stageBefore: 'reported',
    stageAfter: 'registered',
    reason: null,
    stepMs: 1000,
    regionPath: ['330200'],
    seq: 8,
    ...over,
  });

  it('joins a step with its audit row (who and role), keeps refusals, newest first', () => {
    const log = [
      { ...entry(inc, 7, 'reported'), at: T0 - 60_000, to: 'reported' as const },
      { ...entry(inc, 8, 'register'), at: T0, from: 'reported' as const, actor: { kind: 'operator' as const, id: 'op1' } },
      { ...entry(inc, 9, 'dispatch'), at: T0 + 1000, data: { assignee: { id: 'D1', name: '城管' } }, note: '尽快' },
    ];
    const rows = mergeTimeline(log, [audit({}), audit({ id: 2, at: T0 + 500, action: 'verify_pass', outcome: 'refused', error: 'ILLEGAL_TRANSITION', message: 'not now', seq: null })]);
    expect(rows.map((r) => `${r.kind}:${r.action}`)).toEqual(['step:dispatch', 'refusal:verify_pass', 'step:register', 'step:reported']);
    expect(rows[2]).toMatchObject({ actor: 'op1', role: 'operator', from: 'reported', to: 'registered' });
    expect(rows[0]).toMatchObject({ detail: '城管', note: '尽快', role: null });
    expect(rows[1]).toMatchObject({ error: 'ILLEGAL_TRANSITION', message: 'not now' });
  });

  it('a report a source sent with its ingest key names the key, not its id alone', () => {
    const keyed = audit({ action: 'report', actor: 'key:k-7', role: null, seq: 7, stageBefore: null, stageAfter: 'reported', client: { channel: 'http', address: null, userAgent: null, key: { id: 'k-7', name: '12345热线平台' } } });
    const rows = mergeTimeline([{ ...entry(inc, 7, 'reported'), at: T0 - 60_000, to: 'reported' as const }], [keyed]);
    expect(rows[0]).toMatchObject({ actor: '12345热线平台 (k-7)', role: null });
  });
});

describe('joined reports (并单) that can be split off', () => {
  it('lists each report_joined entry with its report, except those split off already', () => {
    const inc = incident('E1');
    const report = (title: string) => ({ source: 'hotline', category: 'dispute', severity: 1, title, description: '', location: { lng: 121.55, lat: 29.87 }, reporter: { kind: 'citizen', name: '李四' }, reportedAt: T0 });
    const log = [
      entry(inc, 1, 'reported'),
      { ...entry(inc, 2, 'report_joined'), data: { report: report('噪音扰民'), distanceM: 35 } },
      { ...entry(inc, 3, 'report_joined'), data: { report: report('楼上噪音'), distanceM: 80 } },
      { ...entry(inc, 4, 'split'), data: { reportSeq: 2, newIncidentId: 'E9', source: 'hotline' } },
      { ...entry(inc, 5, 'report_joined'), data: { report: { broken: true } } },
    ];
    expect(joinedReports(log)).toEqual([{ seq: 3, at: inc.updatedAt, source: 'hotline', title: '楼上噪音', reporter: '李四', distanceM: 80 }]);
  });
});

describe('dispatch candidates', () => {
  const regions = new Map<string, Region>([...REGIONS, region('330203001001002', '南门第2网格', 'grid', '330203001001')].map((r) => [r.code, r]));
  const name = (code: string) => regions.get(code)?.name ?? code;
  const inc = incident('E1', { category: 'dispute', location: { lng: 121.55, lat: 29.87 } });

  it('departments that usually handle the category come first', () => {
    const list = departmentCandidates(
      [
        { id: 'D1', name: '交通局', regionCode: '330203', categories: ['traffic'] },
        { id: 'D2', name: '综治中心', regionCode: '330203001', categories: ['dispute'] },
      ],
      'dispute',
      name,
    );
    expect(list.map((c) => [c.assignee.id, c.suggested, c.assignee.kind])).toEqual([
      ['D2', true, 'department'],
      ['D1', false, 'department'],
    ]);
  });

  it('on-duty patrols of the area only: the case’s own grid first, then the nearest', () => {
    const list = patrolCandidates(
      [
        patrol(1, { gridCode: '330203001001002', lng: 121.551, lat: 29.871 }),
        patrol(2, { gridCode: '330203001001002', lng: 121.6, lat: 29.9 }),
        patrol(3, { lng: 121.7, lat: 29.95 }),
        patrol(4, { status: 'off_duty' }),
        patrol(5, { gridCode: '330205001001001' }),
      ],
      inc,
      '330203001',
      regions,
      name,
    );
    expect(list.map((c) => c.assignee.id)).toEqual(['P3', 'P1', 'P2']);
    expect(list[1]!.distanceKm).toBeLessThan(0.2);
    expect(filterCandidates(list, '网格员1').map((c) => c.assignee.id)).toEqual(['P1']);
    expect(filterCandidates(list, '', 'P3').map((c) => c.assignee.id)).toEqual(['P1', 'P2']);
  });
});
