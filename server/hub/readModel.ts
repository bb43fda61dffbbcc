/**
 * The read model: every read of the HTTP API and the socket goes through here — snapshots and
 * resumption for a region (built synchronously from memory so that a subscription sees exactly
 * the state as of one sequence number), incident lists and logs, the audit log, cameras, patrols
 * and departments; the figures through `figures` (liveFigures.ts). Routes never reach into the
 * store or the hub's maps.
 */
import { PROTOCOL_VERSION } from '@shared/events';
import type { Catalog } from '@shared/schemas/catalog';
import type { Camera } from '@shared/schemas/camera';
import type { Incident } from '@shared/schemas/incident';
import type { Delta, Detail, ItemLayer, Layer, LayerDetail, Snapshot } from '@shared/schemas/live';
import type { Patrol } from '@shared/schemas/patrol';
import type { Region, RegionLevel } from '@shared/schemas/region';
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
import { forEachInSlices, TurnTaker, yieldToLoop } from '../lib/slices';
import type { Hub } from './hub';
import { isOpen } from './incidentProjection';
import { UnitIndex } from './unitIndex';
import { LiveFigures, startOfLocalDay } from './liveFigures';
import {
  chooseDetail,
  DEFAULT_SNAPSHOT_BUDGET,
  detailDrifted,
  itemLimit,
  addHeatRow,
  binHeat,
  heatPoints,
  notableIncidents,
  regionLevelsWithin,
  withPathsOf,
  VIDEO_ALARMS_CAP,
  type SnapshotBudget,
} from './snapshotLayers';

const DAY = 86_400_000;
const HEAT_DAYS = 7;
/**
 * Large regions' snapshots kept for the walls that subscribe to them together (the budget's
 * `sharedMs`): they receive one with the deltas since, instead of one build each.
 */
const SHARED_SNAPSHOTS = 16;

export { startOfLocalDay };

