/**
 * The read model: every read of the HTTP API and the socket goes through here — snapshots,
 * resumption and statistics for a region (built synchronously from memory so that a subscription
 * sees exactly the state as of one sequence number), incident lists and logs, the audit log,
 * cameras, patrols and departments. Routes never reach into the store or the hub's maps.
 */
import { PROTOCOL_VERSION } from '@shared/events';
import type { Catalog } from '@shared/schemas/catalog';
import type { Camera } from '@shared/schemas/camera';
import type { Incident } from '@shared/schemas/incident';
import type { AreaSummary, Delta, ItemLayer, Layer, LayerDetail, Snapshot } from '@shared/schemas/live';
import type { Patrol } from '@shared/schemas/patrol';
import type { Region } from '@shared/schemas/region';
import type { GridRisk, Statistics } from '@shared/schemas/stats';
import { HubError } from '@shared/errors';
import { describeCalendar } from '@shared/calendar';
import type { AuditEntry } from '@shared/schemas/audit';
import type { Department } from '@shared/schemas/department';
import type { AiPrecision, VideoAlarm } from '@shared/schemas/videoAlarm';
import type { IncidentLogEntry, IncidentSource, Severity, Stage } from '@shared/schemas/incident';
import type { PatrolStatus } from '@shared/schemas/patrol';
import { districtDepartments } from '../domain/departments/directory';
import type { SlaPolicy } from '../domain/sla';
import type { AuditReadQuery } from '../store/types';
import { cameraFigures, computeGridRisk, computeWindow, createStatsAccumulator, patrolFigures, type WindowOptions } from '../domain/stats';
import type { EntryDraft } from '../domain/lifecycle';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { Hub } from './hub';
import { isOpen } from './incidentProjection';
import { UnitIndex } from './unitIndex';
import {
  areaSummaries,
  childIndexer,
  chooseDetail,
  countCase,
  DEFAULT_SNAPSHOT_BUDGET,
  gridsPerChild,
  heatPoints,
  notableIncidents,
  regionsWithin,
  VIDEO_ALARMS_CAP,
  type SnapshotBudget,
} from './snapshotLayers';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const WEEK_CACHE_MS = 10_000;
/**
 * How long figures of the log are reused while no case changes: they still age with the clock
 * (cases fall overdue), so as long as the stats loop's own refresh when nothing happens.
 */
const TODAY_CACHE_MS = 30_000;
const FIGURE_CACHE_ENTRIES = 512;
/**
 * cases read from the store per page for a past window. The embedded store (PGlite) runs its
 * queries on this thread, so a page is sized for the query, not only for the figures.
 */
const STORE_PAGE = 250;
/** cases of memory added per turn of the event loop when a long window is computed for a request */
const MEMORY_CHUNK = 2_000;
/** past windows read from the store at once; more are refused (STATS_BUSY) rather than queued */
const MAX_STORE_WINDOWS = 2;
const HEAT_DAYS = 7;
/** area summaries are shared by every wall of a region for this long (the stats loop's pace) */
const AREAS_CACHE_MS = 1_500;
/**
 * A region holding more cases than the budget's `largeCases` in memory (a province, a large city)
 * has its figures, area counts and heat computed a chunk at a time with the event loop given a
 * turn between chunks (the stats loop and the subscription do it), and read as last computed — at
 * most LARGE_STALE_MS old — instead of being recomputed in one go on the subscription's path.
 */
const LARGE_STALE_MS = 10_000;
/** cases handled per turn of the event loop when a large region's figures are computed */
const LARGE_CHUNK = 4_000;
/**
 * Large regions' snapshots kept for the walls that subscribe to them together (the budget's
 * `sharedMs`): they receive one with the deltas since, instead of one build each.
 */
const SHARED_SNAPSHOTS = 16;
/** the rosters' figures (on duty, online) are shared this long: statuses arrive about once a second */
const ROSTER_FIGURES_MS = 1_000;

export function startOfLocalDay(at: number, tzOffsetMinutes: number): number {
  const offset = tzOffsetMinutes * 60_000;
  return Math.floor((at + offset) / DAY) * DAY - offset;
}

/** regions travel without polygons; geometry is served once, cached, as GeoJSON */
export function withoutGeometry({ code, name, level, parentCode, center, bbox, generated }: Region): Region {
  return { code, name, level, parentCode, center, bbox, generated };
}

