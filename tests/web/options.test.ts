import { describe, expect, it } from 'vitest';
import { buildCameraGaugeOption, cameraCounts } from '../../web/src/widgets/CameraHealth/cameraHealthOption';
import { buildHourlyTrendOption, hourlySeries } from '../../web/src/widgets/HourlyTrend/hourlyTrendOption';
import { buildIntakeByCategoryOption, categoryBars } from '../../web/src/widgets/IntakeByCategory/intakeByCategoryOption';
import { buildIntakeBySourceOption, sourceSlices } from '../../web/src/widgets/IntakeBySource/intakeBySourceOption';
import { kpiItems } from '../../web/src/widgets/KpiStrip/kpiItems';
import { translate } from '../../web/src/i18n';
import { overdueRows } from '../../web/src/widgets/OverdueList/overdueRows';
import { patrolFigures } from '../../web/src/widgets/PatrolDuty/patrolFigures';
import { rankingRows } from '../../web/src/widgets/StreetRanking/rankingRows';
import { hotlineRates } from '../../web/src/widgets/IntakeBySource/hotlineRates';
import { plainContext } from '../../web/src/widgets/shared/chartKit';
import { incident, statistics, T0 } from './helpers/fixtures';

type Series = { data: unknown[] };
const seriesOf = (option: unknown) => (option as { series: Series[] }).series;

