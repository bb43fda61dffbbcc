/**
 * Focus mode and alerts on the signed-in desk (happy-dom, fake socket and hub API): w on an open
 * case opens 聚焦大屏 with the nearest on-duty patrols ticked, Confirm sends focus:start and a
 * refusal stays in the dialog with the hub's words; the banner with live distance and ETA, change
 * responders, End focus and Shift+Q; the alerts pane with its count in the header, acknowledging
 * with a note (the hub agrees, or refuses), and the tone for new, repeated and escalated alerts.
 */
import { describe, expect, it, vi } from 'vitest';
import { flushPromises } from '@vue/test-utils';
import { DEFAULT_CALENDAR_CONFIG } from '@shared/calendar';
import { AlertAckRequest } from '@shared/schemas/alert';
import type { Role } from '@shared/schemas/auth';
import { FocusStartRequest } from '@shared/schemas/focus';
import type { Snapshot } from '@shared/schemas/live';
import { useConsoleView } from '../../web/src/console/stores/view';
import { json, press, setUpDesk, signedIn } from './helpers/desk';
import { entry, incident, T0 } from './helpers/fixtures';
import { alert, focus, nearby, nearbyPatrol } from './consoleFocusFixtures';

const tone = vi.hoisted(() => vi.fn());
vi.mock('../../web/src/audio', () => ({ playAlarmTone: tone, unlockAudioOnGesture: () => () => {} }));

const CASES = [incident('E1', { title: '燃气泄漏', severity: 3 })];
const NEARBY = nearby([
  nearbyPatrol('P1', 120, { status: 'responding', name: '张伟' }),
  nearbyPatrol('P2', 300, { name: '王芳', mode: 'foot', role: 'grid_manager' }),
  nearbyPatrol('P3', 450, { name: '赵六' }),
  nearbyPatrol('P4', 900, { name: '钱七' }),
  nearbyPatrol('P5', 1800, { name: '孙八', kind: 'unit', mode: 'car' }),
]);
let nearbyAnswer: () => Response = () => json(NEARBY);
const asked: string[] = [];

function fakeHub(url: string): Response {
  asked.push(url);
  if (url === '/api/calendar') return json(DEFAULT_CALENDAR_CONFIG);
  if (url.startsWith('/api/nearby')) return nearbyAnswer();
  const log = url.match(/^\/api\/incidents\/([^/]+)\/log$/);
  if (log) return json({ incidentId: log[1], entries: [entry(CASES[0]!, 7, 'reported')] });
  if (/\/audit$/.test(url)) return json({ entries: [] });
  return json({ error: 'NOT_FOUND', message: 'no' }, 404);
}

const desk = setUpDesk(fakeHub);
const mountDesk = (contents: Partial<Snapshot> = {}, role: Role = 'operator', regionCode = '330203') => {
  tone.mockReset();
  asked.length = 0;
  nearbyAnswer = () => json(NEARBY);
  return desk.mount(signedIn(role, regionCode), { incidents: CASES, ...contents });
};
const dialog = () => desk.wrapper!.find('[role="dialog"]');

async function openCase(): Promise<void> {
  await press('Enter');
  expect(desk.wrapper!.find('[data-case]').attributes('data-case')).toBe('E1');
}

