/**
 * The live figures of a region, as walls and the API read them: today's and the rolling week's
 * statistics, the risk map, the counts per child area, and any window `[from, to)` from memory or
 * the store — cached while no case changes, and for a large region (a province) computed a chunk
 * of cases at a time and read as last computed. The read model answers everything else.
 */
import { forEachInSlices, yieldToLoop } from '../lib/slices';
import { HubError } from '@shared/errors';
import type { Incident } from '@shared/schemas/incident';
import type { AreaSummary } from '@shared/schemas/live';
import type { GridRisk, Statistics } from '@shared/schemas/stats';
import type { EntryDraft } from '../domain/lifecycle';
import type { SlaPolicy } from '../domain/sla';
import { addOpenCase, computeGridRisk, createStatsAccumulator, RiskTally, type WindowOptions } from '../domain/stats';
import type { Hub } from './hub';
import { isOpen } from './incidentProjection';
import { areaSummaries, childIndexer, countCase, countRisk, gridsPerChild, type SnapshotBudget } from './snapshotLayers';
import type { RosterFigures } from './rosterTally';

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
/** past windows read from the store at once; more are refused (STATS_BUSY) rather than queued */
const MAX_STORE_WINDOWS = 2;
/** area summaries are shared by every wall of a region for this long (the stats loop's pace) */
const AREAS_CACHE_MS = 1_500;
/**
 * A region holding more cases than the budget's `largeCases` in memory (a province, a large city)
 * has its figures, area counts and heat computed a chunk at a time with the event loop given a
 * turn between chunks (the stats loop and the subscription do it), and read as last computed — at
 * most LARGE_STALE_MS old — instead of being recomputed in one go on the subscription's path.
 */
export const LARGE_STALE_MS = 10_000;

export function startOfLocalDay(at: number, tzOffsetMinutes: number): number {
  const offset = tzOffsetMinutes * 60_000;
  return Math.floor((at + offset) / DAY) * DAY - offset;
}

export class LiveFigures {
  private readonly figureCache = new Map<string, { at: number; counter: number; value: unknown }>();
  private storeWindows = 0;
  private readonly gridCounts = new Map<string, { total: number; perChild: number[] }>();
  private readonly areasCache = new Map<string, { at: number; value: AreaSummary[] }>();
  /** regions found to hold more than the budget's largeCases (their figures are computed in chunks) */
  private readonly largeRegions = new Set<string>();
  private readonly caseCounts = new Map<string, { at: number; large: boolean }>();
  private readonly refreshing = new Map<string, Promise<void>>();

  constructor(
    private readonly hub: Hub,
    private readonly tzOffsetMinutes: number,
    private readonly policy: SlaPolicy,
    private readonly budget: SnapshotBudget,
  ) {}

  /**
   * The earliest instant a statistics window may start at: every case with activity after it is
   * in memory (open ones, and closed ones changed within MEMORY_DAYS). Earlier windows would be
   * partial, so they are refused rather than answered wrongly.
   */
  heldFrom(asOf = this.hub.now()): number {
    return asOf - this.hub.opts.memoryDays * DAY;
  }

  /** today's figures (local day of the centre) for a region, up to and including now */
  todayStatistics(code: string, now = this.hub.now()): Statistics {
    const from = startOfLocalDay(now, this.tzOffsetMinutes);
    const stats = this.cachedFigure(code, `today:${code}:${from}`, now, TODAY_CACHE_MS, () => this.statistics(code, { from, to: now + 1 }, now).stats);
    return this.withCurrentRosters(code, stats);
  }

  /**
   * The last seven days in whole hours up to now: 168 hourly buckets whose last one is the
   * current hour. Rankings and the rolling 24-hour trend need a window that does not restart at
   * midnight. Cached briefly per region: it is the costliest figure and moves slowly.
   */
  weekStatistics(code: string, now = this.hub.now()): Statistics {
    const from = Math.floor(now / HOUR) * HOUR - 167 * HOUR;
    const stats = this.cachedFigure(code, `week:${code}:${from}`, now, WEEK_CACHE_MS, () => this.statistics(code, { from, to: from + 168 * HOUR }, now).stats);
    return this.withCurrentRosters(code, stats);
  }

  /**
   * Figures of the log, reused while no case or AI alarm has changed (patrols and cameras change
   * every second and do not touch them) and the hub's clock has moved on by less than `maxAgeMs`.
   */
  private cachedFigure<T>(code: string, key: string, now: number, maxAgeMs: number, compute: () => T): T {
    const hit = this.figureCache.get(key);
    const counter = this.hub.incidentCounter;
    if (hit && hit.counter === counter && now >= hit.at && now - hit.at < maxAgeMs) return hit.value as T;
    // A large region's figures are refreshed in slices by the stats loop and by subscriptions:
    // read as last computed. Older than LARGE_STALE_MS (a loaded machine), a refresh is started
    // and the last value still served: computing them here would hold the hub for seconds.
    if (hit && now >= hit.at && this.largeRegions.has(code)) {
      if (now - hit.at >= LARGE_STALE_MS) this.refreshInBackground(code, now);
      return hit.value as T;
    }
    const value = compute();
    this.storeFigure(key, now, counter, value);
    return value;
  }

  private storeFigure(key: string, at: number, counter: number, value: unknown): void {
    this.figureCache.delete(key);
    this.figureCache.set(key, { at, counter, value });
    if (this.figureCache.size > FIGURE_CACHE_ENTRIES) this.figureCache.delete(this.figureCache.keys().next().value!);
  }

  /** whether a region holds more cases in memory than the budget's largeCases (remembered per region) */
  isLarge(code: string): boolean {
    return this.largeRegions.has(code) || this.countLarge(code);
  }

