/**
 * The layered snapshot (issue 14): what a region's snapshot carries item by item and what only as
 * counts per child area, so that no region — a province's root with 61,000 grids and 330,000
 * patrols included — costs more than a few MB or a long stall to send. Pure functions over the
 * hub's memory; the read model assembles them.
 */
import type { Incident } from '@shared/schemas/incident';
import type { AreaSummary, Detail, ItemLayer, LayerDetail } from '@shared/schemas/live';
import { HEAT_STRIDE } from '@shared/schemas/live';
import type { Region } from '@shared/schemas/region';
import type { GridRisk } from '@shared/schemas/stats';
import type { GeoContext } from './geoContext';
import type { RosterFigures } from './rosterTally';

export interface SnapshotBudget {
  /** patrols, or cameras, sent one by one; a region holding more gets that layer summarised per area */
  items: number;
  /** cases sent one by one (open, and closed in the last 24 hours); more: the notable ones and counts per area */
  incidents: number;
  /** grids whose risk is sent one by one; beyond it the risk map travels as counts per area */
  grids: number;
  /** regions listed in a snapshot: levels below the region are taken whole while they fit */
  regions: number;
  /** heat points sent one per incident; beyond it incidents are binned by cell, day and severity */
  heat: number;
  /** incidents sent for a summarised incidents layer: the serious, the overdue, the newest */
  notable: number;
  /**
   * a region holding more cases than this in memory (a province, a large city) has its figures,
   * area counts and heat computed in chunks off the subscription's path and its snapshot shared
   * by the walls that subscribe together (readModel.ts)
   */
  largeCases: number;
  /** how long such a region's snapshot is shared by walls subscribing to it (ms) */
  sharedMs: number;
}

/**
 * Sized for a snapshot of a few MB before compression: a case is about 1 KB of JSON, a patrol or
 * a camera about 0.2 KB. Ningbo at city scale (about 5,000 open cases, 5,137 patrols, 2,990
 * cameras, 1,300 grids) keeps its patrols, cameras and grid risk at the root and shows its cases
 * per district there (3.5 MB instead of 8.4 MB); a district of it shows every case. A province's
 * districts (10,000 cases, 39,000 patrols) are summarised; its streets are not.
 */
export const DEFAULT_SNAPSHOT_BUDGET: SnapshotBudget = { items: 6_000, incidents: 2_500, grids: 12_000, regions: 6_000, heat: 24_000, notable: 600, largeCases: 5_000, sharedMs: 2_000 };
/** the most items a client may ask for with `fullLayers` (an operator's queue of a big region) */
export const ITEMS_CEILING = 20_000;
/** AI video alarms sent in a snapshot: the pending ones first, then the latest decided */
export const VIDEO_ALARMS_CAP = 300;

export interface RegionCounts {
  incidents: number;
  patrols: number;
  cameras: number;
  grids: number;
}

/** items or summary per layer, from the region's counts and what the client asked for */
export function chooseDetail(counts: RegionCounts, budget: SnapshotBudget, fullLayers: readonly ItemLayer[] = []): LayerDetail {
  const pick = (layer: ItemLayer, n: number): Detail => (n <= itemLimit(layer, budget, fullLayers) ? 'items' : 'summary');
  return {
    incidents: pick('incidents', counts.incidents),
    patrols: pick('patrols', counts.patrols),
    cameras: pick('cameras', counts.cameras),
    grids: counts.grids <= budget.grids ? 'items' : 'summary',
  };
}

/** how many items of a layer a client is sent one by one; beyond it, the layer is summarised */
export function itemLimit(layer: ItemLayer, budget: SnapshotBudget, fullLayers: readonly ItemLayer[] = []): number {
  const base = layer === 'incidents' ? budget.incidents : budget.items;
  return fullLayers.includes(layer) ? Math.max(base, ITEMS_CEILING) : base;
}

/**
 * A client keeps the detail of its last snapshot while its region changes under it: a wall that
 * subscribed to a quiet district in the morning would otherwise hold every case, one by one, as the
 * day fills it. It is told to take a fresh snapshot when the count has moved a quarter past the
 * limit either way — never flapping at the edge, and never holding more than 1.25× the limit.
 */