describe('聚焦大屏 on an open case', () => {
  it('w opens the dialog: the user’s walls by default, the nearest on duty ticked (not one already on a case)', async () => {
    const w = await mountDesk();
    await openCase();
    expect(w.find('[data-focus-action]').text()).toContain('聚焦大屏');
    await press('w');
    expect(dialog().attributes('aria-label')).toBe('聚焦大屏 · E1');
    expect(asked).toContain('/api/nearby?incident=E1&patrols=12');
    const regions = w.findAll<HTMLInputElement>('[role="dialog"] [data-focus-region]');
    expect(regions.map((r) => r.attributes('data-focus-region'))).toEqual(['330203', '330203001']);
    expect(regions[0]!.element.checked).toBe(true);
    const rows = w.findAll('[role="dialog"] [data-patrol]');
    expect(rows.map((r) => r.attributes('data-patrol'))).toEqual(['P1', 'P2', 'P3', 'P4', 'P5']);
    const ticked = w.findAll<HTMLInputElement>('[role="dialog"] [data-check]').filter((c) => c.element.checked);
    expect(ticked.map((c) => c.attributes('data-check'))).toEqual(['P2', 'P3', 'P4']);
    expect(rows[0]!.text()).toContain('执行任务中');
    expect(rows[1]!.find('[data-distance]').text()).toBe('300 m');
    expect(rows[1]!.text()).toContain('步行');

    // 5 ticks the fifth, 4 unticks the fourth, → the street's walls; Enter starts
    const first = w.find<HTMLInputElement>('[role="dialog"] [data-check="P1"]').element;
    expect(document.activeElement).toBe(first);
    await press('5', first);
    await press('4', first);
    await press('ArrowRight', first);
    await press('Enter', first);
    const [sent] = desk.fake.of('focus:start');
    expect(FocusStartRequest.parse(sent!.request)).toEqual({ incidentId: 'E1', regionCode: '330203001', responders: ['P2', 'P3', 'P5'] });
  });

  it('Confirm on the user’s walls names no region; the focus stands on the banner, the card says so', async () => {
    const w = await mountDesk();
    await openCase();
    await press('w');
    await press('Enter', document.activeElement!);
    const [sent] = desk.fake.of('focus:start');
    expect(sent!.request).toEqual({ incidentId: 'E1', responders: ['P2', 'P3', 'P4'] });
    sent!.answer(null, { ok: true, data: focus('F1', { startedBy: { kind: 'operator', id: 'op1', name: '值班员甲' } }) });
    await flushPromises();
    expect(dialog().exists()).toBe(false);
    expect(w.find('[data-toast]').text()).toBe('已聚焦 · E1 · 海曙区大屏');
    const banner = w.find('[data-focus="F1"]');
    expect(banner.text()).toContain('聚焦中');
    expect(banner.find('[data-focus-region]').text()).toBe('海曙区大屏');
    expect(banner.find('[data-focus-by]').text()).toContain('值班员甲 发起');
    expect(w.find('[data-in-focus]').text()).toBe('大屏聚焦中');
    expect(w.find('[data-focus-action]').text()).toContain('编辑响应力量');
  });

  it('a refusal stays in the dialog with the hub’s message; nothing stands', async () => {
    const w = await mountDesk();
    await openCase();
    await press('w');
    await press('Enter', document.activeElement!);
    desk.fake.of('focus:start')[0]!.answer(null, { ok: false, error: 'FORBIDDEN_REGION', message: 'Those walls lie outside your region (330203).' });
    await flushPromises();
    expect(dialog().exists()).toBe(true);
    expect(w.find('[data-focus-error]').text()).toBe('Those walls lie outside your region (330203).');
    expect(w.find('[data-focus]').exists()).toBe(false);
  });

  it('without the nearby list the dialog says so, and Confirm lets the hub choose the responders', async () => {
    const w = await mountDesk();
    nearbyAnswer = () => json({ error: 'STORE_UNAVAILABLE', message: 'store down' }, 503);
    await openCase();
    await press('w');
    expect(w.find('[data-nearby-error]').text()).toContain('store down');
    await press('Enter', document.activeElement ?? document.body);
    await w.find('[role="dialog"] form').trigger('submit');
    expect(desk.fake.of('focus:start')[0]!.request).toEqual({ incidentId: 'E1' });
  });

  it('a viewer, or a case of another region, is offered no focus', async () => {
    const w = await mountDesk({}, 'viewer');
    await openCase();
    expect(w.find('[data-focus-action]').exists()).toBe(false);
    await press('w');
    expect(dialog().exists()).toBe(false);
  });
});