describe('figures are the hub’s figures', () => {
  const stats = statistics();
  const ctx = plainContext();

  it('KPIs show Statistics as they are', () => {
    const items = Object.fromEntries(kpiItems(stats).map((k) => [k.key, k]));
    expect(items.reported?.value).toBe(stats.intake.total);
    expect(items.registered?.value).toBe(stats.registered);
    expect(items.due?.value).toBe(stats.due);
    expect(items.due?.sub?.params).toEqual({ n: '31' }); // close steps today, a flow
    expect(items.closureRate?.value).toBe(stats.closureRate);
    expect(items.closureRate?.sub?.params).toEqual({ a: '31', b: '48' });
    expect(items.onTimeRate?.value).toBe(stats.onTimeRate);
    expect(items.onTimeRate?.sub?.params).toEqual({ a: '28', b: '48' });
    expect(items.overdue?.value).toBe(stats.overdueOpen);
    expect(items.overdue?.sub?.params).toEqual({ a: '5' }); // overdue today beside open overdue now (supervised: the overdue panel)
    expect(kpiItems(stats).some((k) => k.few)).toBe(false);
    expect(kpiItems(null).every((k) => k.value === null)).toBe(true);
  });

  it('KPIs say good and bad by a shape and a word as well as by colour; nothing judged without a figure', () => {
    const marks = (st: Parameters<typeof kpiItems>[0]) => Object.fromEntries(kpiItems(st).map((k) => [k.key, k.mark && `${k.tone}:${k.mark.glyph}:${k.mark.word}`]));
    // 31 of 48 closed: 64.6 % — low; 28 of 48 on time: low; 5 overdue open
    expect(marks(stats)).toEqual({ reported: null, registered: null, due: null, closureRate: 'bad:▼:toneBad', onTimeRate: 'bad:▼:toneBad', overdue: 'bad:▲:toneOverdue' });
    const good = marks(statistics({ due: 40, dueClosed: 38, dueClosedOnTime: 33, closureRate: 0.95, onTimeRate: 33 / 40, overdueOpen: 0 }));
    expect(good).toMatchObject({ closureRate: 'good:✓:toneGood', onTimeRate: 'warn:!:toneWarn', overdue: 'good:✓:toneNone' });
    // too few cases due: a rate is not judged, nor is anything before the first figures
    expect(marks(statistics({ due: 3, dueClosed: 2, dueClosedOnTime: 1, closureRate: 2 / 3, onTimeRate: 1 / 3 }))).toMatchObject({ closureRate: null, onTimeRate: null });
    expect(Object.values(marks(null)).every((m) => m === null)).toBe(true);
    // every mark's word exists in both languages and differs between the tones
    for (const lang of ['zh', 'en'] as const) {
      const words = ['toneGood', 'toneWarn', 'toneBad', 'toneOverdue', 'toneNone'].map((w) => translate(lang, w as never));
      expect(new Set(words).size).toBe(words.length);
      expect(words.every((w) => w.length > 0 && !w.startsWith('tone'))).toBe(true);
    }
  });

  it('KPI rates over fewer than MIN_RATE_BASE cases due: no percentage, "too few", the counts', () => {
    const items = Object.fromEntries(kpiItems(statistics({ due: 3, dueClosed: 2, dueClosedOnTime: 1, closureRate: 2 / 3, onTimeRate: 1 / 3 })).map((k) => [k.key, k]));
    expect(items.closureRate).toMatchObject({ value: null, few: true, tone: 'plain', sub: { params: { a: '2', b: '3' } } });
    expect(items.onTimeRate).toMatchObject({ value: null, few: true, tone: 'plain' });
    // nothing due: no basis at all, and not "too few" either
    const none = Object.fromEntries(kpiItems(statistics({ due: 0, dueClosed: 0, dueClosedOnTime: 0, closureRate: null, onTimeRate: null })).map((k) => [k.key, k]));
    expect(none.closureRate).toMatchObject({ value: null, few: false });
    // exactly the base is a figure
    const ten = Object.fromEntries(kpiItems(statistics({ due: 10, dueClosed: 9, dueClosedOnTime: 9, closureRate: 0.9, onTimeRate: 0.9 })).map((k) => [k.key, k]));
    expect(ten.closureRate).toMatchObject({ value: 0.9, few: false, tone: 'good' });
  });

  it('intake by source: one slice per source with the hub’s count, catalogue order', () => {
    const slices = sourceSlices(stats, ['patrol', 'hotline', 'video_ai', 'sensor'], ctx);
    expect(slices.map((s) => [s.code, s.value])).toEqual([
      ['patrol', 30],
      ['hotline', 20],
      ['video_ai', 7],
      ['sensor', 0],
    ]);
    const data = seriesOf(buildIntakeBySourceOption(slices, ctx))[0]!.data as { value: number }[];
    expect(data.map((d) => d.value)).toEqual([30, 20, 7, 0]);
  });

  it('intake by category: largest first, values from byCategory', () => {
    const bars = categoryBars(stats, ['dispute', 'sanitation', 'traffic', 'fire'], ctx);
    expect(bars.map((b) => [b.code, b.value])).toEqual([
      ['sanitation', 40],
      ['dispute', 12],
      ['traffic', 5],
      ['fire', 0],
    ]);
    expect((seriesOf(buildIntakeByCategoryOption(bars, ctx))[0]!.data as { value: number }[]).map((d) => d.value)).toEqual([40, 12, 5, 0]);
  });

  it('hourly trend without seven-day figures: today’s byHour on a 00–23 axis, the rest empty', () => {
    const s = hourlySeries(stats, null, 480);
    expect(s.mode).toBe('today');
    expect(s.labels).toHaveLength(24);
    expect(s.labels[0]).toBe('00');
    expect(s.labels[23]).toBe('23');
    expect(s.values.slice(0, 11)).toEqual(stats.intake.byHour);
    expect(s.values.slice(11).every((v) => v === null)).toBe(true);
    expect(s.current).toBe(10);
    expect(s.peak).toEqual({ index: 8, value: 12 });
    const [, complete, filling] = seriesOf(buildHourlyTrendOption(s, ctx));
    // the current hour (still filling) is drawn dashed from the hour before
    expect(complete!.data).toEqual(s.values.map((v, i) => (i === 10 ? null : v)));
    expect(filling!.data.slice(9, 11)).toEqual([9, 7]);
    expect(filling!.data.filter((v) => v !== null)).toHaveLength(2);
  });

  it('rolling 24-hour trend: the last 24 of the 168 weekly buckets, the day before dashed', () => {
    const byHour = Array.from({ length: 168 }, (_, i) => i);
    const from = Date.UTC(2026, 10, 18, 3); // 11:00 in Ningbo, seven days before the current hour
    const week = statistics({ window: { from, to: from + 168 * 3_600_000 }, intake: { ...stats.intake, byHour } });
    const s = hourlySeries(stats, week, 480);
    expect(s.mode).toBe('rolling');
    expect(s.values).toEqual(byHour.slice(144));
    expect(s.previous).toEqual(byHour.slice(120, 144));
    expect(s.labels[23]).toBe('10'); // the current hour: 10:00–11:00 on the centre's clock
    expect(s.labels[0]).toBe('11');
    expect(s.current).toBe(23);
    expect(s.peak).toEqual({ index: 23, value: 167 });
    const [previous, complete, filling] = seriesOf(buildHourlyTrendOption(s, ctx));
    expect(previous!.data).toEqual(byHour.slice(120, 144));
    expect(complete!.data).toEqual([...byHour.slice(144, 167), null]);
    expect(filling!.data.slice(22)).toEqual([166, 167]);
  });

  it('ranking rows in rank order with the hub’s score and rates over the cases due', () => {
    const rows = rankingRows(stats);
    expect(rows.map((r) => r.name)).toEqual(['南门街道', '江厦街道']);
    expect(rows[0]).toMatchObject({ rank: 1, scoreText: '92.3', dueText: '12', closure: { text: '91.7%', counts: '11/12' }, onTime: { text: '83.3%', counts: '10/12' }, overdueOpen: 0 });
    expect(rows[1]).toMatchObject({ rank: 2, scoreText: '71.5', closure: { text: '60.0%', few: false }, overdueOpen: 2 });
  });

  it('department ranking: the handling departments, names without the region on screen, "too few" under the base', () => {
    const rows = rankingRows(stats, 'department', 'zh', '海曙区');
    expect(rows.map((r) => r.name)).toEqual(['城管执法局', '南门街道综治中心']);
    expect(rows[1]).toMatchObject({ rank: 2, due: 4, closure: { text: '样本少', few: true, counts: '3/4', rate: null }, onTime: { text: '样本少', counts: '2/4' } });
    expect(rankingRows(stats, 'department', 'en')[1]!.closure.text).toBe('few');
    // an older hub without departments: an empty table, not an error
    expect(rankingRows({ ...stats, departmentRanking: undefined as never }, 'department')).toEqual([]);
  });

  it('12345’s three rates with their counts; "too few" under the base', () => {
    const rates = Object.fromEntries(hotlineRates(stats.hotline, 'zh')!.map((r) => [r.key, r.shown]));
    expect(rates.response).toMatchObject({ text: '95.0%', counts: '38/40' });
    expect(rates.resolution).toMatchObject({ text: '85.0%', counts: '17/20' });
    expect(rates.satisfaction).toMatchObject({ text: '90.0%', counts: '18/20' });
    const few = hotlineRates({ ...stats.hotline, contacted: 4, resolved: 3, satisfied: 4, dissatisfied: 0, resolutionRate: 0.75, satisfactionRate: 1 }, 'zh')!;
    expect(few[1]!.shown).toMatchObject({ text: '样本少', counts: '3/4' });
    expect(few[2]!.shown).toMatchObject({ text: '样本少', counts: '4/4' });
    expect(hotlineRates(undefined, 'zh')).toBeNull();
  });

  it('patrols and cameras', () => {
    const p = patrolFigures(stats);
    expect(p.rate).toBe(stats.patrols.onDutyRate);
    expect(Object.fromEntries(p.figures.map((f) => [f.key, f.value]))).toEqual({ onDuty: 1200, responding: 40, onShift: 1279, total: 5137 });
    expect(Object.fromEntries(cameraCounts(stats).map((c) => [c.key, c.value]))).toEqual({ online: 2829, offline: 60, videoLost: 9, fault: 92, alarming: 3 });
    const gauge = seriesOf(buildCameraGaugeOption(stats, ctx))[0] as unknown as { data: { value: number }[]; detail: { formatter: () => string } };
    expect(gauge.data[0]!.value).toBeCloseTo((2829 / 2990) * 100, 10);
    expect(gauge.detail.formatter()).toBe('94.6%');
  });

  it('sizes scale with the design unit', () => {
    const at1 = buildIntakeByCategoryOption(categoryBars(stats, [], ctx), plainContext(1)) as { yAxis: { axisLabel: { fontSize: number } } };
    const at2 = buildIntakeByCategoryOption(categoryBars(stats, [], ctx), plainContext(2)) as { yAxis: { axisLabel: { fontSize: number } } };
    expect(at2.yAxis.axisLabel.fontSize).toBe(2 * at1.yAxis.axisLabel.fontSize);
  });
});