export const DETAIL_DRIFT = 1.25;

export function detailDrifted(held: Detail, count: number, limit: number): boolean {
  return held === 'items' ? count > limit * DETAIL_DRIFT : count * DETAIL_DRIFT < limit;
}

/** the detail a client holds equals what the hub would send now (every layer the client names) */
export function sameDetail(held: Partial<LayerDetail> | undefined, now: LayerDetail): boolean {
  if (!held) return Object.values(now).every((d) => d === 'items'); // an older client holds items
  return (Object.keys(now) as (keyof LayerDetail)[]).every((k) => (held[k] ?? 'items') === now[k]);
}

/**
 * A summarised incidents layer still shows what a leader must not miss: open serious (severity
 * 3–4) or overdue or supervised cases first, most severe and oldest first, then the newest
 * reports, at most `cap` in all.
 */
export function notableIncidents(candidates: readonly Incident[], isOpen: (i: Incident) => boolean, cap: number): Incident[] {
  const urgent: Incident[] = [];
  const rest: Incident[] = [];
  for (const i of candidates) (isOpen(i) && (i.severity >= 3 || i.overdue || i.supervised) ? urgent : rest).push(i);
  urgent.sort((a, b) => b.severity - a.severity || Number(b.overdue) - Number(a.overdue) || a.reportedAt - b.reportedAt);
  const picked = urgent.slice(0, cap);
  if (picked.length < cap) {
    rest.sort((a, b) => b.updatedAt - a.updatedAt);
    picked.push(...rest.slice(0, cap - picked.length));
  }
  return picked.sort((a, b) => a.reportedAt - b.reportedAt);
}

/**
 * The regions a snapshot lists: the region's ancestors, itself, then its descendants level by
 * level while the total stays within the budget (a level is taken whole or not at all, so the
 * client knows every child of what it knows), plus the regions on the path of each extra code
 * (the grids of the incidents it is sent).
 */
export function regionsWithin(geo: GeoContext, code: string, budget: number, extraCodes: Iterable<string> = []): Region[] {
  return withPathsOf(geo, regionLevelsWithin(geo, code, budget), extraCodes);
}

/** the region's ancestors, itself and its whole levels below within the budget: static, so callers may keep it */
export function regionLevelsWithin(geo: GeoContext, code: string, budget: number): Region[] {
  const out = new Map<string, Region>();
  for (const c of geo.path(code)) out.set(c, geo.get(c)!);
  let level: Region[] = [geo.get(code)!];
  for (;;) {
    const next = level.flatMap((r) => geo.children(r.code));
    if (next.length === 0 || out.size + next.length > budget) break;
    for (const r of next) out.set(r.code, r);
    level = next;
  }
  return [...out.values()];
}

/** `base` and then the regions on the path of each extra code that `base` lacks, each once */
export function withPathsOf(geo: GeoContext, base: readonly Region[], extraCodes: Iterable<string>, map: (r: Region) => Region = (r) => r): Region[] {
  const seen = new Set(base.map((r) => r.code));
  const out = [...base];
  for (const extra of extraCodes) {
    if (seen.has(extra) || !geo.get(extra)) continue;
    for (const c of geo.path(extra)) {
      if (seen.has(c)) continue;
      seen.add(c);
      out.push(map(geo.get(c)!));
    }
  }
  return out;
}

/** Heat, one point per incident while they fit, else binned (see HeatPoints in shared/schemas/live.ts). */
export function heatPoints(
  incidents: Iterable<Pick<Incident, 'location' | 'severity' | 'reportedAt'>>,
  bbox: readonly [number, number, number, number],
  budget: number,
  dayOf: (at: number) => number,
): number[] {
  const raw: number[] = [];
  for (const i of incidents) addHeatRow(raw, i, dayOf);
  return binHeat(raw, bbox, budget);
}

/** one case's row for binHeat: lng, lat, severity, time, and its day (read once, not per coarsening) */
export function addHeatRow(raw: number[], i: Pick<Incident, 'location' | 'severity' | 'reportedAt'>, dayOf: (at: number) => number): void {
  raw.push(i.location.lng, i.location.lat, i.severity, i.reportedAt, dayOf(i.reportedAt));
}