export interface IncidentListQuery {
  region?: string | undefined;
  stage?: Stage | undefined;
  open?: boolean | undefined;
  category?: string | undefined;
  source?: IncidentSource | undefined;
  severity?: Severity | undefined;
  overdue?: boolean | undefined;
  /** a case number, or words of the title or address */
  q?: string | undefined;
  limit: number;
}

export class ReadModel {
  private readonly figureCache = new Map<string, { at: number; counter: number; value: unknown }>();
  private storeWindows = 0;
  private readonly departmentCache = new Map<string, Department[]>();
  /** geography does not change while the hub runs: grids per region and per child area, once */
  private readonly gridCounts = new Map<string, { total: number; perChild: number[] }>();
  private readonly areasCache = new Map<string, { at: number; value: AreaSummary[] }>();
  private readonly patrolIndex: UnitIndex<number, Patrol>;
  /** regions found to hold more than the budget's largeCases (their figures are computed in chunks) */
  private readonly largeRegions = new Set<string>();
  private readonly caseCounts = new Map<string, { at: number; large: boolean }>();
  private readonly refreshing = new Map<string, Promise<void>>();
  private readonly snapshots = new Map<string, { at: number; snapshot: Snapshot }>();
  private currentCache: { code: string; counter: number; at: number; list: Incident[] } | null = null;
  private readonly rosterFigures = new Map<string, { at: number; counter: number; patrols: Statistics['patrols']; cameras: Statistics['cameras'] }>();
  private readonly cameraIndex: UnitIndex<string, Camera>;

  constructor(
    private readonly hub: Hub,
    private readonly catalog: Catalog,
    private readonly tzOffsetMinutes: number,
    private readonly policy: SlaPolicy,
    readonly budget: SnapshotBudget = DEFAULT_SNAPSHOT_BUDGET,
  ) {
    const version = () => hub.rosterVersion;
    this.patrolIndex = new UnitIndex(
      hub.geo,
      function* () {
        for (const p of hub.patrolsByIdx) if (p) yield [p.idx, p] as [number, Patrol];
      },
      (idx) => hub.patrolsByIdx[idx],
      version,
    );
    this.cameraIndex = new UnitIndex(hub.geo, () => hub.cameras.entries(), (id) => hub.cameras.get(id), version);
  }

  get rootCode(): string {
    return this.hub.geo.rootCode;
  }

  /**
   * The earliest instant a statistics window may start at: every case with activity after it is
   * in memory (open ones, and closed ones changed within MEMORY_DAYS). Earlier windows would be
   * partial, so they are refused rather than answered wrongly.
   */
  heldFrom(asOf = this.hub.now()): number {
    return asOf - this.hub.opts.memoryDays * DAY;
  }

  /** the region path of a code (root … code), or null when unknown */
  pathOf(code: string): readonly string[] | null {
    return this.hub.geo.get(code) ? this.hub.geo.path(code) : null;
  }

  // ── incidents ────────────────────────────────────────────────────────────────────────────

  /** newest first; open and recent cases come from memory (the memory window) */
  listIncidents(q: IncidentListQuery): { total: number; incidents: Incident[] } {
    if (q.region) this.requireRegion(q.region);
    const words = q.q?.trim().toLowerCase();
    const list: Incident[] = [];
    for (const { incident } of this.hub.incidents.values()) {
      if (q.region && !incident.regionPath.includes(q.region)) continue;
      if (q.stage && incident.stage !== q.stage) continue;
      if (q.open !== undefined && isOpen(incident) !== q.open) continue;
      if (q.category && incident.category !== q.category) continue;
      if (q.source && incident.source !== q.source) continue;
      if (q.severity && incident.severity !== q.severity) continue;
      if (q.overdue !== undefined && incident.overdue !== q.overdue) continue;
      if (words && !matches(incident, words)) continue;
      list.push(incident);
    }
    list.sort((a, b) => b.reportedAt - a.reportedAt);
    return { total: list.length, incidents: list.slice(0, q.limit) };
  }

  async getIncident(id: string): Promise<Incident> {
    const incident = this.hub.incidents.get(id)?.incident ?? (await this.hub.store.getIncident(id));
    if (!incident) throw new HubError('NOT_FOUND', `No incident has the id ${id}.`);
    return incident;
  }

