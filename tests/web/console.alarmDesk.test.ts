/**
 * The AI confirm queue on the signed-in desk (happy-dom, fake socket and hub API): the tab with
 * the number waiting, the alarm lines and card (the snapshot as a link, never an image), keyboard
 * decisions — y confirms with a grade, x dismisses with a reason (none: nothing sent) — the case
 * it became or joined and Enter to open it, the hub's refusal, and what a viewer or an operator of
 * another region is offered (nothing).
 */
import { describe, expect, it } from 'vitest';
import { flushPromises } from '@vue/test-utils';
import { DEFAULT_CALENDAR_CONFIG } from '@shared/calendar';
import type { Role } from '@shared/schemas/auth';
import { VideoAlarmDecision, type VideoAlarm } from '@shared/schemas/videoAlarm';
import { useConsoleView } from '../../web/src/console/stores/view';
import { json, press, setUpDesk, signedIn } from './helpers/desk';
import { entry, incident, T0, videoAlarm } from './helpers/fixtures';

const ALARMS: VideoAlarm[] = [
  videoAlarm('VA-1', { at: T0 - 300_000, snapshotUrl: 'https://video.example.gov.cn/snap/1.jpg' }),
  videoAlarm('VA-2', { at: T0 - 60_000, alarmType: 'fire_smoke', confidence: 0.62, category: 'fire_safety', subcategory: null, title: '视频识别：南门街道·解放南路口(球机)疑似烟火' }),
  videoAlarm('VA-0', {
    status: 'dismissed',
    version: 2,
    decidedAt: T0 - 3_600_000,
    decidedBy: { kind: 'operator', id: 'op2', name: '李四' },
    reason: '光线、天气或遮挡导致误报',
  }),
];
const CASES = [incident('E1', { title: '井盖缺失' })];

function fakeHub(url: string): Response {
  if (url === '/api/calendar') return json(DEFAULT_CALENDAR_CONFIG);
  const log = url.match(/^\/api\/incidents\/([^/]+)\/log$/);
  if (log) return json({ incidentId: log[1], entries: [entry(CASES[0]!, 7, 'reported')] });
  if (/\/audit$/.test(url)) return json({ entries: [] });
  return json({ error: 'NOT_FOUND', message: 'no' }, 404);
}

const desk = setUpDesk(fakeHub);
const mountDesk = (role: Role = 'operator', regionCode = '330200') => desk.mount(signedIn(role, regionCode), { incidents: CASES, videoAlarms: ALARMS });
const decisions = () => desk.fake.of('videoAlarm:decide');
const dialog = () => desk.wrapper!.find('[role="dialog"]');

