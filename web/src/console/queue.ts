/**
 * The queue as pure functions: which cases the filters let through, in which order, grouped by
 * stage in the loop's order. The components only render what these return; the tests call them
 * directly.
 */
import { STAGES, TERMINAL_STAGES, type Incident, type Stage } from '@shared/schemas/incident';
import type { Region } from '@shared/schemas/region';
import { isOverdueNow } from './countdown';

/** 'open' = every stage still in the loop (the default view); a stage = that stage only */
export type StageTab = 'open' | Stage;

export interface QueueFilters {
  region: string | null;
  category: string | null;
  source: string | null;
  severity: number | null;
  stage: StageTab;
  overdueOnly: boolean;
  search: string;
}

export function emptyFilters(): QueueFilters {
  return { region: null, category: null, source: null, severity: null, stage: 'open', overdueOnly: false, search: '' };
}

export type QueueItem = { kind: 'group'; stage: Stage; count: number; key: string } | { kind: 'row'; incident: Incident; key: string };

const isTerminal = (stage: Stage) => TERMINAL_STAGES.includes(stage);

export function stageMatches(tab: StageTab, stage: Stage): boolean {
  return tab === 'open' ? !isTerminal(stage) : tab === stage;
}

/** case number, title or address contain the text (case-insensitive) */
export function searchMatches(incident: Incident, text: string): boolean {
  const q = text.trim().toLowerCase();
  if (!q) return true;
  return (
    incident.id.toLowerCase().includes(q) ||
    incident.title.toLowerCase().includes(q) ||
    (incident.location.address ?? '').toLowerCase().includes(q) ||
    (incident.externalRef ?? '').toLowerCase().includes(q)
  );
}

/** every filter except the stage (the stage tabs count with this) */
export function matchesExceptStage(incident: Incident, f: QueueFilters, now: number): boolean {
  if (f.region && !incident.regionPath.includes(f.region)) return false;
  if (f.category && incident.category !== f.category) return false;
  if (f.source && incident.source !== f.source) return false;
  if (f.severity !== null && incident.severity !== f.severity) return false;
  if (f.overdueOnly && !isOverdueNow(incident, now)) return false;
  return searchMatches(incident, f.search);
}

/** 0 overdue, 1 a deadline counting down, 2 a paused clock or no deadline */
function urgencyRank(i: Incident, now: number): number {
  return isOverdueNow(i, now) ? 0 : i.deadline && i.sla.pausedAt === null ? 1 : 2;
}

/**
 * Overdue first (the longest overdue at the top), then the nearest deadline; paused clocks and
 * cases without a deadline after them, the newest report first. `rank` is urgencyRank, worked out
 * once per case rather than once per comparison.
 */
function compareUrgency(a: Incident, ra: number, b: Incident, rb: number): number {
  if (ra !== rb) return ra - rb;
  if (ra < 2) return (a.deadline?.dueAt ?? 0) - (b.deadline?.dueAt ?? 0) || a.id.localeCompare(b.id);
  return b.reportedAt - a.reportedAt || a.id.localeCompare(b.id);
}

/** counts per stage tab under the other filters */
export function stageCounts(all: Iterable<Incident>, f: QueueFilters, now: number): Record<StageTab, number> {
  const counts = { open: 0 } as Record<StageTab, number>;
  for (const s of STAGES) counts[s] = 0;
  for (const i of all) {
    if (!matchesExceptStage(i, f, now)) continue;
    counts[i.stage]++;
    if (!isTerminal(i.stage)) counts.open++;
  }
  return counts;
}

/** the visible queue: group headers in the loop's order, each group sorted by urgency */
export function queueItems(all: Iterable<Incident>, f: QueueFilters, now: number): QueueItem[] {
  const byStage = new Map<Stage, Incident[]>();
  for (const i of all) {
    if (!stageMatches(f.stage, i.stage) || !matchesExceptStage(i, f, now)) continue;
    const list = byStage.get(i.stage);
    if (list) list.push(i);
    else byStage.set(i.stage, [i]);
  }
  const out: QueueItem[] = [];
  for (const stage of STAGES) {
    const list = byStage.get(stage);
    if (!list) continue;
    const ranked = list.map((incident) => ({ incident, rank: urgencyRank(incident, now) }));
    ranked.sort((a, b) => compareUrgency(a.incident, a.rank, b.incident, b.rank));
    out.push({ kind: 'group', stage, count: list.length, key: `g:${stage}` });
    for (const { incident } of ranked) out.push({ kind: 'row', incident, key: incident.id });
  }
  return out;
}

/** the case ids in the order the queue shows them */
export function rowIds(items: readonly QueueItem[]): string[] {
  const ids: string[] = [];
  for (const it of items) if (it.kind === 'row') ids.push(it.incident.id);
  return ids;
}

/** the id `step` rows away from `current` (clamped); the first row when nothing is selected */
export function moveCursor(ids: readonly string[], current: string | null, step: number): string | null {
  if (ids.length === 0) return null;
  const at = current === null ? -1 : ids.indexOf(current);
  if (at < 0) return ids[step > 0 ? 0 : ids.length - 1] ?? null;
  return ids[Math.min(ids.length - 1, Math.max(0, at + step))] ?? null;
}

/** the code of the region at `level` on a case's path (its district, its street) */
export function pathAt(regionPath: readonly string[], regions: ReadonlyMap<string, Region>, level: Region['level']): string | null {
  for (const code of regionPath) if (regions.get(code)?.level === level) return code;
  return null;
}

/** true when `code` is `ancestor` or lies below it in the tree */
export function isWithin(regions: ReadonlyMap<string, Region>, code: string, ancestor: string): boolean {
  let r = regions.get(code);
  for (let guard = 0; r && guard < 8; guard++) {
    if (r.code === ancestor) return true;
    r = r.parentCode ? regions.get(r.parentCode) : undefined;
  }
  return code === ancestor;
}

export interface RegionOption {
  code: string;
  name: string;
  depth: number;
}

/**
 * Sub-regions of the user's region to filter by: the two levels below it (a city's centre picks
 * districts and streets; a street's centre picks communities and grids), in tree order.
 */
export function regionOptions(regions: ReadonlyMap<string, Region>, home: string, maxDepth = 2): RegionOption[] {
  const out: RegionOption[] = [];
  const children = new Map<string, Region[]>();
  for (const r of regions.values()) {
    if (!r.parentCode) continue;
    const list = children.get(r.parentCode);
    if (list) list.push(r);
    else children.set(r.parentCode, [r]);
  }
  const walk = (code: string, depth: number) => {
    if (depth > maxDepth) return;
    const kids = (children.get(code) ?? []).sort((a, b) => a.code.localeCompare(b.code));
    for (const k of kids) {
      out.push({ code: k.code, name: k.name, depth });
      walk(k.code, depth + 1);
    }
  };
  walk(home, 1);
  return out;
}
