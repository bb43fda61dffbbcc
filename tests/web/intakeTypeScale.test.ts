/**
 * The left column's widgets at the type scale's sizes (issue 15): fewer, larger items — what does
 * not fit is summed into "其他 / Other", never shrunk — short names that fit a row at 24 px in both
 * languages, and no chart text under 24 design px.
 */
import { describe, expect, it } from 'vitest';
import { buildHourlyTrendOption, hourlySeries } from '../../web/src/widgets/HourlyTrend/hourlyTrendOption';
import { buildIntakeByCategoryOption, categoryBars } from '../../web/src/widgets/IntakeByCategory/intakeByCategoryOption';
import { buildIntakeBySourceOption, shownSlices, sourceSlices } from '../../web/src/widgets/IntakeBySource/intakeBySourceOption';
import { SHORT_WORDS } from '../../web/src/i18n';
import { OTHER_CODE, topWithOther } from '../../web/src/widgets/shared/fitRows';
import { plainContext } from '../../web/src/widgets/shared/chartKit';
import { FONT_SIZE } from '../../web/src/layouts/tokens';
import { INCIDENT_SOURCES } from '../../shared/schemas/incident';
import { patrolRateText } from '../../web/src/widgets/PatrolDuty/patrolFigures';
import { statistics } from './helpers/fixtures';

/** every fontSize anywhere in an option object */
function fontSizes(value: unknown, out: number[] = []): number[] {
  if (Array.isArray(value)) for (const v of value) fontSizes(v, out);
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) {
      if (k === 'fontSize' && typeof v === 'number') out.push(v);
      else fontSizes(v, out);
    }
  return out;
}

const CATEGORIES = ['dispute', 'safety_hazard', 'public_order', 'fire_safety', 'sanitation', 'municipal_facility', 'traffic', 'livelihood', 'rental_population'];
const byCategory = { dispute: 64, safety_hazard: 59, public_order: 32, fire_safety: 48, sanitation: 89, municipal_facility: 62, traffic: 55, livelihood: 40, rental_population: 35 };

describe('fewer, larger items', () => {
  it('topWithOther keeps everything that fits, else the largest and one item with the sum of the rest', () => {
    const items = [
      { code: 'a', name: 'A', value: 5 },
      { code: 'b', name: 'B', value: 50 },
      { code: 'c', name: 'C', value: 7 },
      { code: 'd', name: 'D', value: 30 },
    ];
    const other = (sum: number) => ({ code: OTHER_CODE, name: 'Other', value: sum });
    expect(topWithOther(items, 4, other)).toEqual(items);
    expect(topWithOther(items, 9, other)).toEqual(items);
    // the two largest in their given order, then the other two summed
    expect(topWithOther(items, 3, other).map((i) => [i.code, i.value])).toEqual([
      ['b', 50],
      ['d', 30],
      [OTHER_CODE, 12],
    ]);
    expect(topWithOther(items, 1, other)).toEqual([{ code: OTHER_CODE, name: 'Other', value: 92 }]);
  });

  it('intake by category: as many bars as rows, the rest summed into a last "其他 / Other" bar', () => {
    const stats = statistics({ intake: { ...statistics().intake, byCategory } });
    const bars = categoryBars(stats, CATEGORIES, plainContext(1, 'zh'), 7);
    expect(bars).toHaveLength(7);
    expect(bars.map((b) => b.code)).toEqual(['sanitation', 'dispute', 'municipal_facility', 'safety_hazard', 'traffic', 'fire_safety', OTHER_CODE]);
    const other = bars[6]!;
    expect(other).toMatchObject({ name: '其他', other: true, value: 40 + 35 + 32 });
    // nothing lost: the bars sum to the day's categorised intake
    expect(bars.reduce((s, b) => s + b.value, 0)).toBe(Object.values(byCategory).reduce((s, v) => s + v, 0));
    expect(categoryBars(stats, CATEGORIES, plainContext(1, 'en'), 7)[6]!.name).toBe('Other');
    // a taller panel: every category its own bar, no "Other"
    expect(categoryBars(stats, CATEGORIES, plainContext(), 9).some((b) => b.other)).toBe(false);
    // the other bar is drawn apart (grey), the rest with the bar colour
    const data = (buildIntakeByCategoryOption(bars, plainContext()) as { series: { data: { value: number; itemStyle?: unknown }[] }[] }).series[0]!.data;
    expect(data.map((d) => d.value)).toEqual(bars.map((b) => b.value));
    expect(data[6]!.itemStyle).toBeDefined();
    expect(data.slice(0, 6).every((d) => d.itemStyle === undefined)).toBe(true);
  });

  it('intake by source: the smallest sources summed into "Other" when the legend holds fewer rows; colours stay put', () => {
    const stats = statistics({ intake: { ...statistics().intake, bySource: { patrol: 217, hotline: 149, video_ai: 56, sensor: 22, open311: 29, department: 13 } } });
    const ctx = plainContext(1, 'en');
    const all = sourceSlices(stats, INCIDENT_SOURCES, ctx);
    expect(shownSlices(all, 6, ctx)).toEqual(all);
    const five = shownSlices(all, 5, ctx);
    expect(five.map((s) => [s.code, s.value])).toEqual([
      ['patrol', 217],
      ['hotline', 149],
      ['video_ai', 56],
      ['open311', 29],
      [OTHER_CODE, 22 + 13],
    ]);
    expect(five.slice(0, 4).map((s) => s.color)).toEqual([all[0]!.color, all[1]!.color, all[2]!.color, all[4]!.color]);
    expect(five[4]!.name).toBe('Other');
    const ring = (buildIntakeBySourceOption(five, ctx) as { series: { data: { value: number }[] }[] }).series[0]!.data;
    expect(ring.map((d) => d.value)).toEqual([217, 149, 56, 29, 35]);
  });
});