  /** the whole log of an incident, from the store (the truth), in order */
  async incidentLog(id: string): Promise<IncidentLogEntry[]> {
    const events = await this.hub.store.readEvents({ kind: 'incident', aggregateId: id });
    if (events.length === 0) throw new HubError('NOT_FOUND', `No incident has the id ${id}.`);
    return events.map((e) => ({ ...(e.payload as Omit<IncidentLogEntry, 'seq'>), seq: e.seq }));
  }

  audit(query: AuditReadQuery): Promise<AuditEntry[]> {
    return this.hub.store.readAudit(query);
  }

  /** AI video alarms of a region: pending ones and those decided in the last 24 hours, oldest first */
  videoAlarmList(code: string, status?: VideoAlarm['status']): VideoAlarm[] {
    this.requireRegion(code);
    const list = this.hub.videoAlarms.inRegion(code, this.hub.now() - DAY);
    return status ? list.filter((a) => a.status === status) : list;
  }

  getVideoAlarm(id: string): VideoAlarm {
    const alarm = this.hub.videoAlarms.get(id);
    if (!alarm) throw new HubError('NOT_FOUND', `No video alarm has the id ${id}.`);
    return alarm;
  }

  /** the AI's precision per alarm type over seven days (confirmed ÷ decided) */
  aiPrecision(code: string, asOf = this.hub.now()): AiPrecision {
    return this.hub.videoAlarms.precision(code, asOf);
  }

  /** the business calendar deadlines are counted in, for consoles that count them down */
  calendar() {
    return describeCalendar(this.policy.calendar);
  }

  // ── units ────────────────────────────────────────────────────────────────────────────────

  cameraList(code?: string): Camera[] {
    return code ? this.camerasIn(code) : [...this.hub.cameras.values()];
  }

  patrolList(q: { region?: string | undefined; status?: PatrolStatus | undefined; limit?: number }): Patrol[] {
    const geo = this.hub.geo;
    const out: Patrol[] = [];
    for (const p of this.hub.patrols.values()) {
      if (q.region && !geo.isWithin(p.gridCode, q.region)) continue;
      if (q.status && p.status !== q.status) continue;
      out.push(this.hub.withPosition(p));
      if (q.limit !== undefined && out.length >= q.limit) break;
    }
    return out;
  }

  /** the units of the district a region lies in (a street sees its district's bureaus and its own office) */
  departments(code: string, category?: string): Department[] {
    const region = this.requireRegion(code);
    const geo = this.hub.geo;
    const onPath = geo.path(code); // the root … the region itself
    const districts = onPath.map((c) => geo.get(c)!).filter((r) => r.level === 'district');
    const within = districts.length > 0 ? districts : geo.descendants(code).filter((r) => r.level === 'district');
    const out: Department[] = [];
    for (const d of within) {
      let list = this.departmentCache.get(d.code);
      if (!list) {
        list = districtDepartments(d, geo.children(d.code).filter((r) => r.level === 'street'));
        this.departmentCache.set(d.code, list);
      }
      out.push(...list);
    }
    // below a district, a console sees the district's bureaus and its own street's office, not other streets'
    const visible = region.level === 'district' || region.level === 'city' ? out : out.filter((dep) => onPath.includes(dep.regionCode));
    return category ? visible.sort((a, b) => Number(b.categories.includes(category)) - Number(a.categories.includes(category))) : visible;
  }

  requireRegion(code: string): Region {
    const region = this.hub.geo.get(code);
    if (!region) throw new HubError('UNKNOWN_REGION', `No region has the code ${code}.`);
    return region;
  }

  /** the region, its ancestors and all its descendants */
  regionsFor(code: string): Region[] {
    const geo = this.hub.geo;
    const ancestors = geo.path(code).map((c) => geo.get(c)!);
    return [...ancestors, ...geo.descendants(code)].map(withoutGeometry);
  }

  camerasIn(code: string): Camera[] {
    return this.cameraIndex.inRegion(code);
  }

  patrolsIn(code: string): Patrol[] {
    return this.patrolIndex.inRegion(code).map((p) => this.hub.withPosition(p));
  }

  /** today's figures (local day of the centre) for a region, up to and including now */
  todayStatistics(code: string, now = this.hub.now()): Statistics {
    const from = startOfLocalDay(now, this.tzOffsetMinutes);
    const stats = this.cachedFigure(`today:${code}:${from}`, now, TODAY_CACHE_MS, () => this.statistics(code, { from, to: now + 1 }, now).stats);
    return this.withCurrentRosters(code, stats);
  }