/** the heat of rows gathered by addHeatRow (a caller may gather them a slice of time at a time) */
export function binHeat(raw: readonly number[], bbox: readonly [number, number, number, number], budget: number): number[] {
  const n = raw.length / 5;
  if (n <= budget) {
    const out = new Array<number>(n * HEAT_STRIDE);
    for (let k = 0; k < n; k++) {
      out[k * 5] = raw[k * 5]!;
      out[k * 5 + 1] = raw[k * 5 + 1]!;
      out[k * 5 + 2] = raw[k * 5 + 2]!;
      out[k * 5 + 3] = raw[k * 5 + 3]!;
      out[k * 5 + 4] = 1;
    }
    return out;
  }
  // Cells of a quarter kilometre or so across the region, coarsened (doubled) until the bins fit.
  // Each case's finest cell is found once; a coarser cell is the finer one halved (an arithmetic
  // shift), and bins are counted as numbers before any is built: a province root bins 60,000
  // cases, and rebuilding string-keyed bins per coarsening held the event loop 70 ms.
  const [minLng, minLat, maxLng, maxLat] = bbox;
  const finest = Math.max(maxLng - minLng, maxLat - minLat, 1e-6) / 256;
  const cx = new Int32Array(n);
  const cy = new Int32Array(n);
  const rest = new Float64Array(n);
  // days numbered in the order met (a heat covers a few days; dayOf's values may be anything)
  const dayIndex = new Map<number, number>();
  for (let k = 0; k < n; k++) {
    cx[k] = clampCell(Math.floor((raw[k * 5]! - minLng) / finest));
    cy[k] = clampCell(Math.floor((raw[k * 5 + 1]! - minLat) / finest));
    const d = raw[k * 5 + 4]!;
    let day = dayIndex.get(d);
    if (day === undefined) dayIndex.set(d, (day = dayIndex.size));
    rest[k] = (day & 63) * 8 + (raw[k * 5 + 2]! & 7);
  }
  const keyAt = (k: number, shift: number) => ((((cx[k]! >> shift) + CELL_BIAS) * 2 * CELL_BIAS + ((cy[k]! >> shift) + CELL_BIAS)) * 512 + rest[k]!);
  // at shift 22 every case shares one of four cells: the bins left are days × severities, and a
  // budget smaller than those is exceeded rather than looped on
  let shift = 0;
  for (; shift < 22; shift++) {
    const distinct = new Set<number>();
    for (let k = 0; k < n && distinct.size <= budget; k++) distinct.add(keyAt(k, shift));
    if (distinct.size <= budget) break;
  }
  const cell = finest * 2 ** shift;
  const bins = new Map<number, { lng: number; lat: number; severity: number; at: number; count: number }>();
  for (let k = 0; k < n; k++) {
    const key = keyAt(k, shift);
    const at = raw[k * 5 + 3]!;
    const bin = bins.get(key);
    if (bin) {
      bin.count++;
      if (at > bin.at) bin.at = at;
    } else {
      bins.set(key, { lng: minLng + ((cx[k]! >> shift) + 0.5) * cell, lat: minLat + ((cy[k]! >> shift) + 0.5) * cell, severity: raw[k * 5 + 2]!, at, count: 1 });
    }
  }
  const out: number[] = [];
  for (const b of bins.values()) out.push(round6(b.lng), round6(b.lat), b.severity, b.at, b.count);
  return out;
}

/**
 * A bin is one exact number: 21 bits per cell index (a case up to a million cells outside the box
 * keeps its own cell; beyond, it shares the edge's), 6 for the day (a heat's HEAT_DAYS are far
 * fewer than 64), 3 for the severity — 51 bits, inside a double's exact integers.
 */
const CELL_BIAS = 2 ** 20;
const clampCell = (c: number) => Math.min(CELL_BIAS - 1, Math.max(-CELL_BIAS, c));

const round6 = (x: number) => Math.round(x * 1e6) / 1e6;