describe('the AI confirm queue', () => {
  it('2 shows the alarms waiting (counted on the tab), oldest first; the decided ones below, dimmed, with who and why', async () => {
    const w = await mountDesk();
    expect(w.find('[data-pane="alarms"]').text()).toContain('AI告警待确认');
    expect(w.find('[data-pending-count]').text()).toBe('(2)');
    await press('2');
    expect(useConsoleView().pane).toBe('alarms');
    const pending = w.findAll('[data-alarm-status="pending"][data-alarm-id]');
    expect(pending.map((r) => r.attributes('data-alarm-id'))).toEqual(['VA-1', 'VA-2']);
    expect(pending[0]!.text()).toContain('垃圾堆放');
    expect(pending[0]!.text()).toContain('南门街道·解放南路口(球机)');
    expect(pending[0]!.text()).toContain('87%');
    expect(pending[0]!.text()).toContain('南门第1网格 · 南门街道');
    expect(pending[0]!.text()).toContain('5分前');
    expect(pending[1]!.text()).toContain('烟火');
    const decided = w.find('[data-alarm-queue] [data-alarm-status="dismissed"]');
    expect(decided.classes()).toContain('decided');
    expect(decided.text()).toContain('已驳回');
    expect(decided.text()).toContain('李四');
    expect(decided.text()).toContain('光线、天气或遮挡导致误报');
    // the cursor starts on the alarm that waited longest; its card is on the right
    expect(w.find('[data-alarm]').attributes('data-alarm')).toBe('VA-1');
    await press('j');
    expect(w.find('[data-alarm]').attributes('data-alarm')).toBe('VA-2');
    await press('k');
    expect(w.find('[data-alarm]').attributes('data-alarm')).toBe('VA-1');
  });

  it('the platform’s snapshot is a link that opens in a new window, never an image on the page', async () => {
    const w = await mountDesk();
    await press('2');
    const link = w.find('[data-alarm] a[data-snapshot]');
    expect(link.text()).toContain('打开截图');
    expect(link.attributes('href')).toBe('https://video.example.gov.cn/snap/1.jpg');
    expect(link.attributes('target')).toBe('_blank');
    expect(link.attributes('rel')).toContain('noopener');
    expect(w.find('[data-alarm] img').exists()).toBe(false);
    await press('j');
    expect(w.find('[data-alarm] a[data-snapshot]').exists()).toBe(false);
    expect(w.find('[data-alarm]').text()).toContain('平台未提供截图');
  });

  it('y, a grade, Enter: the alarm becomes a case, the desk says which, and Enter opens it', async () => {
    const w = await mountDesk();
    useConsoleView().filters.search = '井盖'; // left from before: it would hide the new case
    await press('2');
    expect(w.findAll('[data-alarm-action]').map((b) => b.attributes('data-alarm-action'))).toEqual(['confirm', 'dismiss']);
    await press('y');
    expect(dialog().exists()).toBe(true);
    expect(dialog().attributes('aria-label')).toContain('确认AI告警');
    const radio = w.find<HTMLInputElement>('[role="dialog"] input[data-severity="1"]');
    expect(document.activeElement).toBe(radio.element);
    await press('3', radio.element);
    expect(w.find<HTMLInputElement>('[role="dialog"] input[data-severity="3"]').element.checked).toBe(true);
    await press('Enter', radio.element);
    const [sent] = decisions();
    expect(sent!.request).toEqual({ alarmId: 'VA-1', decision: { action: 'confirm', severity: 3 } });
    expect(VideoAlarmDecision.safeParse((sent!.request as { decision: unknown }).decision).success).toBe(true);

    const created = incident('E20261125-00042', { source: 'video_ai', severity: 3, category: 'sanitation', title: ALARMS[0]!.title });
    sent!.answer(null, { ok: true, data: { alarm: { ...ALARMS[0]!, status: 'confirmed', version: 2, incidentId: created.id, decidedAt: T0, decidedBy: { kind: 'operator', id: 'op1', name: '值班员甲' } }, incident: created } });
    await flushPromises();
    expect(dialog().exists()).toBe(false);
    expect(w.find('[data-toast]').text()).toBe('已确认 · 生成案件 E20261125-00042');
    // the cursor stays on the decided alarm (now below, dimmed) and its card names the case
    expect(w.find('[data-alarm]').attributes('data-alarm-status')).toBe('confirmed');
    expect(w.find('[data-became]').text()).toContain('生成案件 E20261125-00042');
    expect(w.find('[data-pending-count]').text()).toBe('(1)');
    await press('Enter');
    expect(useConsoleView().pane).toBe('cases');
    expect(w.find('[data-case]').attributes('data-case')).toBe('E20261125-00042');
    expect(useConsoleView().filters.search).toBe('');
    expect(w.find('[data-incident-id="E20261125-00042"]').exists()).toBe(true);
  });

  it('says 并入 when the alarm joined an open case (duplicate fusion)', async () => {
    const w = await mountDesk();
    await press('2');
    await press('y');
    await press('Enter', document.activeElement!);
    const joined = { ...CASES[0]!, version: 3, reports: { count: 2, bySource: { patrol: 1, video_ai: 1 }, lastAt: T0 } };
    decisions()[0]!.answer(null, { ok: true, data: { alarm: { ...ALARMS[0]!, status: 'confirmed', version: 2, incidentId: 'E1', decidedAt: T0 }, incident: joined } });
    await flushPromises();
    expect(w.find('[data-toast]').text()).toBe('已确认 · 并入 E1');
    expect(w.find('[data-became]').text()).toContain('并入 E1（合并上报 2 件）');
    expect(w.find('[data-alarm-queue] [data-alarm-id="VA-1"] [data-result]').text()).toContain('并入 E1');
    // j continues with the next alarm waiting, as if the decided one had stayed in place
    await press('j');
    expect(w.find('[data-alarm]').attributes('data-alarm')).toBe('VA-2');
  });

  it('x needs a reason: without one nothing is sent; a preset (digit) and own words are sent as the note', async () => {
    const w = await mountDesk();
    await press('2');
    await press('x');
    const first = w.find<HTMLInputElement>('[role="dialog"] input[data-preset="misdetect"]');
    expect(document.activeElement).toBe(first.element);
    expect(w.find<HTMLButtonElement>('[role="dialog"] [data-decide]').element.disabled).toBe(true);
    await press('Enter', first.element);
    expect(decisions()).toHaveLength(0);
    expect(w.find('[data-missing-reason]').text()).toBe('请选择或填写驳回原因');
    await press('2', first.element);
    expect(w.find<HTMLInputElement>('[role="dialog"] input[data-preset="lighting"]').element.checked).toBe(true);
    const text = w.find<HTMLTextAreaElement>('[role="dialog"] [data-dismiss-text]');
    await text.setValue('树影晃动');
    await press('Enter', text.element);
    const [sent] = decisions();
    expect(sent!.request).toEqual({ alarmId: 'VA-1', decision: { action: 'dismiss', note: '光线、天气或遮挡导致误报：树影晃动' } });
    expect(VideoAlarmDecision.parse((sent!.request as { decision: unknown }).decision)).toEqual({ action: 'dismiss', note: '光线、天气或遮挡导致误报：树影晃动' });
    sent!.answer(null, { ok: true, data: { alarm: { ...ALARMS[0]!, status: 'dismissed', version: 2, decidedAt: T0, reason: '光线、天气或遮挡导致误报：树影晃动' }, incident: null } });
    await flushPromises();
    expect(w.find('[data-toast]').text()).toContain('已驳回');
    // nothing to open after a dismissal: the cursor goes on to the next alarm waiting
    expect(w.find('[data-alarm]').attributes('data-alarm')).toBe('VA-2');
  });

  it('a refusal shows the hub’s message and changes nothing', async () => {
    const w = await mountDesk();
    await press('2');
    await press('y');
    await press('Enter', document.activeElement!);
    decisions()[0]!.answer(null, { ok: false, error: 'ILLEGAL_TRANSITION', message: 'Alarm VA-1 was dismissed already by 李四' });
    await flushPromises();
    expect(w.find('[data-alarm-refusal]').text()).toContain('Alarm VA-1 was dismissed already by 李四');
    expect(w.find('[data-alarm]').attributes('data-alarm-status')).toBe('pending');
    expect(w.find('[data-toast]').exists()).toBe(false);
  });

  it('a delta from another desk moves the alarm to the decided ones', async () => {
    const w = await mountDesk();
    await press('2');
    desk.fake.fire('videoAlarm:updated', { type: 'videoAlarm:updated', seq: 150, alarm: { ...ALARMS[1]!, status: 'confirmed', version: 2, incidentId: 'E9', decidedAt: T0, decidedBy: { kind: 'operator', id: 'op2', name: '李四' } } });
    await flushPromises();
    expect(w.find('[data-pending-count]').text()).toBe('(1)');
    expect(w.find('[data-alarm-queue] [data-alarm-id="VA-2"]').attributes('data-alarm-status')).toBe('confirmed');
    expect(w.find('[data-alarm-queue] [data-alarm-id="VA-2"] [data-result]').text()).toBe('案件 E9');
  });
});

describe('who may decide', () => {
  it('a viewer sees the queue but is offered nothing, and y does nothing', async () => {
    const w = await mountDesk('viewer');
    await press('2');
    expect(w.findAll('[data-alarm-action]')).toHaveLength(0);
    expect(w.find('[data-alarm-why]').text()).toContain('只读账号');
    await press('y');
    expect(dialog().exists()).toBe(false);
    expect(decisions()).toHaveLength(0);
  });

  it('an operator of another district is offered nothing on these alarms', async () => {
    const w = await mountDesk('operator', '330205');
    await press('2');
    expect(w.findAll('[data-alarm-action]')).toHaveLength(0);
    expect(w.find('[data-alarm-why]').text()).toContain('不在您的辖区内');
    await press('x');
    expect(dialog().exists()).toBe(false);
  });
});