  /**
   * The last seven days in whole hours up to now: 168 hourly buckets whose last one is the
   * current hour. Rankings and the rolling 24-hour trend need a window that does not restart at
   * midnight. Cached briefly per region: it is the costliest figure and moves slowly.
   */
  weekStatistics(code: string, now = this.hub.now()): Statistics {
    const from = Math.floor(now / HOUR) * HOUR - 167 * HOUR;
    const stats = this.cachedFigure(`week:${code}:${from}`, now, WEEK_CACHE_MS, () => this.statistics(code, { from, to: from + 168 * HOUR }, now).stats);
    return this.withCurrentRosters(code, stats);
  }

  /**
   * Figures of the log, reused while no case or AI alarm has changed (patrols and cameras change
   * every second and do not touch them) and the hub's clock has moved on by less than `maxAgeMs`.
   */
  private cachedFigure<T>(key: string, now: number, maxAgeMs: number, compute: () => T): T {
    const hit = this.figureCache.get(key);
    const counter = this.hub.incidentCounter;
    if (hit && hit.counter === counter && now >= hit.at && now - hit.at < maxAgeMs) return hit.value as T;
    // a large region's figures are refreshed in chunks by the stats loop: read them as last computed
    if (hit && now >= hit.at && now - hit.at < LARGE_STALE_MS && this.largeRegions.has(key.split(':')[1]!)) return hit.value as T;
    const value = compute();
    this.storeFigure(key, now, counter, value);
    return value;
  }

  private storeFigure(key: string, at: number, counter: number, value: unknown): void {
    this.figureCache.delete(key);
    this.figureCache.set(key, { at, counter, value });
    if (this.figureCache.size > FIGURE_CACHE_ENTRIES) this.figureCache.delete(this.figureCache.keys().next().value!);
  }

  /**
   * Builds what the first subscription would otherwise build on its path: the index of units by
   * region (a province's 384,000 units take a few hundred ms to sort) and the root's grid counts.
   * Called at start and after a roster is loaded.
   */
  warm(): void {
    this.patrolIndex.count(this.rootCode);
    this.cameraIndex.count(this.rootCode);
    this.gridsOf(this.rootCode);
  }

  /** whether a region holds more cases in memory than the budget's largeCases (remembered per region) */
  isLarge(code: string): boolean {
    return this.largeRegions.has(code) || this.countLarge(code);
  }

  private countLarge(code: string): boolean {
    const hit = this.caseCounts.get(code);
    const now = this.hub.now();
    if (hit && now - hit.at < LARGE_STALE_MS) return hit.large;
    let n = 0;
    const limit = this.budget.largeCases;
    for (const record of this.hub.incidents.values()) if (record.incident.regionPath.includes(code) && ++n > limit) break;
    const large = n > limit;
    this.caseCounts.set(code, { at: now, large });
    if (large) this.largeRegions.add(code);
    return large;
  }

  /**
   * A large region's figures of today and the week, its risk map and its area counts, computed a
   * chunk of cases at a time and kept for the synchronous readers (snapshot, stats frames). Runs
   * one at a time per region; a second caller waits for the running one.
   */
  refreshLarge(code: string, now = this.hub.now()): Promise<void> {
    const running = this.refreshing.get(code);
    if (running) return running;
    const job = this.computeLarge(code, now).finally(() => this.refreshing.delete(code));
    this.refreshing.set(code, job);
    return job;
  }

  private async computeLarge(code: string, now: number): Promise<void> {
    this.largeRegions.add(code);
    const counter = this.hub.incidentCounter;
    const records = this.hub.incidents.inRegion(code);
    const dayFrom = startOfLocalDay(now, this.tzOffsetMinutes);
    const weekFrom = Math.floor(now / HOUR) * HOUR - 167 * HOUR;
    const today = createStatsAccumulator(this.windowOptions(code, { from: dayFrom, to: now + 1 }, now));
    const week = createStatsAccumulator(this.windowOptions(code, { from: weekFrom, to: weekFrom + 168 * HOUR }, now));
    const open: Incident[] = [];
    for (let i = 0; i < records.length; i += LARGE_CHUNK) {
      if (i > 0) await yieldToLoop();
      for (const record of records.slice(i, i + LARGE_CHUNK)) {
        today.add(record);
        week.add(record);
        if (isOpen(record.incident)) open.push(record.incident);
      }
    }
    await yieldToLoop();
    const rosters = this.rostersOf(code);
    await yieldToLoop();
    this.storeFigure(`today:${code}:${dayFrom}`, now, counter, today.finish(rosters).stats);
    await yieldToLoop();
    this.storeFigure(`week:${code}:${weekFrom}`, now, counter, week.finish(rosters).stats);
    await yieldToLoop();
    const risk = computeGridRisk(open, now);
    this.storeFigure(`risk:${code}`, now, counter, risk);
    await yieldToLoop();
    this.areasCache.set(code, { at: now, value: await this.areasInChunks(code, open, risk) });
  }