describe('overdue list', () => {
  it('overdue first (longest past the deadline on top), then supervised by nearest deadline', () => {
    const rows = overdueRows(
      [
        incident('A', { overdue: true, deadline: { stage: 'handling', dueAt: T0 - 3_600_000 } }),
        incident('B', { overdue: true, deadline: { stage: 'handling', dueAt: T0 - 7_200_000 } }),
        incident('C', { supervised: true, deadline: { stage: 'handling', dueAt: T0 + 600_000 } }),
        incident('D', { supervised: true, deadline: { stage: 'handling', dueAt: T0 + 60_000 } }),
        incident('E'),
      ],
      T0,
    );
    expect(rows.map((r) => [r.id, r.deltaMs])).toEqual([
      ['B', 7_200_000],
      ['A', 3_600_000],
      ['D', 60_000],
      ['C', 600_000],
    ]);
    expect(rows[0]?.streetCode).toBe('330203001');
  });

  it('a paused clock counts to the pause, not to now', () => {
    const [row] = overdueRows([incident('P', { overdue: true, deadline: { stage: 'handling', dueAt: T0 - 1000 }, sla: { pausedAt: T0 - 500, pausedMs: 0 } })], T0 + 99_000);
    expect(row).toMatchObject({ paused: true, deltaMs: 500 });
  });
});