  private countLarge(code: string): boolean {
    const hit = this.caseCounts.get(code);
    const now = this.hub.now();
    if (hit && now - hit.at < LARGE_STALE_MS) return hit.large;
    const large = this.hub.incidents.countInRegion(code) > this.budget.largeCases;
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

  /** a refresh nobody waits for: its failure shows in the stats loop's, which awaits the same job */
  private refreshInBackground(code: string, now: number): void {
    this.refreshLarge(code, now).catch(() => undefined);
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
    await forEachInSlices(records, (record) => {
      today.add(record);
      week.add(record);
      if (isOpen(record.incident)) open.push(record.incident);
    });
    await yieldToLoop();
    const rosters = this.rosterFigures(code);
    this.storeFigure(`today:${code}:${dayFrom}`, now, counter, today.finish(rosters).stats);
    await yieldToLoop();
    this.storeFigure(`week:${code}:${weekFrom}`, now, counter, week.finish(rosters).stats);
    await yieldToLoop();
    const tally = new RiskTally(now);
    await forEachInSlices(open, (incident) => addOpenCase(tally, incident, now));
    const risk: GridRisk = {};
    await forEachInSlices(tally.levelEntries(), ([grid, level]) => (risk[grid] = level));
    this.storeFigure(`risk:${code}`, now, counter, risk);
    await yieldToLoop();
    this.areasCache.set(code, { at: now, value: await this.areasInChunks(code, open, risk) });
  }

  private async areasInChunks(code: string, open: readonly Incident[], risk: GridRisk): Promise<AreaSummary[]> {
    // the units per area first (the tally), then the risk and the cases a slice at a time
    const areas = areaSummaries({ geo: this.hub.geo, code, openIncidents: [], unitsOf: (child) => this.rosterFigures(child), risk: {}, gridsPerChild: this.gridsOf(code).perChild });
    const { indexOf } = childIndexer(this.hub.geo, code);
    await yieldToLoop();
    await forEachInSlices(Object.entries(risk), ([grid, level]) => countRisk(areas[indexOf(grid)], level));
    await forEachInSlices(open, (incident) => countCase(areas[indexOf(incident.gridCode)], incident));
    return areas;
  }

  /** the on-duty and online figures are the rosters' now, from the tally kept as units change */
  private withCurrentRosters(code: string, stats: Statistics): Statistics {
    return { ...stats, ...this.rosterFigures(code) };
  }

  rosterFigures(code: string): RosterFigures {
    return this.hub.roster.tally.figures(code);
  }

  /**
   * The figures of a window `[from, to)` and its risk map, as of the window's end — or as of now
   * when the window reaches past it: what is known is everything logged before min(to, now + 1).
   */
  statistics(code: string, window: { from: number; to: number }, now = this.hub.now()): { stats: Statistics; risk: GridRisk } {
    const acc = createStatsAccumulator(this.windowOptions(code, window, now));
    for (const record of this.hub.incidents.inRegion(code)) acc.add(record);
    return acc.finish(this.rosterFigures(code));
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
    await forEachInSlices(this.hub.incidents.inRegion(code), (record) => acc.add(record));
    return acc.finish(this.rosterFigures(code));
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
      return acc.finish(this.rosterFigures(code));
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
    return this.cachedFigure(code, `risk:${code}`, asOf, TODAY_CACHE_MS, () => this.liveRisk(code, asOf));
  }

  private liveRisk(code: string, asOf: number): GridRisk {
    const open = this.hub.incidents.inRegion(code).map((r) => r.incident).filter(isOpen);
    return computeGridRisk(open, asOf);
  }

  /** grids in the region and in each of its children (geography does not change while the hub runs) */
  gridsOf(code: string): { total: number; perChild: number[] } {
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

  /** the risk map per grid where the region's grids fit the budget; else empty (counts per area) */
  gridRisk(code: string, now = this.hub.now()): GridRisk {
    return this.gridsOf(code).total <= this.budget.grids ? this.risk(code, now) : {};
  }

  /** the region's children summarised: open and overdue cases, patrols, cameras, risk (briefly cached) */
  areas(code: string, now = this.hub.now()): AreaSummary[] {
    const hit = this.areasCache.get(code);
    if (hit && now >= hit.at && this.largeRegions.has(code)) {
      // as last computed, like a large region's figures (cachedFigure)
      if (now - hit.at >= LARGE_STALE_MS) this.refreshInBackground(code, now);
      return hit.value;
    }
    if (hit && now >= hit.at && now - hit.at < AREAS_CACHE_MS) return hit.value;
    const value = areaSummaries({
      geo: this.hub.geo,
      code,
      openIncidents: this.hub.incidents
        .inRegion(code)
        .map((r) => r.incident)
        .filter(isOpen),
      unitsOf: (child) => this.rosterFigures(child),
      risk: this.risk(code, now),
      gridsPerChild: this.gridsOf(code).perChild,
    });
    this.areasCache.delete(code);
    this.areasCache.set(code, { at: now, value });
    if (this.areasCache.size > FIGURE_CACHE_ENTRIES) this.areasCache.delete(this.areasCache.keys().next().value!);
    return value;
  }

  private requireRegion(code: string): void {
    if (!this.hub.geo.get(code)) throw new HubError('UNKNOWN_REGION', `No region has the code ${code}.`);
  }

  /** a region already found large (no count): its snapshots are shared */
  knownLarge(code: string): boolean {
    return this.largeRegions.has(code);
  }

  /** a large region's figures and area counts, refreshed first when older than half their allowed age */
  async freshLarge(code: string, now = this.hub.now()): Promise<void> {
    const areas = this.areasCache.get(code);
    if (!areas || now - areas.at > LARGE_STALE_MS / 2) await this.refreshLarge(code, now);
  }
}
