/**
 * Rows of a ranking exactly as the hub ranked them (Statistics.ranking for streets,
 * Statistics.departmentRanking for the departments that handle the cases: composite score, cases
 * due, closure and on-time rates over them), in rank order. Only formatting happens here: a rate
 * over fewer than MIN_RATE_BASE cases due shows "样本少" with its counts, never a percentage.
 * Never a ranking of individual workers (DOMAIN.md).
 */
import { englishWithoutKind } from '../../placeNames';
import type { RankingRow, Statistics } from '@shared/schemas/stats';
import { fmtInt, shownRate, type Lang, type ShownRate } from '../../format';

export type RankingKind = 'street' | 'department';

/** design px of a ranking row: 26 px names and rates with air above and below (six lines in the 1080p panel) */
export const RANKING_ROW = 40;

/** the lines (rows and gap lines) a box of `designHeight` design px holds */
export function rankingLines(designHeight: number): number {
  return Math.max(1, Math.floor(designHeight / RANKING_ROW));
}
export const RANKING_KINDS: readonly RankingKind[] = ['street', 'department'];

export interface RankingViewRow {
  code: string;
  rank: number;
  /** the name as the narrow panel shows it (short form, in the wall's language) */
  name: string;
  /** the hub's full name, for the row's hover text */
  fullName: string;
  score: number;
  scoreText: string;
  due: number;
  dueText: string;
  closure: ShownRate;
  onTime: ShownRate;
  overdueOpen: number;
  registered: number;
}

export function rankingOf(stats: Statistics | null, kind: RankingKind): readonly RankingRow[] {
  if (!stats) return [];
  // an older hub sends no department ranking
  return (kind === 'street' ? stats.ranking : stats.departmentRanking) ?? [];
}

/**
 * A unit's name without the region the wall already shows: "海曙区城管执法局" reads "城管执法局" on
 * 海曙区's wall (the panel is narrow and the prefix says nothing there).
 */
export function shortName(name: string, regionName: string | null): string {
  return regionName && name.length > regionName.length && name.startsWith(regionName) ? name.slice(regionName.length) : name;
}

/**
 * Short forms of the default directory's kinds of unit (server/domain/departments/directory.ts,
 * ids `D<region code>-<KIND KEY>`), as people in a centre say them: 公安分局, 人社局, 环卫处 … and
 * "Police", "HR & Soc. Sec." … A ranking row has one line of 24–26 px type beside its rate:
 * "象山县环境卫生管理处" or "Xiangshan County Human Resources and Social Security Bureau" does
 * not fit it, "象山环卫处" and "Xiangshan Sanitation" do. The full name is the row's hover text.
 */
export const UNIT_KIND_SHORT: Readonly<Record<string, readonly [zh: string, en: string]>> = {
  CGZF: ['城管局', 'Urban Mgmt'],
  HWC: ['环卫处', 'Sanitation'],
  SZGY: ['市政处', 'Utilities'],
  ZJJ: ['住建局', 'Housing'],
  SWJ: ['水务局', 'Water'],
  JJDD: ['交警大队', 'Traffic Police'],
  JTJ: ['交通局', 'Transport'],
  XFJY: ['消防大队', 'Fire Rescue'],
  YJJ: ['应急局', 'Emergency'],
  GAFJ: ['公安分局', 'Police'],
  STHJ: ['环境分局', 'Environment'],
  SCJG: ['市场监管局', 'Market Reg.'],
  MZJ: ['民政局', 'Civil Affairs'],
  RSJ: ['人社局', 'HR & Soc. Sec.'],
  SFJ: ['司法局', 'Justice'],
  ZZZX: ['综治中心', 'Gov. Centre'],
  RQGS: ['燃气公司', 'Gas Co.'],
};

/** a region's name without the word for its kind: 海曙区 → 海曙, 梅墟街道 → 梅墟, Haishu District → Haishu */
export function regionShort(name: string, lang: Lang): string {
  if (lang === 'en') return englishWithoutKind(name);
  const m = /^(.{2,}?)(街道|区|县|市|镇|乡)$/.exec(name);
  return m ? m[1]! : name;
}

