/**
 * The signed-in desk in happy-dom with a fake socket and hub API: countdowns, keyboard navigation,
 * steps as acknowledged commands (confirmation on success; on refusal the hub's message and no
 * change), keyboard-only dialogs, the viewer's read-only desk, and back to sign-in when it ends.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { flushPromises } from '@vue/test-utils';
import { DEFAULT_CALENDAR_CONFIG } from '@shared/calendar';
import type { AuditEntry } from '@shared/schemas/audit';
import type { Role } from '@shared/schemas/auth';
import { useConsoleQueue } from '../../web/src/console/stores/queue';
import { useConsoleSession } from '../../web/src/console/stores/session';
import { useConsoleView } from '../../web/src/console/stores/view';
import { json, press, setUpDesk, signedIn } from './helpers/desk';
import { entry, incident, T0, updated } from './helpers/fixtures';

// T0 is Wednesday 10:00 in Ningbo: 15:00 is 3.5 working hours away (lunch does not count)
const CASES = [
  incident('E1', { title: '井盖缺失', deadline: { stage: 'reported', dueAt: T0 + 5 * 3_600_000 } }),
  incident('E2', { title: '垃圾堆放', category: 'sanitation', deadline: { stage: 'reported', dueAt: T0 + 6 * 3_600_000 } }),
  incident('E3', { title: '占道经营', stage: 'dispatched', assignee: { id: 'D9', name: '城管', kind: 'department' }, deadline: { stage: 'dispatched', dueAt: T0 - 3_600_000 } }),
  incident('E4', { title: '邻里纠纷', stage: 'registered', version: 2, deadline: { stage: 'registered', dueAt: T0 + 3_600_000 } }),
  incident('E5', { title: '噪音扰民', stage: 'handling', version: 4, reports: { count: 2, bySource: { patrol: 1, hotline: 1 }, lastAt: T0 }, deadline: { stage: 'handling', dueAt: T0 + 7_200_000 } }),
];
// prettier-ignore
const REFUSED: AuditEntry = { id: 1, at: T0, actor: 'op2', role: 'operator', client: { channel: 'socket', address: null, userAgent: null }, action: 'verify_pass',
  outcome: 'refused', error: 'SEPARATION_OF_DUTIES', message: '处置人不能核查', incidentId: 'E1', subject: null, stageBefore: 'reported', stageAfter: null,
  reason: null, stepMs: null, regionPath: ['330200'], seq: null };
const JOINED = { source: 'hotline', category: 'dispute', severity: 1, title: '楼上噪音', description: '', location: { lng: 121.55, lat: 29.87 }, reporter: { kind: 'citizen', name: '李四' }, reportedAt: T0 };
const DEPARTMENTS = [
  { id: 'D1', name: '海曙区交通运输局', regionCode: '330203', categories: ['traffic'] },
  { id: 'D2', name: '南门街道综治中心', regionCode: '330203001', categories: ['dispute'] },
];

const fetched: string[] = [];

function fakeHub(url: string): Response {
  fetched.push(url);
  if (url === '/api/calendar') return json(DEFAULT_CALENDAR_CONFIG);
  const log = url.match(/^\/api\/incidents\/([^/]+)\/log$/);
  if (log?.[1] === 'E5') return json({ incidentId: 'E5', entries: [entry(CASES[4]!, 7, 'reported'), { ...entry(CASES[4]!, 9, 'report_joined'), data: { report: JOINED, distanceM: 40 } }] });
  if (log) return json({ incidentId: log[1], entries: [entry(CASES[0]!, 7, 'reported')] });
  if (/\/audit$/.test(url)) return json({ entries: [REFUSED] });
  if (url.startsWith('/api/departments')) return json({ departments: DEPARTMENTS });
  if (url.startsWith('/api/patrols')) return json({ patrols: [] });
  return json({ error: 'NOT_FOUND', message: 'no' }, 404);
}

const desk = setUpDesk(fakeHub);
const mountDesk = (role: Role = 'operator') => desk.mount(signedIn(role), { incidents: CASES });
const commands = () => desk.fake.of('incident:command');

async function openCase(id: string): Promise<void> {
  useConsoleView().cursorId = id;
  await press('Enter');
}

beforeEach(() => {
  fetched.length = 0;
});

describe('the queue', () => {
  it('counts deadlines down in working hours; overdue in red with how long', async () => {
    const w = await mountDesk();
    expect(w.find('[data-incident-id="E1"] [data-due]').text()).toBe('剩余 3小时30分');
    const late = w.find('[data-incident-id="E3"] [data-due]');
    expect(late.text()).toBe('超期 1小时00分');
    expect(late.classes()).toContain('due-overdue');
    expect(w.findAll('[data-group]').map((g) => g.attributes('data-group'))).toEqual(['reported', 'registered', 'dispatched', 'handling']);
  });

  it('j/k and the arrows move the cursor, Enter opens the case, Esc closes it', async () => {
    const w = await mountDesk();
    const view = useConsoleView();
    expect(view.cursorId).toBe('E1');
    await press('j');
    expect(view.cursorId).toBe('E2');
    await press('ArrowDown');
    expect(view.cursorId).toBe('E4');
    await press('k');
    expect(view.cursorId).toBe('E2');
    expect(w.find('[aria-selected="true"][data-incident-id="E2"]').exists()).toBe(true);
    await press('Enter');
    expect(w.find('[data-case]').attributes('data-case')).toBe('E2');
    await press('Escape');
    expect(w.find('[data-case]').exists()).toBe(false);
  });

  it('/ focuses the search; typing there fires no step; Enter opens the first match; Esc clears', async () => {
    const w = await mountDesk();
    await openCase('E1');
    await press('/');
    const search = w.find<HTMLInputElement>('[data-search]');
    expect(document.activeElement).toBe(search.element);
    await search.setValue('垃圾');
    await press('r', search.element);
    expect(commands()).toHaveLength(0);
    expect(w.findAll('[data-incident-id]').map((r) => r.attributes('data-incident-id'))).toEqual(['E2']);
    await press('Enter', search.element);
    expect(w.find('[data-case]').attributes('data-case')).toBe('E2');
    expect(document.activeElement).not.toBe(search.element);
    search.element.focus();
    await press('Escape', search.element);
    expect(useConsoleView().filters.search).toBe('');
  });
});

describe('steps', () => {
  it('r registers the open case with its version; a confirmation shows and the case stays open', async () => {
    const w = await mountDesk();
    await openCase('E1');
    expect(w.findAll('[data-action]').map((b) => b.attributes('data-action'))).toEqual(['register', 'reject', 'pause_sla', 'note']);
    expect(w.find('[data-action="register"] kbd').text()).toBe('r');
    await press('r');
    const [sent] = commands();
    expect(sent!.request).toEqual({ incidentId: 'E1', command: { action: 'register', expectedVersion: 1 } });
    sent!.answer(null, { ok: true, data: { ...CASES[0]!, stage: 'registered', version: 2 } });
    await flushPromises();
    expect(w.find('[data-toast]').text()).toContain('立案成功');
    expect(w.find('[data-case]').attributes('data-stage')).toBe('registered');
    expect(useConsoleView().openId).toBe('E1');
  });

  it('a refused step shows the hub’s message and changes nothing', async () => {
    const w = await mountDesk();
    await openCase('E1');
    const before = useConsoleQueue().byId.get('E1');
    await press('r');
    commands()[0]!.answer(null, { ok: false, error: 'VERSION_CONFLICT', message: '案件已被他人更新，请刷新后重试' });
    await flushPromises();
    expect(w.find('[data-refusal]').text()).toContain('案件已被他人更新，请刷新后重试');
    expect(useConsoleQueue().byId.get('E1')).toBe(before);
    expect(w.find('[data-case]').attributes('data-stage')).toBe('reported');
    expect(w.find('[data-toast]').exists()).toBe(false);
  });

  it('a reason dialog is keyboard-only: an empty reason is caught, Esc cancels, Enter sends', async () => {
    const w = await mountDesk();
    await openCase('E3');
    await press('b');
    const area = () => w.find<HTMLTextAreaElement>('[role="dialog"] textarea');
    expect(document.activeElement).toBe(area().element);
    await press('j');
    expect(useConsoleView().cursorId).toBe('E3'); // the queue does not move under a dialog
    await press('Enter', area().element);
    expect(w.find('[role="dialog"] [role="alert"]').text()).toBe('请填写原因');
    expect(commands()).toHaveLength(0);
    await press('Escape', area().element);
    expect(w.find('[role="dialog"]').exists()).toBe(false);
    await press('b');
    await area().setValue('不属本单位职责');
    await press('Enter', area().element);
    expect(commands()[0]!.request).toEqual({ incidentId: 'E3', command: { action: 'hand_back', note: '不属本单位职责', expectedVersion: 1 } });
  });

  it('Tab stays inside a dialog', async () => {
    const w = await mountDesk();
    await openCase('E3');
    await press('b');
    const buttons = w.findAll<HTMLButtonElement>('[role="dialog"] button');
    const last = buttons[buttons.length - 1]!.element;
    last.focus();
    await press('Tab', last);
    expect(document.activeElement).toBe(w.find('[role="dialog"] textarea').element);
  });

  it('d picks who handles it with the keyboard, the usual department first', async () => {
    const w = await mountDesk();
    await openCase('E4');
    await press('d');
    await flushPromises();
    expect(fetched.some((u) => u.startsWith('/api/departments?region=330203&category=dispute'))).toBe(true);
    expect(fetched.some((u) => u.startsWith('/api/patrols?region=330203001&status=on_duty'))).toBe(true);
    const filter = w.find<HTMLInputElement>('[role="dialog"] input');
    expect(document.activeElement).toBe(filter.element);
    expect(w.find('[role="dialog"] [role="option"][aria-selected="true"]').attributes('data-assignee')).toBe('D2');
    await press('ArrowDown', filter.element);
    expect(w.find('[role="dialog"] [role="option"][aria-selected="true"]').attributes('data-assignee')).toBe('D1');
    await press('ArrowUp', filter.element);
    await press('Enter', filter.element);
    expect(commands()[0]!.request).toEqual({
      incidentId: 'E4',
      command: { action: 'dispatch', assignee: { id: 'D2', name: '南门街道综治中心', kind: 'department' }, expectedVersion: 2 },
    });
  });

  it('u splits a joined report off: choose it, give the reason, Enter', async () => {
    const w = await mountDesk();
    await openCase('E5');
    expect(w.find('[data-reports]').text()).toBe('合并上报 2 件');
    await press('u');
    await flushPromises();
    const list = w.find('[role="dialog"] [role="listbox"]');
    expect(document.activeElement).toBe(list.element);
    expect(list.text()).toContain('楼上噪音');
    await press('Enter', list.element);
    const area = w.find<HTMLTextAreaElement>('[role="dialog"] textarea');
    expect(document.activeElement).toBe(area.element);
    await area.setValue('不是同一处噪音');
    await press('Enter', area.element);
    expect(commands()[0]!.request).toEqual({ incidentId: 'E5', command: { action: 'split', reportSeq: 9, note: '不是同一处噪音', expectedVersion: 4 } });
  });

  it('the timeline merges log and audit, and reloads when a delta for the case arrives', async () => {
    const w = await mountDesk();
    await openCase('E1');
    expect(w.find('[data-timeline] [data-kind="refusal"]').text()).toContain('处置人不能核查');
    const loads = () => fetched.filter((u) => u === '/api/incidents/E1/log').length;
    expect(loads()).toBe(1);
    desk.fake.fire('incident:updated', updated({ ...CASES[0]!, version: 2, supervised: true }, 150, 'supervise'));
    await flushPromises();
    expect(loads()).toBe(2);
    desk.fake.fire('incident:updated', updated({ ...CASES[1]!, version: 2 }, 151, 'supervise'));
    await flushPromises();
    expect(loads()).toBe(2);
  });
});

describe('who is at the desk', () => {
  it('a viewer sees the queue and the case but is offered no step', async () => {
    const w = await mountDesk('viewer');
    await openCase('E1');
    expect(w.findAll('[data-action]')).toHaveLength(0);
    expect(w.find('[data-case]').text()).toContain('只读账号');
    await press('r');
    expect(commands()).toHaveLength(0);
  });

  it('a step answered SESSION_EXPIRED returns to sign-in, saying why', async () => {
    await mountDesk();
    await openCase('E1');
    await press('r');
    commands()[0]!.answer(null, { ok: false, error: 'SESSION_EXPIRED', message: '会话已过期，请重新登录。' });
    await flushPromises();
    expect(useConsoleSession().phase).toBe('signedOut');
    expect(useConsoleSession().endedReason).toBe('会话已过期，请重新登录。');
  });
});