describe('the focus banner', () => {
  it('shows the responders’ live distance and ETA from focus:track', async () => {
    const w = await mountDesk({ focuses: [focus('F1')] });
    expect(w.find('[data-responder="P1"] [data-distance]').text()).toBe('—');
    desk.fake.fire('focus:track', { focusId: 'F1', at: T0, responders: [{ patrolId: 'P1', status: 'responding', lng: 121.55, lat: 29.87, fixAt: T0, distanceM: 1234, etaS: 250 }] });
    await flushPromises();
    expect(w.find('[data-responder="P1"] [data-distance]').text()).toBe('1.2 km');
    expect(w.find('[data-responder="P1"] [data-eta]').text()).toBe('约4分钟');
    expect(w.find('[data-responder="P2"] [data-distance]').text()).toBe('—');
  });

  it('编辑响应力量 opens the dialog with the focus’s own responders ticked and sends focus:responders', async () => {
    const w = await mountDesk({ focuses: [focus('F1')] });
    await w.find('[data-focus-responders]').trigger('click');
    await flushPromises();
    expect(dialog().attributes('aria-label')).toBe('编辑响应力量 · E1');
    const ticked = w.findAll<HTMLInputElement>('[role="dialog"] [data-check]').filter((c) => c.element.checked);
    expect(ticked.map((c) => c.attributes('data-check'))).toEqual(['P1', 'P2']);
    await press('1', document.activeElement!); // untick 张伟 (P1, the nearest)
    await press('Enter', document.activeElement!);
    expect(desk.fake.of('focus:responders')[0]!.request).toEqual({ focusId: 'F1', responders: ['P2'] });
  });

  it('结束聚焦 and Shift+Q end it with one focus:end; the banner goes', async () => {
    const w = await mountDesk({ focuses: [focus('F1')] });
    await w.find('[data-focus-end]').trigger('click');
    expect(desk.fake.of('focus:end')[0]!.request).toEqual({ focusId: 'F1' });
    desk.fake.of('focus:end')[0]!.answer(null, { ok: false, error: 'FORBIDDEN_ROLE', message: 'A viewer may not focus the walls.' });
    await flushPromises();
    expect(w.find('[data-focus-refusal]').text()).toBe('A viewer may not focus the walls.');

    vi.advanceTimersByTime(1);
    document.body.dispatchEvent(new KeyboardEvent('keydown', { key: 'Q', shiftKey: true, bubbles: true, cancelable: true }));
    await flushPromises();
    expect(desk.fake.of('focus:end')).toHaveLength(2);
    desk.fake.of('focus:end')[1]!.answer(null, { ok: true, data: { focusId: 'F1' } });
    await flushPromises();
    expect(w.find('[data-focus]').exists()).toBe(false);
    expect(w.find('[data-toast]').text()).toContain('已结束聚焦 · E1');
    // a stray q without Shift never ends anything
    await press('q');
    expect(desk.fake.of('focus:end')).toHaveLength(2);
  });

  it('a focus on the city’s walls is shown to a district desk, not steered', async () => {
    const w = await mountDesk({ focuses: [focus('F1', { regionCode: '330200' })] });
    expect(w.find('[data-focus-end]').exists()).toBe(false);
    expect(w.find('[data-focus-not-yours]').text()).toContain('上级');
  });

  it('a focus ended by another desk (focus:changed null) leaves the banner', async () => {
    const w = await mountDesk({ focuses: [focus('F1')] });
    desk.fake.fire('focus:changed', { type: 'focus:changed', seq: 101, focusId: 'F1', regionCode: '330203', focus: null });
    await flushPromises();
    expect(w.find('[data-focus]').exists()).toBe(false);
  });
});

