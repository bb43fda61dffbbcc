/**
 * English names for regions that have none, for the wall in English (issue 15): the proper name
 * in Hanyu Pinyin written as one word (GB/T 16159: 海曙 → Haishu, 长安 → Chang'an), the kind of
 * place translated (区 District, 街道 Subdistrict, 镇 Town …, as English-language public signage in
 * China does), and a generated grid's number kept (月湖社区第3网格 → Yuehu Community Grid 3).
 * Transliteration by pinyin-pro (maintained, MIT); a few readings it gets wrong for place names
 * are corrected here. A geography that carries its own `nameEn` keeps it.
 */
import { pinyin } from 'pinyin-pro';
import type { RegionWithGeometry } from '@shared/schemas/region';

/** kinds of place by the name's ending, longest first */
const SUFFIXES: readonly (readonly [string, string])[] = [
  ['经济技术开发区', 'Economic and Technological Development Zone'],
  ['高新技术产业开发区', 'High-tech Industrial Development Zone'],
  ['开发区', 'Development Zone'],
  ['自治县', 'Autonomous County'],
  ['居委会', "Residents' Committee"],
  ['村委会', 'Village'],
  ['管委会', 'Administrative Committee'],
  ['新区', 'New Area'],
  ['街道', 'Subdistrict'],
  ['社区', 'Community'],
  ['网格', 'Grid'],
  ['省', 'Province'],
  ['市', 'City'],
  ['区', 'District'],
  ['县', 'County'],
  ['镇', 'Town'],
  ['乡', 'Township'],
  ['村', 'Village'],
];

/** place-name readings that differ from the common one (pinyin-pro reads 乐清 as "le qing") */
const READINGS: Readonly<Record<string, string>> = {
  乐清: 'Yueqing',
  六安: "Lu'an",
  蚌埠: 'Bengbu',
  丽水: 'Lishui',
  台州: 'Taizhou',
  天台: 'Tiantai',
  长兴: 'Changxing',
  长安: "Chang'an",
};

/** a proper name as one Pinyin word: capitalised, an apostrophe where a syllable starts with a, o or e */
export function pinyinWord(han: string): string {
  if (READINGS[han]) return READINGS[han];
  const syllables = pinyin(han, { toneType: 'none', type: 'array', nonZh: 'consecutive', v: true });
  let out = '';
  for (const s of syllables) {
    const piece = s.trim();
    if (!piece) continue;
    if (out && /^[aoe]/.test(piece) && /[a-z]$/i.test(out)) out += "'";
    out += piece;
  }
  out = out.replace(/\s+/g, ' ');
  return out.charAt(0).toUpperCase() + out.slice(1);
}

/**
 * An English name for a region named `name` in Chinese. `known` remembers names already done: a
 * province's 61,000 grids are named after some 3,000 communities, transliterated once each.
 */
export function englishName(name: string, known?: Map<string, string>): string {
  const trimmed = name.trim();
  if (!/[\u3400-\u9fff]/.test(trimmed)) return trimmed; // already Latin
  const grid = /^(.*?)第?(\d+)(号)?网格$/.exec(trimmed);
  if (grid) return `${grid[1] ? `${remembered(grid[1], known)} ` : ''}Grid ${Number(grid[2])}`;
  for (const [ending, kind] of SUFFIXES) {
    if (trimmed.endsWith(ending) && trimmed.length > ending.length) {
      return `${properName(trimmed.slice(0, -ending.length))} ${kind}`;
    }
  }
  return properName(trimmed);
}

/** the proper part: Chinese in Pinyin, any digits or Latin kept as written */
function properName(part: string): string {
  return part
    .split(/([0-9A-Za-z]+)/)
    .filter((p) => p !== '')
    .map((p) => (/^[0-9A-Za-z]+$/.test(p) ? p : pinyinWord(p)))
    .join(' ');
}

function remembered(name: string, known: Map<string, string> | undefined): string {
  let hit = known?.get(name);
  if (hit === undefined) {
    hit = englishName(name, known);
    known?.set(name, hit);
  }
  return hit;
}

/** every region with an English name: its own where the geography gave one, else transliterated */
export function withEnglishNames(regions: RegionWithGeometry[]): RegionWithGeometry[] {
  const known = new Map<string, string>();
  for (const r of regions) if (!r.nameEn) r.nameEn = remembered(r.name, known).slice(0, 120);
  return regions;
}