describe('names that fit a row at 24 px', () => {
  it('short names for every shipped source and category, in both languages', () => {
    const sources = sourceSlices(null, INCIDENT_SOURCES, plainContext(1, 'en'));
    expect(sources.map((s) => s.name)).toEqual(INCIDENT_SOURCES.map((c) => SHORT_WORDS.sources[c]![1]));
    expect(sources.find((s) => s.code === 'open311')!.name).toBe('Citizens');
    for (const table of Object.values(SHORT_WORDS))
      for (const [zh, en] of Object.values(table)) {
        // a legend or bar row has about 140 design px for a name: 5 ideographs, 12 Latin letters
        expect(zh.replace(/[0-9A-Za-z]/g, '').length + zh.replace(/[^0-9A-Za-z]/g, '').length / 2).toBeLessThanOrEqual(5.5);
        expect(en.length).toBeLessThanOrEqual(12);
      }
    // a code the wall does not know keeps the catalogue's name
    expect(categoryBars(statistics({ intake: { ...statistics().intake, byCategory: { new_kind: 3 } } }), [], plainContext(1, 'zh'))[0]!.name).toBe('new_kind');
  });
});

describe('no chart text under 24 design px', () => {
  const stats = statistics({ intake: { ...statistics().intake, byCategory } });
  const byHour = Array.from({ length: 168 }, (_, i) => i % 17);
  const from = Date.UTC(2026, 10, 18, 3);
  const week = statistics({ window: { from, to: from + 168 * 3_600_000 }, intake: { ...stats.intake, byHour } });
  for (const u of [1, 2, 3]) {
    for (const lang of ['zh', 'en'] as const) {
      it(`u = ${u}, ${lang}`, () => {
        const ctx = plainContext(u, lang);
        const options = [
          buildIntakeByCategoryOption(categoryBars(stats, CATEGORIES, ctx, 7), ctx),
          buildIntakeBySourceOption(shownSlices(sourceSlices(stats, INCIDENT_SOURCES, ctx), 5, ctx), ctx),
          buildHourlyTrendOption(hourlySeries(stats, week, 480), ctx),
          buildHourlyTrendOption(hourlySeries(stats, null, 480), ctx),
        ];
        const sizes = options.flatMap((o) => fontSizes(o));
        expect(sizes.length).toBeGreaterThan(0);
        for (const size of sizes) expect(size).toBeGreaterThanOrEqual(FONT_SIZE.min * u - 0.05);
      });
    }
  }

  it('the trend labels every sixth hour: four labels on the 24-hour axis', () => {
    const option = buildHourlyTrendOption(hourlySeries(stats, week, 480), plainContext()) as { xAxis: { axisLabel: { interval: number } } };
    expect(24 / (option.xAxis.axisLabel.interval + 1)).toBe(4);
  });
});

describe('grid workers on duty', () => {
  it('the rate is never wider than "99.9%": a whole shift on duty reads "100%"', () => {
    expect(patrolRateText(0.96)).toBe('96.0%');
    expect(patrolRateText(0.999)).toBe('99.9%');
    expect(patrolRateText(1)).toBe('100%');
    expect(patrolRateText(0.99951)).toBe('100%');
    expect(patrolRateText(null)).toBe('—');
  });
});
