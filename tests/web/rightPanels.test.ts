/**
 * The right column at the type scale for distance (issue 15): what the ranking, the video points,
 * the overdue list and the AI's precision show when every text is 24 design px or more — short
 * unit names, the lines a box holds, the judgement said by a shape, every canvas font at the floor
 * — and the ranking panel itself in happy-dom (three columns, 样本少 with its counts, the full name
 * on hover).
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { FONT_SIZE } from '../../web/src/layouts/tokens';
import { useStatsStore } from '../../web/src/stores/stats';
import { buildCameraGaugeOption, CAMERA_TOP, faultListFits, onlineRateMark } from '../../web/src/widgets/CameraHealth/cameraHealthOption';
import StreetRanking from '../../web/src/widgets/StreetRanking/StreetRanking.vue';
import { compactUnitName, RANKING_ROW, rankingLines, regionShort } from '../../web/src/widgets/StreetRanking/rankingRows';
import { plainContext } from '../../web/src/widgets/shared/chartKit';
import { snapshot, statistics } from './helpers/fixtures';

/** every fontSize anywhere in an option object */
function fontSizes(option: unknown, out: number[] = []): number[] {
  if (Array.isArray(option)) for (const v of option) fontSizes(v, out);
  else if (option && typeof option === 'object')
    for (const [k, v] of Object.entries(option)) {
      if (k === 'fontSize' && typeof v === 'number') out.push(v);
      else fontSizes(v, out);
    }
  return out;
}

beforeEach(() => {
  setActivePinia(createPinia());
  localStorage.clear();
});

describe('short unit names for a one-line ranking row', () => {
  const regions = new Map([
    ['330203', { name: '海曙区', nameEn: 'Haishu District' }],
    ['330225', { name: '象山县', nameEn: 'Xiangshan County' }],
    ['330211005', { name: '梅墟街道', nameEn: 'Meixu Subdistrict' }],
  ]);
  const regionOf = (code: string) => regions.get(code);

  it('region short name and the kind’s short form, in either language; the kind alone for the region in view', () => {
    expect(compactUnitName('D330225-HWC', 'zh', regionOf)).toBe('象山环卫处');
    expect(compactUnitName('D330225-RSJ', 'en', regionOf)).toBe('Xiangshan HR & Soc. Sec.');
    expect(compactUnitName('D330211005-ZZZX', 'zh', regionOf)).toBe('梅墟综治中心');
    expect(compactUnitName('D330211005-ZZZX', 'en', regionOf)).toBe('Meixu Gov. Centre');
    expect(compactUnitName('D330203-GAFJ', 'zh', regionOf, '330203')).toBe('公安分局');
    expect(compactUnitName('D330203-GAFJ', 'en', regionOf, '330203')).toBe('Police');
  });

  it('keeps the directory’s name (null) for another id, an unknown kind or region', () => {
    expect(compactUnitName('unit-7', 'zh', regionOf)).toBeNull();
    expect(compactUnitName('D330203-XYZ', 'zh', regionOf)).toBeNull();
    expect(compactUnitName('D999999-GAFJ', 'zh', regionOf)).toBeNull();
  });

  it('region short names never drop to one character', () => {
    expect(regionShort('海曙区', 'zh')).toBe('海曙');
    expect(regionShort('梅墟街道', 'zh')).toBe('梅墟');
    expect(regionShort('南区', 'zh')).toBe('南区');
    expect(regionShort('Jinping Subdistrict', 'en')).toBe('Jinping');
    expect(regionShort('Ningbo', 'en')).toBe('Ningbo');
  });
});

describe('what fits', () => {
  it('the ranking holds six lines in the 1080p panel and more in taller ones', () => {
    // the 1080p panel body: 284 design px, less the head row (tabs at 24 px) — 243
    expect(rankingLines(243)).toBe(6);
    expect(rankingLines(243) * RANKING_ROW).toBeLessThanOrEqual(243);
    expect(rankingLines(880)).toBe(22);
    expect(rankingLines(10)).toBe(1);
  });

  it('the list of points not online appears only where a row fits under the counts', () => {
    expect(faultListFits(193)).toBe(false); // 1920×1080
    expect(faultListFits(260)).toBe(false); // wide: the counts fill the panel
    expect(faultListFits(CAMERA_TOP + 8 + 36 + 76)).toBe(true);
  });
});

describe('the video points’ gauge', () => {
  it('draws no text under 24 design px, at any unit', () => {
    for (const u of [1, 2, 3.5]) {
      const sizes = fontSizes(buildCameraGaugeOption(statistics(), plainContext(u)));
      expect(sizes.length).toBeGreaterThan(0);
      for (const s of sizes) expect(s).toBeGreaterThanOrEqual(FONT_SIZE.min * u);
    }
    expect(fontSizes(buildCameraGaugeOption(null, plainContext(1))).every((s) => s >= FONT_SIZE.min)).toBe(true);
  });

  it('says the online rate’s judgement by a shape as well as a colour', () => {
    expect(onlineRateMark(0.97)).toEqual({ glyph: '✓', word: 'toneGood' });
    expect(onlineRateMark(0.9)).toEqual({ glyph: '!', word: 'toneWarn' });
    expect(onlineRateMark(0.6)).toEqual({ glyph: '▼', word: 'toneBad' });
    expect(onlineRateMark(null)).toBeNull();
    const series = (buildCameraGaugeOption(statistics(), plainContext()) as { series: { data: { name: string }[] }[] }).series;
    expect(series[0]!.data[0]!.name).toBe('在线率 !'); // 94.6 %: to watch
  });
});

describe('the ranking panel', () => {
  it('a row: rank, short name, the on-time rate — or 样本少 with its counts; the tabs in the head row; the full name on hover', async () => {
    const stats = useStatsStore();
    stats.applySnapshot(snapshot());
    const w = mount(StreetRanking);
    await flushPromises();
    expect(w.find('.panel-extra [data-ranking-tab]').exists()).toBe(false);
    expect(w.findAll('.head [data-ranking-tab]').map((b) => b.text())).toEqual(['街道', '部门']);
    await w.find('[data-ranking-tab="department"]').trigger('click');
    const rows = w.findAll('[data-ranking="department"] [data-code]');
    expect(rows.map((r) => r.findAll('span, b').length)).toEqual([3, 4]); // badge, name, rate (+ its counts when few)
    const few = w.find('[data-code="D330203001-ZZZX"]');
    expect(few.find('[data-on-time]').text().replace(/\s+/g, ' ')).toBe('样本少 2/4');
    expect(few.attributes('title')).toContain('南门街道综治中心');
    expect(w.find('[data-code="D330203-CGZF"] [data-on-time]').text()).toBe('88.0%');
    w.unmount();
  });
});
