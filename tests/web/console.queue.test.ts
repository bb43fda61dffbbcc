/**
 * The queue: filters (region, category, source, severity, stage, overdue only), search by case
 * number, title and address, the order (overdue first, then the nearest deadline), groups in the
 * loop's order, the cursor, and the sub-regions offered as a filter.
 */
import { describe, expect, it } from 'vitest';
import type { Region } from '@shared/schemas/region';
import { emptyFilters, moveCursor, queueItems, regionOptions, rowIds, searchMatches, stageCounts, type QueueFilters } from '../../web/src/console/queue';
import { incident, REGIONS, T0 } from './helpers/fixtures';

const HAISHU = ['330200', '330203', '330203001', '330203001001', '330203001001001'];
const JIANGBEI = ['330200', '330205', '330205001', '330205001001', '330205001001001'];

const cases = [
  incident('E1', { title: '井盖缺失', category: 'traffic', source: 'hotline', severity: 2, deadline: { stage: 'reported', dueAt: T0 + 7_200_000 } }),
  incident('E2', { title: '垃圾堆放', category: 'sanitation', deadline: { stage: 'reported', dueAt: T0 + 600_000 }, location: { lng: 121.55, lat: 29.87, address: '药行街88号' } }),
  incident('E3', { title: '邻里纠纷', stage: 'dispatched', deadline: { stage: 'dispatched', dueAt: T0 - 60_000 }, regionPath: JIANGBEI, gridCode: '330205001001001' }),
  incident('E4', { title: '占道经营', stage: 'dispatched', overdue: true, deadline: { stage: 'dispatched', dueAt: T0 - 3_600_000 } }),
  incident('E5', { title: '噪音扰民', stage: 'dispatched', deadline: { stage: 'dispatched', dueAt: T0 + 60_000 }, sla: { pausedAt: T0 - 1000, pausedMs: 0 } }),
  incident('E6', { title: '已结案', stage: 'closed', deadline: null }),
  incident('E7', { title: '路灯不亮', stage: 'handling', deadline: { stage: 'handling', dueAt: T0 + 120_000 }, regionPath: HAISHU }),
];

const f = (over: Partial<QueueFilters> = {}): QueueFilters => ({ ...emptyFilters(), ...over });
const ids = (over: Partial<QueueFilters> = {}) => rowIds(queueItems(cases, f(over), T0));

describe('the queue', () => {
  it('shows open cases grouped in the loop’s order, overdue first, then the nearest deadline, paused last', () => {
    const items = queueItems(cases, f(), T0);
    expect(items.filter((i) => i.kind === 'group').map((i) => (i.kind === 'group' ? `${i.stage}:${i.count}` : ''))).toEqual(['reported:2', 'dispatched:3', 'handling:1']);
    expect(rowIds(items)).toEqual(['E2', 'E1', 'E4', 'E3', 'E5', 'E7']);
  });

  it('filters by stage tab, and counts every tab under the other filters', () => {
    expect(ids({ stage: 'dispatched' })).toEqual(['E4', 'E3', 'E5']);
    expect(ids({ stage: 'closed' })).toEqual(['E6']);
    const counts = stageCounts(cases, f({ category: 'dispute' }), T0);
    expect(counts.open).toBe(4);
    expect(counts.dispatched).toBe(3);
    expect(counts.reported).toBe(0);
    expect(counts.closed).toBe(1);
  });

  it('filters by region, category, source, severity and overdue', () => {
    expect(ids({ region: '330205' })).toEqual(['E3']);
    expect(ids({ region: '330203' })).not.toContain('E3');
    expect(ids({ category: 'sanitation' })).toEqual(['E2']);
    expect(ids({ source: 'hotline' })).toEqual(['E1']);
    expect(ids({ severity: 2 })).toEqual(['E1']);
    expect(ids({ overdueOnly: true })).toEqual(['E4', 'E3']);
    expect(ids({ overdueOnly: true, region: '330203' })).toEqual(['E4']);
  });

  it('searches case number, title and address, ignoring case and spaces around', () => {
    expect(ids({ search: ' e4 ' })).toEqual(['E4']);
    expect(ids({ search: '井盖' })).toEqual(['E1']);
    expect(ids({ search: '药行街' })).toEqual(['E2']);
    expect(ids({ search: 'nothing-like-this' })).toEqual([]);
    expect(searchMatches(cases[0]!, '')).toBe(true);
  });

  it('moves the cursor within the list and clamps at both ends', () => {
    const list = ['A', 'B', 'C'];
    expect(moveCursor(list, null, 1)).toBe('A');
    expect(moveCursor(list, null, -1)).toBe('C');
    expect(moveCursor(list, 'A', 1)).toBe('B');
    expect(moveCursor(list, 'C', 1)).toBe('C');
    expect(moveCursor(list, 'A', -1)).toBe('A');
    expect(moveCursor(list, 'gone', 1)).toBe('A');
    expect(moveCursor([], 'A', 1)).toBeNull();
  });

  it('offers the two levels of sub-regions below the user’s region', () => {
    const regions = new Map<string, Region>(REGIONS.map((r) => [r.code, r]));
    const options = regionOptions(regions, '330200');
    expect(options.map((o) => `${o.depth}:${o.code}`)).toEqual(['1:330203', '2:330203001', '1:330205']);
    expect(regionOptions(regions, '330203001').map((o) => o.code)).toEqual(['330203001001', '330203001001001']);
  });
});