/** regions travel without polygons; geometry is served once, cached, as GeoJSON */
export function withoutGeometry({ code, name, nameEn, level, parentCode, center, bbox, generated }: Region): Region {
  return { code, name, ...(nameEn ? { nameEn } : {}), level, parentCode, center, bbox, generated };
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
  /** today's and the week's figures, risk and area counts, and any window (liveFigures.ts) */
  readonly figures: LiveFigures;
  private readonly departmentCache = new Map<string, Department[]>();
  private readonly patrolIndex: UnitIndex<number, Patrol>;
  private readonly cameraIndex: UnitIndex<string, Camera>;
  private readonly snapshots = new Map<string, { at: number; snapshot: Snapshot }>();
  private readonly building = new Map<string, Promise<Snapshot>>();
  /** the regions a snapshot lists before its cases' grids (geography does not change while the hub runs) */
  private readonly regionLevelCache = new Map<string, Region[]>();
  private currentCache: { code: string; counter: number; at: number; list: Incident[] } | null = null;
  /** large snapshots' answers are megabytes to encode: one per turn of the event loop (TurnTaker), per hub */
  readonly answerTurns = new TurnTaker();

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
    this.figures = new LiveFigures(hub, tzOffsetMinutes, policy, budget);
  }

  get rootCode(): string {
    return this.hub.geo.rootCode;
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

  // Lists for the HTTP API, produced lazily: the writer (jsonList.ts) takes them a slice of time
  // at a time, and a province's 243,722 patrols built as one array held the hub ~230 ms.

  cameraList(code?: string): Iterable<Camera> {
    return code ? this.camerasIn(code) : this.hub.cameras.values();
  }

  /** a region's list: its own patrols, then those of other regions standing in it (as its snapshot) */
  *patrolList(q: { region?: string | undefined; status?: PatrolStatus | undefined; limit?: number }): Generator<Patrol> {
    const byIdx = this.hub.patrolsByIdx;
    let n = 0;
    for (const idx of q.region ? this.patrolIdxsShownIn(q.region) : byIdx.keys()) {
      const p = byIdx[idx];
      if (!p || (q.status && p.status !== q.status)) continue;
      yield this.hub.withPosition(p);
      if (q.limit !== undefined && ++n >= q.limit) return;
    }
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

  /** the region's ancestors, itself and whole levels below within the budget, without geometry */
  private regionLevels(code: string): Region[] {
    let hit = this.regionLevelCache.get(code);
    if (!hit) {
      hit = regionLevelsWithin(this.hub.geo, code, this.budget.regions).map(withoutGeometry);
      if (this.regionLevelCache.size >= 256) this.regionLevelCache.delete(this.regionLevelCache.keys().next().value!);
      this.regionLevelCache.set(code, hit);
    }
    return hit;
  }

  requireRegion(code: string): Region {
    const region = this.hub.geo.get(code);
    if (!region) throw new HubError('UNKNOWN_REGION', `No region has the code ${code}.`);
    return region;
  }

  /** the region's ancestors, itself and all below (without geometry), lazily: a province is 64,201 regions */
  *regionsFor(code: string, level?: RegionLevel): Generator<Region> {
    const geo = this.hub.geo;
    for (const c of geo.path(code)) {
      const r = geo.get(c)!;
      if (!level || r.level === level) yield withoutGeometry(r);
    }
    for (const r of geo.descendants(code)) if (!level || r.level === level) yield withoutGeometry(r);
  }

  camerasIn(code: string): Camera[] {
    return this.cameraIndex.inRegion(code);
  }

  /** the roster places of a region's patrols (positions are kept by place: PositionTracker) */
  patrolIdxsIn(code: string): number[] {
    return this.patrolIndex.keysIn(code);
  }

  /**
   * What a region shows of patrols: its own wherever they stand, then those of other regions
   * standing in it by their latest fix (hub/patrolPlaces.ts), as the live frames do. The budget
   * that decides items or summary, and the counts per area of a summarised layer, stay by roster.
   */
  patrolsIn(code: string): Patrol[] {
    const byIdx = this.hub.patrolsByIdx;
    const out = this.patrolIndex.inRegion(code).map((p) => this.hub.withPosition(p));
    for (const idx of this.hub.places.visitorsIn(code)) {
      const p = byIdx[idx];
      if (p) out.push(this.hub.withPosition(p));
    }
    return out;
  }

  private *patrolIdxsShownIn(code: string): Generator<number> {
    yield* this.patrolIndex.keysIn(code);
    yield* this.hub.places.visitorsIn(code);
  }

  /**
   * Builds what the first subscription would otherwise build on its path: the index of units by
   * region (a province's 384,000 units take a few hundred ms to sort) and the root's grid counts.
   * Called at start and after a roster is loaded.
   */
  warm(): void {
    this.patrolIndex.count(this.rootCode);
    this.cameraIndex.count(this.rootCode);
    this.figures.gridsOf(this.rootCode);
  }

  /** the unit indexes rebuilt after a roster load, a slice of time at a time (the hub is answering by then) */
  async warmInSlices(): Promise<void> {
    await this.patrolIndex.warm();
    await this.cameraIndex.warm();
  }

  /**
   * What an items layer would send: open cases and those closed or rejected in the last 24 hours.
   * Kept while no case changes (within a second): deciding the detail and building the snapshot
   * of one subscription read it twice.
   */
  private currentIncidents(code: string, now: number): readonly Incident[] {
    const counter = this.hub.incidentCounter;
    const hit = this.currentCache;
    if (hit && hit.code === code && hit.counter === counter && now >= hit.at && now - hit.at < 1_000) return hit.list;
    const recentCut = now - DAY;
    const out: Incident[] = [];
    for (const { incident } of this.hub.incidents.inRegion(code)) {
      if (isOpen(incident) || incident.updatedAt >= recentCut) out.push(incident);
    }
    this.currentCache = { code, counter, at: now, list: out };
    return out;
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
        grids: this.figures.gridsOf(code).total,
      },
      this.budget,
      fullLayers,
    );
  }

  /**
   * Whether a client that holds the incidents layer at `held` detail should take a fresh snapshot:
   * the region's current cases have moved well past its limit (snapshotLayers.DETAIL_DRIFT).
   */
  incidentDetailDrifted(code: string, held: Detail, fullLayers: readonly ItemLayer[] = [], now = this.hub.now()): boolean {
    // a large region (a province, a city) is summarised and stays so: not scanned every round
    if (!this.hub.geo.get(code) || this.figures.isLarge(code)) return false;
    return detailDrifted(held, this.currentIncidents(code, now).length, itemLimit('incidents', this.budget, fullLayers));
  }

  /**
   * What a large region's snapshot needs that takes long to compute — the figures, area counts and
   * risk map (refreshed if older than half their allowed age) and the heat — done in chunks before
   * the synchronous part of a subscription. Null for a region that is not large.
   */
  async prepareSnapshot(code: string, layers: readonly Layer[], now = this.hub.now()): Promise<{ heat: number[] } | null> {
    if (!this.figures.isLarge(code)) return null;
    await this.figures.freshLarge(code, now);
    if (!layers.includes('incidents')) return { heat: [] };
    const cut = now - HEAT_DAYS * DAY;
    const dayOf = (at: number) => startOfLocalDay(at, this.tzOffsetMinutes);
    const rows: number[] = [];
    await yieldToLoop();
    await forEachInSlices(this.hub.incidents.inRegion(code), ({ incident }) => {
      if (inHeat(incident, cut)) addHeatRow(rows, incident, dayOf);
    });
    await yieldToLoop();
    return { heat: binHeat(rows, this.requireRegion(code).bbox, this.budget.heat) };
  }

  /** heat points of the region's recent cases, binned where they are many (snapshotLayers.heatPoints) */
  private heatOf(code: string, recent: readonly Incident[]): number[] {
    return heatPoints(recent, this.requireRegion(code).bbox, this.budget.heat, (at) => startOfLocalDay(at, this.tzOffsetMinutes));
  }

  snapshot(code: string, layers: readonly Layer[], detail: LayerDetail = this.detailFor(code, [], this.hub.now()), prepared: { heat: number[] } | null = null): Snapshot {
    const region = this.requireRegion(code);
    const now = this.hub.now();
    const want = new Set(layers);
    let incidents: Incident[] = [];
    let heat: number[] = [];
    if (want.has('incidents')) {
      const current = this.currentIncidents(code, now);
      // a copy: the list is kept for the next reader, and sorted here
      incidents = detail.incidents === 'items' ? [...current] : notableIncidents(current, isOpen, this.budget.notable);
      incidents.sort((a, b) => a.reportedAt - b.reportedAt);
      const cut = now - HEAT_DAYS * DAY;
      heat = prepared?.heat ?? this.heatOf(code, this.hub.incidents.inRegion(code).map((r) => r.incident).filter((i) => inHeat(i, cut)));
    }
    return {
      protocolVersion: PROTOCOL_VERSION,
      seq: this.hub.seq,
      historyId: this.hub.historyId,
      serverTime: now,
      region: withoutGeometry(region),
      layers: [...want],
      regions: withPathsOf(this.hub.geo, this.regionLevels(code), new Set(incidents.map((i) => i.gridCode)), withoutGeometry),
      catalog: this.catalog,
      detail,
      areas: this.figures.areas(code, now),
      incidents,
      heat,
      patrols: want.has('patrols') && detail.patrols === 'items' ? this.patrolsIn(code) : [],
      cameras: want.has('cameras') && detail.cameras === 'items' ? this.camerasIn(code) : [],
      stats: want.has('stats') ? this.figures.todayStatistics(code, now) : null,
      week: want.has('stats') ? this.figures.weekStatistics(code, now) : null,
      risk: want.has('stats') || want.has('incidents') ? this.figures.gridRisk(code, now) : {},
      ...(want.has('incidents') ? { videoAlarms: latestAlarms(this.hub.videoAlarms.inRegion(code, now - DAY)) } : {}),
      ...(want.has('stats') ? { aiPrecision: this.aiPrecision(code, now) } : {}),
    };
  }

  /** a large region's snapshot built for these layers and detail within the budget's sharedMs, or null */
  sharedSnapshot(code: string, layers: readonly Layer[], detail: LayerDetail, now = this.hub.now()): Snapshot | null {
    if (!this.figures.knownLarge(code)) return null;
    const hit = this.snapshots.get(snapshotKey(code, layers, detail));
    return hit && now >= hit.at && now - hit.at < this.budget.sharedMs ? hit.snapshot : null;
  }

  /**
   * A large region's snapshot, prepared in slices and kept for sharing. One build at a time per
   * region, layers and detail: walls that subscribe while it is built wait for the same one (20
   * walls on a province root built 20, back to back, and held the hub for seconds). The caller
   * sends what happened since its seq, as for any shared snapshot.
   */
  buildLargeSnapshot(code: string, layers: readonly Layer[], detail: LayerDetail): Promise<Snapshot> {
    const key = snapshotKey(code, layers, detail);
    let job = this.building.get(key);
    if (!job) {
      job = (async () => {
        const prepared = await this.prepareSnapshot(code, layers);
        await yieldToLoop();
        return this.keepSnapshot(this.snapshot(code, layers, detail, prepared));
      })().finally(() => this.building.delete(key));
      this.building.set(key, job);
    }
    return job;
  }

  /** keeps a snapshot for the walls that subscribe to the same region in the next moments */
  keepSnapshot(snapshot: Snapshot): Snapshot {
    // only large regions' (a province): a small region's snapshot is cheap, and always as of now
    if (!this.figures.knownLarge(snapshot.region.code)) return snapshot;
    const key = snapshotKey(snapshot.region.code, snapshot.layers, snapshot.detail);
    this.snapshots.delete(key);
    this.snapshots.set(key, { at: snapshot.serverTime, snapshot });
    if (this.snapshots.size > SHARED_SNAPSHOTS) this.snapshots.delete(this.snapshots.keys().next().value!);
    // kept in the order they were made: those too old to be shared are dropped now, not when the
    // sixteenth arrives — a client cycling through regions held megabytes nobody could use
    for (const [oldKey, kept] of this.snapshots) {
      if (snapshot.serverTime - kept.at < this.budget.sharedMs) break;
      this.snapshots.delete(oldKey);
    }
    return snapshot;
  }

  /**
   * what a reconnecting client missed in its region and layers — and, for focus and alert deltas,
   * in its home region — or null if a snapshot is needed
   */
  resume(code: string, layers: readonly Layer[], lastSeq: number, home: string = code): Delta[] | null {
    this.requireRegion(code);
    const want = new Set(layers);
    return this.hub.resumeSince(lastSeq, (item) => (item.homes ? item.homes.includes(home) : want.has(item.layer) && item.path.includes(code)));
  }
}

/** a case that warms the heat map: reported since `cut`, not rejected */
function inHeat(incident: Incident, cut: number): boolean {
  return incident.reportedAt >= cut && incident.stage !== 'rejected';
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