/**
 * A default-directory unit's short name: its region's short name and the kind's short form
 * ("镇海公安分局", "Zhenhai Police"), the kind alone for a unit of the wall's own region (as
 * shortName drops it). null for an id of another shape, an unknown kind or region: the caller
 * keeps the name the directory gave.
 */
export function compactUnitName(
  id: string,
  lang: Lang,
  regionOf: (code: string) => { name: string; nameEn?: string | undefined } | undefined,
  ownRegionCode: string | null = null,
): string | null {
  const m = /^D([0-9A-Za-z]+)-([A-Z]+)$/.exec(id);
  if (!m) return null;
  const kind = UNIT_KIND_SHORT[m[2]!];
  if (!kind) return null;
  const word = lang === 'en' ? kind[1] : kind[0];
  if (m[1] === ownRegionCode) return word;
  const region = regionOf(m[1]!);
  const regionName = region ? (lang === 'en' ? region.nameEn : region.name) : undefined;
  if (!regionName) return null;
  return lang === 'en' ? `${regionShort(regionName, lang)} ${word}` : `${regionShort(regionName, lang)}${word}`;
}

/** `nameOf`: a row's name in another language where one is known (a street's English name) */
export function rankingRows(
  stats: Statistics | null,
  kind: RankingKind = 'street',
  lang: Lang = 'zh',
  regionName: string | null = null,
  nameOf: (code: string) => string | undefined = () => undefined,
): RankingViewRow[] {
  return [...rankingOf(stats, kind)]
    .sort((a, b) => a.rank - b.rank || a.code.localeCompare(b.code))
    .map((r) => ({
      code: r.code,
      rank: r.rank,
      name: nameOf(r.code) ?? shortName(r.name, regionName),
      fullName: r.name,
      score: r.score,
      scoreText: r.score.toFixed(1),
      due: r.due,
      dueText: fmtInt(r.due),
      closure: shownRate(r.closureRate, r.dueClosed, r.due, lang),
      onTime: shownRate(r.onTimeRate, r.dueClosedOnTime, r.due, lang),
      overdueOpen: r.overdueOpen,
      registered: r.registered,
    }));
}

/** a row of the excerpt: a ranked row, or how many rows were left out at that point */
export type ExcerptRow<T> = { kind: 'row'; row: T; own: boolean } | { kind: 'gap'; skipped: number };

/**
 * What a wall can show of a long table in `fit` lines: the top and the bottom — the leaders and
 * the ones a leader asks about — with a line saying how many lie between, and the centre's own
 * row (`ownCode`) kept in place wherever it ranks. Paging through 32 pages instead left the wall
 * showing mid-table streets most of the time. A table that fits is shown whole.
 */
export function excerptRows<T extends { code: string }>(rows: readonly T[], fit: number, ownCode: string | null = null): ExcerptRow<T>[] {
  const mark = (row: T): ExcerptRow<T> => ({ kind: 'row', row, own: row.code === ownCode });
  if (rows.length <= fit) return rows.map(mark);
  const lines = Math.max(3, fit);
  const ownAt = ownCode === null ? -1 : rows.findIndex((r) => r.code === ownCode);
  // without the own row in the middle: top, one gap line, bottom
  let top = Math.ceil((lines - 1) / 2);
  let bottom = lines - 1 - top;
  // top, gap, own, gap, bottom needs five lines at least
  const middle = lines >= 5 && ownAt >= top && ownAt < rows.length - bottom;
  if (middle) {
    // top, gap, own, gap, bottom: two gap lines and the own row take three
    const rest = lines - 3;
    top = Math.ceil(rest / 2);
    bottom = rest - top;
  }
  const out: ExcerptRow<T>[] = rows.slice(0, top).map(mark);
  if (middle && ownAt >= top && ownAt < rows.length - bottom) {
    if (ownAt > top) out.push({ kind: 'gap', skipped: ownAt - top });
    out.push(mark(rows[ownAt]!));
    if (rows.length - bottom > ownAt + 1) out.push({ kind: 'gap', skipped: rows.length - bottom - ownAt - 1 });
  } else {
    out.push({ kind: 'gap', skipped: rows.length - top - bottom });
  }
  out.push(...rows.slice(rows.length - bottom).map(mark));
  return out;
}