  private async areasInChunks(code: string, open: readonly Incident[], risk: GridRisk): Promise<AreaSummary[]> {
    // the risk per area first, then the cases a chunk per turn, then the units child by child
    const areas = areaSummaries({ geo: this.hub.geo, code, openIncidents: [], patrolsOf: () => [], camerasOf: () => [], risk, gridsPerChild: this.gridsOf(code).perChild });
    const { indexOf } = childIndexer(this.hub.geo, code);
    for (let i = 0; i < open.length; i += LARGE_CHUNK) {
      await yieldToLoop();
      for (const incident of open.slice(i, i + LARGE_CHUNK)) countCase(areas[indexOf(incident.gridCode)], incident);
    }
    for (const a of areas) {
      for (const p of this.patrolIndex.inRegion(a.code)) {
        a.patrols++;
        if (p.status === 'on_duty' || p.status === 'responding') a.onDuty++;
        if (p.status === 'responding') a.responding++;
      }
      for (const c of this.cameraIndex.inRegion(a.code)) {
        a.cameras++;
        if (c.status !== 'online') a.camerasOffline++;
        if (c.alarm) a.camerasAlarm++;
      }
      await yieldToLoop();
    }
    return areas;
  }

  /**
   * The on-duty and online figures are the rosters' now. Kept per region while no status changes
   * (and at most a second): today's and the week's figures share them, and a province root reads
   * 384,000 units for them.
   */
  private withCurrentRosters(code: string, stats: Statistics): Statistics {
    const now = this.hub.now();
    const counter = this.hub.changeCounter;
    let hit = this.rosterFigures.get(code);
    if (!hit || hit.counter !== counter || now < hit.at || now - hit.at >= ROSTER_FIGURES_MS) {
      const { patrols, cameras } = this.rostersOf(code);
      hit = { at: now, counter, patrols: patrolFigures(patrols), cameras: cameraFigures(cameras) };
      this.rosterFigures.delete(code);
      this.rosterFigures.set(code, hit);
      if (this.rosterFigures.size > FIGURE_CACHE_ENTRIES) this.rosterFigures.delete(this.rosterFigures.keys().next().value!);
    }
    return { ...stats, patrols: hit.patrols, cameras: hit.cameras };
  }

  /** the region's patrols and cameras as they are (no positions: figures need statuses only) */
  private rostersOf(code: string): { patrols: Patrol[]; cameras: Camera[] } {
    return { patrols: this.patrolIndex.inRegion(code), cameras: this.cameraIndex.inRegion(code) };
  }


  /**
   * The figures of a window `[from, to)` and its risk map, as of the window's end — or as of now
   * when the window reaches past it: what is known is everything logged before min(to, now + 1).
   */
  statistics(code: string, window: { from: number; to: number }, now = this.hub.now()): { stats: Statistics; risk: GridRisk } {
    return computeWindow({ ...this.windowOptions(code, window, now), incidents: this.hub.incidents.inRegion(code), ...this.rostersOf(code) });
  }

  /**
   * The figures of a window for a request (GET /api/stats): from memory when it holds the window,
   * a chunk of cases per turn of the event loop so that a month's window never stalls the walls;
   * from the store when the window reaches back past memory.
   */
  async windowStatistics(code: string, window: { from: number; to: number }, now = this.hub.now()): Promise<{ stats: Statistics; risk: GridRisk }> {
    // Backdated steps are being written: a window read in chunks or pages now could take some of
    // them and miss others. Refused rather than answered partly (today's live figures go on).
    if (this.hub.backfilling) {
      throw new HubError('STATS_BUSY', 'History is being imported or written; the figures of a window would be partial until it ends. Try again when /healthz no longer says backfilling.');
    }
    if (window.from < this.heldFrom(now)) return this.statisticsFromStore(code, window, now);
    const acc = createStatsAccumulator(this.windowOptions(code, window, now));
    const records = this.hub.incidents.inRegion(code);
    for (let i = 0; i < records.length; i += MEMORY_CHUNK) {
      if (i > 0) await yieldToLoop();
      for (const record of records.slice(i, i + MEMORY_CHUNK)) acc.add(record);
    }
    return acc.finish(this.rostersOf(code));
  }

