/**
 * The wall's AI precision panel and what feeds it: the builder (a percentage always with its
 * counts, "—" rather than 0 % for a type nothing was decided of, the empty state), the panel in
 * happy-dom, its place right by the video points in every layout mode, and the wall's stores
 * taking snapshots and frames with the new fields and `videoAlarm:updated` deltas without error.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { PROTOCOL_VERSION } from '@shared/events';
import { layoutPlan, type LayoutMode } from '../../web/src/layouts/scale';
import { connectWall, type WallSocket } from '../../web/src/socket';
import { applyDelta, applySnapshot, applyStatsFrame } from '../../web/src/stores/dispatch';
import { useIncidentsStore } from '../../web/src/stores/incidents';
import { useLiveStore } from '../../web/src/stores/live';
import { useStatsStore } from '../../web/src/stores/stats';
import { useWallStore } from '../../web/src/stores/wall';
import AiPrecision from '../../web/src/widgets/AiPrecision/AiPrecision.vue';
import { buildPrecisionView } from '../../web/src/widgets/AiPrecision/aiPrecisionRows';
import { aiPrecision, snapshot, statistics, T0, videoAlarm } from './helpers/fixtures';

const row = (alarmType: string, confirmed: number, dismissed: number, pending = 0) => ({
  alarmType: alarmType as 'garbage',
  confirmed,
  dismissed,
  pending,
  precision: confirmed + dismissed > 0 ? confirmed / (confirmed + dismissed) : null,
});

beforeEach(() => {
  setActivePinia(createPinia());
  localStorage.clear();
});

describe('the precision rows', () => {
  it('every percentage comes with confirmed/decided; the busiest type first; all types together in the total', () => {
    const view = buildPrecisionView(aiPrecision([row('garbage', 57, 17), row('illegal_parking', 80, 27, 2), row('fire_smoke', 17, 0)]), 'zh');
    expect(view.rows.map((r) => [r.label, r.percent, r.counts, r.pending])).toEqual([
      ['违章停车', '74.8%', '80/107', 2],
      ['垃圾堆放', '77.0%', '57/74', 0],
      ['烟火', '100.0%', '17/17', 0],
    ]);
    expect(view.overall).toMatchObject({ percent: '77.8%', counts: '154/198' });
    expect(view.pending).toBe(2);
    expect(view.noneDecided).toBe(false);
  });

  it('judges a percentage by a shape as well as its colour: ✓ from 85 %, ▼ under 70 %, nothing between or without a percentage', () => {
    const view = buildPrecisionView(aiPrecision([row('garbage', 90, 10), row('crowd', 75, 25), row('fight', 30, 70), row('flooding', 3, 1)]), 'zh');
    expect(Object.fromEntries(view.rows.map((r) => [r.type, r.mark]))).toEqual({ garbage: '✓', crowd: null, fight: '▼', flooding: null });
  });

  it('a type nothing was decided of shows — and 0/0, never 0 %', () => {
    const view = buildPrecisionView(aiPrecision([row('garbage', 3, 1), row('fight', 0, 0, 4)]), 'en');
    const fight = view.rows.find((r) => r.type === 'fight')!;
    expect(fight).toMatchObject({ label: 'Fight', percent: '—', counts: '0/0', pending: 4, share: 0 });
  });

  it('shows the counts but no percentage while fewer than 10 of a type were decided', () => {
    const view = buildPrecisionView(aiPrecision([row('crowd', 4, 3), row('fight', 5, 5)]), 'zh');
    expect(view.rows.find((r) => r.type === 'crowd')).toMatchObject({ percent: '样本少', counts: '4/7', share: 0 });
    expect(view.rows.find((r) => r.type === 'fight')).toMatchObject({ percent: '50.0%', counts: '5/10', share: 0.5 });
    expect(buildPrecisionView(aiPrecision([row('crowd', 2, 4)]), 'en').overall).toMatchObject({ percent: 'few', counts: '2/6' });
  });

  it('says when nothing was decided, and when the hub sent no figures at all', () => {
    expect(buildPrecisionView(aiPrecision([]), 'zh')).toMatchObject({ missing: false, noneDecided: true, overall: null, pending: 0 });
    expect(buildPrecisionView(aiPrecision([row('crowd', 0, 0, 3)]), 'zh')).toMatchObject({ noneDecided: true, overall: null, pending: 3 });
    expect(buildPrecisionView(null, 'zh')).toMatchObject({ missing: true, rows: [] });
  });
});

describe('the panel', () => {
  it('shows label, percentage (with ✓ / ▼ where judged) and counts per type, its waiting on hover, the total first, and the definition; rows turn in pages', async () => {
    vi.useFakeTimers({ now: T0, toFake: ['setInterval', 'clearInterval', 'setTimeout', 'clearTimeout', 'Date'] });
    useStatsStore().applySnapshot(snapshot({ aiPrecision: aiPrecision([row('garbage', 57, 17, 1), row('crowd', 16, 26)]) }));
    const w = mount(AiPrecision);
    await flushPromises();
    expect(w.find('.panel-title').text()).toBe('AI告警准确率');
    const garbage = w.find('[data-alarm-type="garbage"]');
    expect(garbage.text()).toContain('垃圾堆放');
    expect(garbage.find('[data-pct]').text()).toBe('77.0%');
    expect(garbage.find('[data-counts]').text()).toBe('57/74');
    // a row holds three things at 24 px: its waiting alarms are its hover text, the total waiting in the title bar
    expect(garbage.attributes('title')).toBe('待确认 1');
    expect(garbage.find('[data-mark]').exists()).toBe(false); // 77 %: between fair and good, not judged
    expect(w.find('[data-ai-overall]').text()).toContain('▼'); // 62.9 %: noisier than usual, said by a shape too
    expect(w.find('[data-ai-overall]').text()).toContain('62.9%');
    expect(w.find('[data-ai-overall]').text()).toContain('73/116');
    expect(w.find('[data-ai-pending]').text()).toBe('待确认 1');
    expect(w.find('[data-ai-legend]').text()).toBe('准确率 = 确认数 ÷ 已处理数（近7天）');
    // every percentage on the panel stands beside its counts
    for (const r of w.findAll('[data-alarm-type]')) expect(r.find('[data-counts]').text()).toMatch(/^\d+\/\d+$/);
    // happy-dom lays nothing out: one row a page, the next type after a turn
    await vi.advanceTimersByTimeAsync(8_000);
    expect(w.find('[data-alarm-type="crowd"] [data-pct]').text()).toBe('38.1%');
    expect(w.find('[data-alarm-type="crowd"] [data-counts]').text()).toBe('16/42');
    expect(w.find('[data-alarm-type="crowd"] [data-mark]').text()).toBe('▼');
    w.unmount();
    vi.useRealTimers();
  });

  it('says 暂无已处理告警 when nothing was decided, and follows the next statistics frame', async () => {
    useLiveStore().applySnapshot(snapshot(), T0);
    useStatsStore().applySnapshot(snapshot({ aiPrecision: aiPrecision([row('crowd', 0, 0, 2)]) }));
    const w = mount(AiPrecision);
    await flushPromises();
    expect(w.find('[data-ai-empty]').text()).toBe('暂无已处理告警');
    expect(w.find('[data-pct]').exists()).toBe(false);
    expect(w.find('[data-ai-pending]').text()).toBe('待确认 2');
    applyStatsFrame({ at: T0 + 2000, regionCode: '330200', stats: statistics(), week: statistics(), risk: {}, areas: [], aiPrecision: aiPrecision([row('crowd', 5, 5, 1)]) }, T0);
    await flushPromises();
    expect(w.find('[data-ai-empty]').exists()).toBe(false);
    expect(w.find('[data-alarm-type="crowd"] [data-pct]').text()).toBe('50.0%');
    expect(w.find('[data-alarm-type="crowd"] [data-counts]').text()).toBe('5/10');
    w.unmount();
  });

  it('stands right by the video points in every layout mode', () => {
    // at 1920×1080 both leave the screen together; a taller design canvas brings them back together
    for (const [mode, height] of [['standard', 1400], ['wide', 1080], ['ultra', 1080]] as [LayoutMode, number][]) {
      const plan = layoutPlan(mode, height);
      const column = [...plan.left, ...plan.right].find((c) => c.panels.some((p) => p.name === 'CameraHealth'))!;
      const names = column.panels.map((p) => p.name);
      expect(Math.abs(names.indexOf('AiPrecision') - names.indexOf('CameraHealth')), mode).toBe(1);
    }
  });
});

describe('the wall’s stores with AI alarms on the stream', () => {
  it('a snapshot with videoAlarms and aiPrecision applies; the precision lands in the stats store', () => {
    const p = aiPrecision([row('garbage', 5, 1)]);
    applySnapshot(snapshot({ videoAlarms: [videoAlarm('VA-1')], aiPrecision: p }), T0);
    expect(useStatsStore().aiPrecision).toEqual(p);
    expect(useLiveStore().seq).toBe(100);
    expect(useIncidentsStore().byId.size).toBe(2);
  });

  it('a videoAlarm:updated delta advances the sequence number without touching cases or raising the alarm popup', () => {
    applySnapshot(snapshot(), T0);
    const incidentsVersion = useIncidentsStore().version;
    const alarm = videoAlarm('VA-1', { alarmType: 'fire_smoke', at: T0 });
    expect(() => applyDelta({ type: 'videoAlarm:updated', seq: 101, alarm }, T0)).not.toThrow();
    expect(useLiveStore().seq).toBe(101);
    expect(useIncidentsStore().version).toBe(incidentsVersion);
    expect(useWallStore().alarm).toBeNull();
    // a replay is dropped like any other delta
    expect(applyDelta({ type: 'videoAlarm:updated', seq: 101, alarm }, T0)).toBe(false);
  });

  it('a frame’s precision replaces the held one; a frame without it (an older hub) keeps it', () => {
    const first = aiPrecision([row('garbage', 5, 1)]);
    applySnapshot(snapshot({ aiPrecision: first }), T0);
    const second = aiPrecision([row('garbage', 6, 1)]);
    applyStatsFrame({ at: T0 + 1000, regionCode: '330200', stats: statistics(), week: statistics(), risk: {}, areas: [], aiPrecision: second }, T0);
    expect(useStatsStore().aiPrecision).toEqual(second);
    applyStatsFrame({ at: T0 + 2000, regionCode: '330200', stats: statistics(), week: statistics(), risk: {}, areas: [] }, T0);
    expect(useStatsStore().aiPrecision).toEqual(second);
    // a snapshot of a region without the stats layer has none
    applySnapshot(snapshot(), T0);
    expect(useStatsStore().aiPrecision).toBeNull();
  });

  it('over the wall’s connection: a videoAlarm:updated event is applied, with no error logged', () => {
    const handlers = new Map<string, (...args: unknown[]) => void>();
    const answers: ((err: Error | null, answer?: unknown) => void)[] = [];
    const socket = {
      connected: true,
      on: (event: string, fn: (...args: unknown[]) => void) => void handlers.set(event, fn),
      off: (event: string) => void handlers.delete(event),
      // the subscription's answers (clock round trips are left unanswered)
      timeout: () => ({ emit: (e: string, _r: unknown, answer: (err: Error | null, a?: unknown) => void) => void (e === 'subscribe' && answers.push(answer)) }),
      disconnect: () => {},
    };
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    const warnings = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const conn = connectWall({ socket: socket as unknown as WallSocket, reload: () => {} });
    handlers.get('connect')?.();
    handlers.get('hello')!({ protocolVersion: PROTOCOL_VERSION, serverTime: T0, node: 'a', rootRegion: '330200', centreName: '中心' });
    answers[0]!(null, { ok: true, data: { mode: 'snapshot', snapshot: snapshot({ videoAlarms: [], aiPrecision: aiPrecision([row('garbage', 1, 0)]) }) } });
    expect(handlers.has('videoAlarm:updated')).toBe(true);
    handlers.get('videoAlarm:updated')!({ type: 'videoAlarm:updated', seq: 101, alarm: videoAlarm('VA-1') });
    expect(useLiveStore().seq).toBe(101);
    expect(errors).not.toHaveBeenCalled();
    expect(warnings).not.toHaveBeenCalled();
    conn.close();
    errors.mockRestore();
    warnings.mockRestore();
  });
});