/** the child of `code` that a descendant lies in: its path's next code */
export function childIndexer(geo: GeoContext, code: string): { children: Region[]; indexOf: (descendant: string) => number } {
  const children = geo.children(code);
  // Children are consecutive runs of the depth-first numbering: a descendant's child is found by
  // a binary search over the runs' starts, with no path built per lookup (a province root's risk
  // map looked up 61,000 grids through their paths: 60 ms in one turn of the event loop).
  const starts = Float64Array.from(children, (c) => geo.span(c.code)[0]);
  const ends = Float64Array.from(children, (c) => geo.span(c.code)[1]);
  return {
    children,
    indexOf: (descendant) => {
      const [at] = geo.span(descendant);
      let lo = 0;
      let hi = starts.length - 1;
      if (hi < 0 || at < starts[0]!) return -1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >>> 1;
        if (starts[mid]! <= at) lo = mid;
        else hi = mid - 1;
      }
      return at < ends[lo]! ? lo : -1;
    },
  };
}

export interface AreaInputs {
  geo: GeoContext;
  code: string;
  openIncidents: Iterable<Incident>;
  /** the patrols' and cameras' figures of one child area (the hub's tally, kept as units change) */
  unitsOf: (childCode: string) => RosterFigures;
  risk: GridRisk;
  /** grids per child (static: cached by the caller) */
  gridsPerChild: readonly number[];
}

/** counts per child area of the region (none for a grid) */
export function areaSummaries(input: AreaInputs): AreaSummary[] {
  const { children, indexOf } = childIndexer(input.geo, input.code);
  if (children.length === 0) return [];
  const areas: AreaSummary[] = children.map((c, i) => ({
    code: c.code,
    open: 0,
    overdue: 0,
    serious: 0,
    worst: 0,
    patrols: 0,
    onDuty: 0,
    responding: 0,
    cameras: 0,
    camerasOffline: 0,
    camerasAlarm: 0,
    risk: [input.gridsPerChild[i] ?? 0, 0, 0, 0, 0],
  }));
  for (const incident of input.openIncidents) countCase(areas[indexOf(incident.gridCode)], incident);
  for (const a of areas) countUnits(a, input.unitsOf(a.code));
  for (const [grid, level] of Object.entries(input.risk)) countRisk(areas[indexOf(grid)], level);
  return areas;
}

/** moves one grid of an area from "no risk" to its risk level (none when it lies outside every child) */
export function countRisk(area: AreaSummary | undefined, level: number): void {
  if (!area || level < 1 || level > 4) return;
  area.risk[0]!--;
  area.risk[level]!++;
}

/** adds one open case to its area's counts (none when it lies outside every child) */
export function countCase(area: AreaSummary | undefined, incident: Pick<Incident, 'overdue' | 'severity'>): void {
  if (!area) return;
  area.open++;
  if (incident.overdue) area.overdue++;
  if (incident.severity >= 3) area.serious++;
  if (incident.severity > area.worst) area.worst = incident.severity;
}

/**
 * sets an area's patrols (on duty counts those responding too) and cameras (not online, alarming).
 * Patrols are counted where they are rostered, not where they stand (an item layer and its frames
 * also show the patrols of other regions standing in the region: patrolPlaces.ts): the tally is
 * kept as units change, and a count that moved with every fix across a border would have to be
 * recomputed every tick for every summarised area.
 */
export function countUnits(area: AreaSummary, units: RosterFigures): void {
  area.patrols = units.patrols.total;
  area.onDuty = units.patrols.onDuty + units.patrols.responding;
  area.responding = units.patrols.responding;
  area.cameras = units.cameras.total;
  area.camerasOffline = units.cameras.total - units.cameras.online;
  area.camerasAlarm = units.cameras.alarming;
}

/** how many grids lie in each child of the region (cached by the caller: geography does not change) */
export function gridsPerChild(geo: GeoContext, code: string): number[] {
  const { children, indexOf } = childIndexer(geo, code);
  const counts = children.map(() => 0);
  for (const r of geo.descendants(code)) {
    if (r.level !== 'grid') continue;
    const i = indexOf(r.code);
    if (i >= 0) counts[i]!++;
  }
  return counts;
}