  /**
   * The same figures for a window that reaches back past what memory holds (MEMORY_DAYS), read
   * from the store a page of cases at a time with their logs, the event loop given a turn between
   * pages. Same accumulator, same definitions: a window gives the same figures from memory and
   * from the store. At most MAX_STORE_WINDOWS at once; more are refused with STATS_BUSY.
   */
  async statisticsFromStore(code: string, window: { from: number; to: number }, now = this.hub.now()): Promise<{ stats: Statistics; risk: GridRisk }> {
    const options = this.windowOptions(code, window, now);
    if (this.storeWindows >= MAX_STORE_WINDOWS) {
      throw new HubError('STATS_BUSY', `The hub is reading ${this.storeWindows} past windows from the store already; try again in a moment.`);
    }
    this.storeWindows++;
    try {
      const acc = createStatsAccumulator(options);
      const asOf = options.asOf!;
      const store = this.hub.store;
      let afterId: string | null = null;
      for (;;) {
        const page = await store.incidentsForWindow({ regionCode: code, from: window.from, asOf, afterId, limit: STORE_PAGE });
        if (page.length === 0) break;
        const entries = new Map<string, EntryDraft[]>(page.map((i) => [i.id, []]));
        for (const e of await store.readEvents({ kind: 'incident', aggregateIds: page.map((i) => i.id), to: asOf })) {
          entries.get(e.aggregateId)?.push({ ...(e.payload as EntryDraft), seq: e.seq } as EntryDraft);
        }
        for (const incident of page) acc.add({ incident, entries: entries.get(incident.id)! });
        if (page.length < STORE_PAGE) break;
        afterId = page[page.length - 1]!.id;
        await yieldToLoop();
      }
      return acc.finish(this.rostersOf(code));
    } finally {
      this.storeWindows--;
    }
  }

  /** what a window's figures need besides the cases: the region's streets, the calendar, the end of what is known */
  private windowOptions(code: string, window: { from: number; to: number }, now: number): WindowOptions {
    this.requireRegion(code);
    const geo = this.hub.geo;
    const depth = geo.path(code).length;
    const children = geo.children(code).map((r) => ({ code: r.code, name: r.name }));
    // Rank streets: a city's children are districts, so go one level further down for it.
    const city = geo.get(code)?.level === 'city';
    const rankChildren = city ? children.flatMap((d) => geo.children(d.code).map((r) => ({ code: r.code, name: r.name }))) : children;
    const rankDepth = city ? depth + 1 : depth;
    return {
      regionCode: code,
      window,
      asOf: Math.min(window.to, now + 1),
      calendar: this.policy.calendar,
      children: rankChildren,
      childOf: (incident: Incident) => incident.regionPath[rankDepth],
    };
  }

  risk(code: string, asOf = this.hub.now()): GridRisk {
    return this.cachedFigure(`risk:${code}`, asOf, TODAY_CACHE_MS, () => this.liveRisk(code, asOf));
  }

  private liveRisk(code: string, asOf: number): GridRisk {
    const open = this.hub.incidents.inRegion(code).map((r) => r.incident).filter(isOpen);
    return computeGridRisk(open, asOf);
  }

  private gridsOf(code: string): { total: number; perChild: number[] } {
    let hit = this.gridCounts.get(code);
    if (!hit) {
      const geo = this.hub.geo;
      const region = geo.get(code);
      const total = region?.level === 'grid' ? 1 : geo.descendants(code).filter((r) => r.level === 'grid').length;
      hit = { total, perChild: gridsPerChild(geo, code) };
      this.gridCounts.set(code, hit);
    }
    return hit;
  }

