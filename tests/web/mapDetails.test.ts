import { describe, expect, it } from 'vitest';
import type { Incident } from '@shared/schemas/incident';
import type { Camera } from '@shared/schemas/camera';
import type { Patrol } from '@shared/schemas/patrol';
import { cameraDetails, formatSpan, formatTime, incidentDetails, patrolDetails } from '../../web/src/map/details';

const NOW = Date.UTC(2026, 10, 25, 2, 0, 0); // 10:00 in Shanghai

const incident = {
  id: 'INC-7',
  severity: 3,
  title: '消防通道堵塞',
  stage: 'dispatched',
  reportedAt: NOW - 25 * 60_000,
  deadline: { stage: 'dispatched', dueAt: NOW - 5 * 60_000 },
  assignee: { id: 'd1', name: '消防中队' },
  location: { lng: 121.5, lat: 29.9, address: '中山西路12号' },
  overdue: true,
  supervised: true,
} as unknown as Incident;

const row = (d: { rows: { label: string; value: string; alert?: boolean }[] }, label: string) => d.rows.find((r) => r.label === label);

describe('incident details', () => {
  it('shows id, title, stage, severity, time, assignee and deadline', () => {
    const d = incidentDetails(incident, { now: NOW, lang: 'zh' });
    expect(d.title).toBe('消防通道堵塞');
    expect(row(d, '编号')?.value).toBe('INC-7');
    expect(row(d, '等级')?.value).toBe('重大');
    expect(row(d, '阶段')?.value).toBe('已派遣');
    expect(row(d, '上报')?.value).toBe('11-25 09:35 (25分钟前)');
    expect(row(d, '处置人')?.value).toBe('消防中队');
    expect(row(d, '时限')).toMatchObject({ value: '11-25 09:55 (超期5分钟)', alert: true });
    expect(row(d, '督办')?.alert).toBe(true);
  });

  it('speaks English when the wall does', () => {
    const d = incidentDetails(incident, { now: NOW, lang: 'en' });
    expect(row(d, 'Severity')?.value).toBe('Serious');
    expect(row(d, 'Deadline')?.value).toContain('5 min overdue');
  });
});

describe('patrol and camera details', () => {
  it('names the patrol, its role and its status', () => {
    const p = { id: 'p1', name: '张伟', role: 'police', kind: 'worker', gridCode: 'g1', status: 'on_duty' } as Patrol;
    const d = patrolDetails(p, { lang: 'zh' }, 'responding');
    expect(d.title).toBe('张伟');
    expect(row(d, '角色')?.value).toBe('社区民警');
    expect(row(d, '状态')?.value).toBe('处置中');
  });

  it('shows a camera alarm', () => {
    const c = { id: 'c1', name: '鼓楼路口', status: 'online', alarm: { type: 'fire_smoke', at: NOW }, owner: '公安', gbId: null } as Camera;
    const d = cameraDetails(c, { lang: 'zh' });
    expect(d.badge).toBe('告警');
    expect(row(d, '告警')).toMatchObject({ value: '烟火 · 11-25 10:00', alert: true });
  });
});

describe('formatting', () => {
  it('prints the centre clock and short spans', () => {
    expect(formatTime(NOW)).toBe('11-25 10:00');
    expect(formatTime(null)).toBe('—');
    expect(formatSpan(90 * 60_000)).toBe('1小时30分');
    expect(formatSpan(3 * 86_400_000, 'en')).toBe('3 d');
  });
});