describe('alerts on the desk', () => {
  const WAITING = [alert('A1', { title: '燃气泄漏', severity: 4 }), alert('A2', { title: '人员聚集', kind: 'camera_alarm', incidentId: null, raisedAt: T0 - 30_000 })];

  it('the header counts the alerts waiting; 3 lists them with kind, place and age; y acknowledges with a note', async () => {
    const w = await mountDesk({ alerts: WAITING });
    expect(w.find('[data-alerts-count]').text()).toBe('2');
    await press('3');
    expect(useConsoleView().pane).toBe('alerts');
    const rows = w.findAll('[data-alert-queue] [data-alert-state="waiting"]');
    expect(rows.map((r) => r.attributes('data-alert-id'))).toEqual(['A1', 'A2']);
    expect(rows[0]!.text()).toContain('重大案件');
    expect(rows[0]!.text()).toContain('南门第1网格 · 南门街道');
    expect(rows[0]!.text()).toContain('2分前');
    expect(rows[1]!.text()).toContain('视频告警');
    expect(w.find('[data-alert]').attributes('data-alert')).toBe('A1');

    await press('y');
    expect(dialog().attributes('aria-label')).toBe('确认告警 · 燃气泄漏');
    const note = w.find<HTMLTextAreaElement>('[role="dialog"] [data-alert-note]');
    expect(document.activeElement).toBe(note.element);
    await note.setValue('已派员到场');
    await press('Enter', note.element);
    const [sent] = desk.fake.of('alert:acknowledge');
    expect(AlertAckRequest.parse(sent!.request)).toEqual({ alertId: 'A1', note: '已派员到场' });
    sent!.answer(null, { ok: true, data: { ...WAITING[0]!, state: 'acknowledged', acknowledgedAt: T0, acknowledgedBy: { username: 'op1', name: '值班员甲' }, note: '已派员到场' } });
    await flushPromises();
    expect(w.find('[data-toast]').text()).toBe('已确认告警 · 燃气泄漏');
    expect(w.find('[data-alerts-count]').text()).toBe('1');
    const acked = w.find('[data-alert-queue] [data-alert-id="A1"]');
    expect(acked.attributes('data-alert-state')).toBe('acknowledged');
    expect(acked.find('[data-acked-by]').text()).toBe('值班员甲 · 已派员到场');
    // the cursor went on to the next alert waiting
    expect(w.find('[data-alert]').attributes('data-alert')).toBe('A2');
  });

  it('a refusal (another desk was first) shows the hub’s message on the alert and changes nothing', async () => {
    const w = await mountDesk({ alerts: WAITING });
    await press('3');
    await press('y');
    await press('Enter', document.activeElement!);
    expect(desk.fake.of('alert:acknowledge')[0]!.request).toEqual({ alertId: 'A1' });
    desk.fake.of('alert:acknowledge')[0]!.answer(null, { ok: false, error: 'ILLEGAL_TRANSITION', message: 'Alert A1 was acknowledged already by 李四.' });
    await flushPromises();
    expect(w.find('[data-alert-refusal]').text()).toContain('Alert A1 was acknowledged already by 李四.');
    expect(w.find('[data-alert]').attributes('data-alert-state')).toBe('waiting');
    expect(w.find('[data-alerts-count]').text()).toBe('2');
  });

  it('a viewer sees the alerts and is offered no acknowledgement', async () => {
    const w = await mountDesk({ alerts: WAITING }, 'viewer');
    await press('3');
    expect(w.find('[data-alert-ack]').exists()).toBe(false);
    expect(w.find('[data-alert-why]').text()).toContain('只读账号');
    await press('y');
    expect(dialog().exists()).toBe(false);
  });

  it('sounds for a new alert that sounds and on alert:sounded — not for the snapshot, not twice at once', async () => {
    await mountDesk({ alerts: WAITING });
    expect(tone).not.toHaveBeenCalled();
    desk.fake.fire('alert:changed', { type: 'alert:changed', seq: 101, alert: alert('A3', { severity: 4 }) });
    expect(tone).toHaveBeenCalledWith(4);
    desk.fake.fire('alert:sounded', { alertId: 'A3', at: T0, repeat: 1, escalated: false });
    expect(tone).toHaveBeenCalledTimes(1); // the same alert's tone is still playing
    vi.advanceTimersByTime(60_000);
    desk.fake.fire('alert:sounded', { alertId: 'A3', at: T0 + 60_000, repeat: 1, escalated: false });
    expect(tone).toHaveBeenCalledTimes(2);
    desk.fake.fire('alert:changed', { type: 'alert:changed', seq: 102, alert: alert('A4', { sound: false }) });
    expect(tone).toHaveBeenCalledTimes(2);
  });

  it('for a supervisor an escalated alert is highlighted and sounds even when it does not sound otherwise', async () => {
    const w = await mountDesk({ alerts: [alert('A1', { sound: false, notifyRoles: ['operator'] })] }, 'supervisor');
    desk.fake.fire('alert:changed', { type: 'alert:changed', seq: 101, alert: alert('A1', { sound: false, notifyRoles: ['operator', 'supervisor'], escalatedAt: T0 }) });
    await flushPromises();
    expect(tone).toHaveBeenCalledTimes(1);
    await press('3');
    const row = w.find('[data-alert-queue] [data-alert-id="A1"]');
    expect(row.classes()).toContain('hot');
    expect(row.find('[data-escalated]').text()).toBe('已升级督查');
  });

  it('an operator does not hear a silent alert escalate', async () => {
    await mountDesk({ alerts: [alert('A1', { sound: false })] });
    desk.fake.fire('alert:changed', { type: 'alert:changed', seq: 101, alert: alert('A1', { sound: false, escalatedAt: T0 }) });
    desk.fake.fire('alert:sounded', { alertId: 'A1', at: T0, repeat: 1, escalated: true });
    expect(tone).not.toHaveBeenCalled();
  });
});

describe('the alert cursor', () => {
  it('an alert that starts waiting takes the cursor from an acknowledged one', async () => {
    const w = await mountDesk({ alerts: [alert('A0', { state: 'acknowledged', acknowledgedAt: T0 - 60_000, acknowledgedBy: { username: 'op2', name: '李四' } })] });
    await press('3');
    expect(w.find('[data-alert]').attributes('data-alert')).toBe('A0');
    desk.fake.fire('alert:changed', { type: 'alert:changed', seq: 101, alert: alert('A5') });
    await flushPromises();
    expect(w.find('[data-alert]').attributes('data-alert')).toBe('A5');
    // another one after it does not move the cursor off the alert waiting under it
    desk.fake.fire('alert:changed', { type: 'alert:changed', seq: 102, alert: alert('A6', { raisedAt: T0 }) });
    await flushPromises();
    expect(w.find('[data-alert]').attributes('data-alert')).toBe('A5');
  });
});

describe('the alert cursor, when another desk acknowledges', () => {
  it('goes on to the next alert waiting', async () => {
    const w = await mountDesk({ alerts: [alert('A1', { severity: 4 }), alert('A2', { severity: 3 }), alert('A3', { severity: 2 })] });
    await press('3');
    await press('j');
    expect(w.find('[data-alert]').attributes('data-alert')).toBe('A2');
    desk.fake.fire('alert:changed', { type: 'alert:changed', seq: 101, alert: alert('A2', { severity: 3, state: 'acknowledged', acknowledgedAt: T0, acknowledgedBy: { username: 'op2', name: '陈平' } }) });
    await flushPromises();
    expect(w.find('[data-alert]').attributes('data-alert')).toBe('A3');
  });
});