  /**
   * What an items layer would send: open cases and those closed or rejected in the last 24 hours.
   * Kept while no case changes (within a second): deciding the detail and building the snapshot
   * of one subscription read it twice.
   */
  private currentIncidents(code: string, now: number): Incident[] {
    const counter = this.hub.incidentCounter;
    const hit = this.currentCache;
    if (hit && hit.code === code && hit.counter === counter && now >= hit.at && now - hit.at < 1_000) return hit.list.slice();
    const recentCut = now - DAY;
    const out: Incident[] = [];
    for (const { incident } of this.hub.incidents.inRegion(code)) {
      if (isOpen(incident) || incident.updatedAt >= recentCut) out.push(incident);
    }
    this.currentCache = { code, counter, at: now, list: out };
    return out.slice();
  }

  /**
   * How each item layer travels for a region now (docs/protocol.md, "Layered snapshots"): items
   * while the region holds no more than the budget, else counts per child area. `fullLayers` lifts
   * the budget to ITEMS_CEILING for clients that need every item (an operator's queue).
   */
  detailFor(code: string, fullLayers: readonly ItemLayer[] = [], now = this.hub.now()): LayerDetail {
    this.requireRegion(code);
    return chooseDetail(
      {
        incidents: this.currentIncidents(code, now).length,
        patrols: this.patrolIndex.count(code),
        cameras: this.cameraIndex.count(code),
        grids: this.gridsOf(code).total,
      },
      this.budget,
      fullLayers,
    );
  }

  /** the risk map per grid where the region's grids fit the budget; else empty (counts per area) */
  gridRisk(code: string, now = this.hub.now()): GridRisk {
    return this.gridsOf(code).total <= this.budget.grids ? this.risk(code, now) : {};
  }

  /** the region's children summarised: open and overdue cases, patrols, cameras, risk (briefly cached) */
  areas(code: string, now = this.hub.now()): AreaSummary[] {
    const hit = this.areasCache.get(code);
    const maxAge = this.largeRegions.has(code) ? LARGE_STALE_MS : AREAS_CACHE_MS;
    if (hit && now >= hit.at && now - hit.at < maxAge) return hit.value;
    const value = areaSummaries({
      geo: this.hub.geo,
      code,
      openIncidents: this.hub.incidents
        .inRegion(code)
        .map((r) => r.incident)
        .filter(isOpen),
      patrolsOf: (child) => this.patrolIndex.inRegion(child),
      camerasOf: (child) => this.cameraIndex.inRegion(child),
      risk: this.risk(code, now),
      gridsPerChild: this.gridsOf(code).perChild,
    });
    this.areasCache.delete(code);
    this.areasCache.set(code, { at: now, value });
    if (this.areasCache.size > FIGURE_CACHE_ENTRIES) this.areasCache.delete(this.areasCache.keys().next().value!);
    return value;
  }

  /**
   * What a large region's snapshot needs that takes long to compute — the figures, area counts and
   * risk map (refreshed if older than half their allowed age) and the heat — done in chunks before
   * the synchronous part of a subscription. Null for a region that is not large.
   */
  async prepareSnapshot(code: string, layers: readonly Layer[], now = this.hub.now()): Promise<{ heat: number[] } | null> {
    if (!this.isLarge(code)) return null;
    const areas = this.areasCache.get(code);
    if (!areas || now - areas.at > LARGE_STALE_MS / 2) await this.refreshLarge(code, now);
    if (!layers.includes('incidents')) return { heat: [] };
    const heatCut = now - HEAT_DAYS * DAY;
    const records = this.hub.incidents.inRegion(code);
    const recent: Incident[] = [];
    for (let i = 0; i < records.length; i += LARGE_CHUNK) {
      await yieldToLoop();
      for (const { incident } of records.slice(i, i + LARGE_CHUNK)) if (incident.reportedAt >= heatCut && incident.stage !== 'rejected') recent.push(incident);
    }
    await yieldToLoop();
    return { heat: heatPoints(recent, this.requireRegion(code).bbox, this.budget.heat, (at) => startOfLocalDay(at, this.tzOffsetMinutes)) };
  }

  snapshot(code: string, layers: readonly Layer[], detail: LayerDetail = this.detailFor(code, [], this.hub.now()), prepared: { heat: number[] } | null = null): Snapshot {
    const region = this.requireRegion(code);
    const now = this.hub.now();
    const want = new Set(layers);
    const heatCut = now - HEAT_DAYS * DAY;
    let incidents: Incident[] = [];
    let heat: number[] = [];
    if (want.has('incidents')) {
      const current = this.currentIncidents(code, now);
      incidents = detail.incidents === 'items' ? current : notableIncidents(current, isOpen, this.budget.notable);
      incidents.sort((a, b) => a.reportedAt - b.reportedAt);
      if (prepared) heat = prepared.heat;
      else {
        const recent = this.hub.incidents
          .inRegion(code)
          .map((r) => r.incident)
          .filter((i) => i.reportedAt >= heatCut && i.stage !== 'rejected');
        heat = heatPoints(recent, region.bbox, this.budget.heat, (at) => startOfLocalDay(at, this.tzOffsetMinutes));
      }
    }
    return {
      protocolVersion: PROTOCOL_VERSION,
      seq: this.hub.seq,
      serverTime: now,
      region: withoutGeometry(region),
      layers: [...want],
      regions: regionsWithin(this.hub.geo, code, this.budget.regions, new Set(incidents.map((i) => i.gridCode))).map(withoutGeometry),
      catalog: this.catalog,
      detail,
      areas: this.areas(code, now),
      incidents,
      heat,
      patrols: want.has('patrols') && detail.patrols === 'items' ? this.patrolsIn(code) : [],
      cameras: want.has('cameras') && detail.cameras === 'items' ? this.camerasIn(code) : [],
      stats: want.has('stats') ? this.todayStatistics(code, now) : null,
      week: want.has('stats') ? this.weekStatistics(code, now) : null,
      risk: want.has('stats') || want.has('incidents') ? this.gridRisk(code, now) : {},
      ...(want.has('incidents') ? { videoAlarms: latestAlarms(this.hub.videoAlarms.inRegion(code, now - DAY)) } : {}),
      ...(want.has('stats') ? { aiPrecision: this.aiPrecision(code, now) } : {}),
    };
  }

  /** a large region's snapshot built for these layers and detail within the budget's sharedMs, or null */
  sharedSnapshot(code: string, layers: readonly Layer[], detail: LayerDetail, now = this.hub.now()): Snapshot | null {
    if (!this.largeRegions.has(code)) return null;
    const hit = this.snapshots.get(snapshotKey(code, layers, detail));
    return hit && now >= hit.at && now - hit.at < this.budget.sharedMs ? hit.snapshot : null;
  }

  /** keeps a snapshot for the walls that subscribe to the same region in the next moments */
  keepSnapshot(snapshot: Snapshot): Snapshot {
    // only large regions' (a province): a small region's snapshot is cheap, and always as of now
    if (!this.largeRegions.has(snapshot.region.code)) return snapshot;
    const key = snapshotKey(snapshot.region.code, snapshot.layers, snapshot.detail);
    this.snapshots.delete(key);
    this.snapshots.set(key, { at: snapshot.serverTime, snapshot });
    if (this.snapshots.size > SHARED_SNAPSHOTS) this.snapshots.delete(this.snapshots.keys().next().value!);
    return snapshot;
  }

  /** what a reconnecting client missed in its region and layers, or null if a snapshot is needed */
  resume(code: string, layers: readonly Layer[], lastSeq: number): Delta[] | null {
    this.requireRegion(code);
    const want = new Set(layers);
    return this.hub.resumeSince(lastSeq, (item) => want.has(item.layer) && item.path.includes(code));
  }
}

function snapshotKey(code: string, layers: readonly Layer[], detail: LayerDetail): string {
  return `${code}|${[...layers].sort().join(',')}|${detail.incidents},${detail.patrols},${detail.cameras},${detail.grids}`;
}

/** pending alarms first (oldest first, as the queue is worked), then the latest decided, at most VIDEO_ALARMS_CAP */
function latestAlarms(list: VideoAlarm[]): VideoAlarm[] {
  if (list.length <= VIDEO_ALARMS_CAP) return list;
  const pending = list.filter((a) => a.status === 'pending');
  const decided = list.filter((a) => a.status !== 'pending').sort((a, b) => (b.decidedAt ?? b.at) - (a.decidedAt ?? a.at));
  return [...pending.slice(0, VIDEO_ALARMS_CAP), ...decided.slice(0, Math.max(0, VIDEO_ALARMS_CAP - pending.length))].sort((a, b) => a.at - b.at);
}

function matches(incident: Incident, words: string): boolean {
  return (
    incident.id.toLowerCase().includes(words) ||
    incident.title.toLowerCase().includes(words) ||
    (incident.location.address ?? '').toLowerCase().includes(words) ||
    (incident.externalRef ?? '').toLowerCase().includes(words)
  );
}
