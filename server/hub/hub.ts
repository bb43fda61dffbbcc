/**
 * The hub: a thin facade over focused services that share one serial queue and one delta stream.
 *   - IncidentCommands  reports, steps of the closed loop, the overdue sweep (incidentCommands.ts)
 *   - RosterIntake      cameras and patrols: roster and status feeds (rosterIntake.ts)
 *   - PositionIntake    live GPS fixes, memory only (positionIntake.ts)
 *   - DeltaStream       sequence numbers, resumption, fan-out (deltaStream.ts)
 *   - StoreHealth       whether the store answers: while it does not, changes are refused at once (storeHealth.ts)
 * Reads go through the ReadModel (readModel.ts); routes never reach into the store or these maps.
 * A person's step (…As) is authorised and audited; a refusal gets an audit row of its own.
 */
import { HubError } from '@shared/errors';
import type { Camera } from '@shared/schemas/camera';
import type { Incident, IncidentLogEntry } from '@shared/schemas/incident';
import type { Delta } from '@shared/schemas/live';
import type { Patrol } from '@shared/schemas/patrol';
import type { CommandOrigin, EntryDraft } from '../domain/lifecycle';
import { createFusionPolicy, type FusionPolicy } from '../domain/fusion';
import type { SlaPolicy } from '../domain/sla';
import type { Logger } from '../lib/log';
import { SerialQueue } from '../lib/serialQueue';
import type { EventKind, Store, StoredEvent } from '../store/types';
import { auditOfRefusal, isPerson, whoOf, type Audited, type KeySender, type Principal } from './audit';
import { DeltaStream } from './deltaStream';
import { HistoryIdentity } from './history';
import { layerOf, type LoggedDelta } from './deltaLog';
import type { GeoContext } from './geoContext';
import type { AlarmSteps } from './alarmSteps';
import { IncidentCommands, type AlarmOutcome, type BatchStep, type ReportOutcome } from './incidentCommands';
import { ALARM_MEMORY_MS, VideoAlarmBook } from './videoAlarmBook';
import { IncidentIds } from './incidentIds';
import { appendsInOrder, asOfLoadedEntries, LogFollower, type FollowInstaller } from './logFollower';
import { IncidentProjection } from './incidentProjection';
import { PositionIntake } from './positionIntake';
import { PositionTracker } from './positionTracker';
import { PatrolPlaces } from './patrolPlaces';
import { RosterIntake } from './rosterIntake';
import { StoreHealth, type StoreHealthOptions } from './storeHealth';

export type { AlarmOutcome, AlarmSteps, BatchStep, ReportOutcome };

export interface HubOptions {
  store: Store;
  geo: GeoContext;
  policy: SlaPolicy;
  clock: () => number;
  log: Logger;
  resumeBuffer: number;
  memoryDays: number;
  tzOffsetMinutes: number;
  knownCategories: ReadonlySet<string>;
  /** duplicate fusion rules (the shipped defaults when absent) */
  fusion?: FusionPolicy;
  /** changes that may wait for the store at once; more are refused with HUB_BUSY */
  queueLimit?: number;
  /** degrees around the geography's bounding box in which fixes are still taken (POSITION_MARGIN_DEG) */
  positionMarginDeg?: number;
  /**
   * steps one group commit takes at most (MAX_GROUP_STEPS of the store's kind by default); 1
   * writes every change in a transaction of its own (the naive baseline of tests/bench/intake.bench.ts)
   */
  maxGroupSteps?: number;
  /** when a slow or failing store counts as unavailable, and how often it is probed (storeHealth.ts) */
  storeHealth?: Partial<StoreHealthOptions>;
  /**
   * several hub nodes share the store (PostgreSQL): memory follows the log, installing and
   * publishing what other nodes append, in seq order (logFollower.ts); started by startFollowing()
   */
  follow?: { pollMs?: number };
}

/**
 * About two seconds of reports at the embedded store's measured group-commit rate (over 1,000 a
 * second): a backlog longer than that is better refused at once than answered late.
 */
export const DEFAULT_QUEUE_LIMIT = 2_000;

export class Hub {
  readonly queue: SerialQueue;
  readonly incidents = new IncidentProjection();
  readonly videoAlarms = new VideoAlarmBook();
  readonly stream: DeltaStream;
  readonly roster: RosterIntake;
  readonly positionIntake: PositionIntake;
  /** whether the store answers; watched from `startWatchingStore()` (the app's), refusing changes while it does not */
  readonly storeHealth: StoreHealth;
  /** the store as every writer of the hub sees it: its calls watched by storeHealth */
  private readonly watchedStore: Store;
  /** where each patrol stands (its latest fix's grid), settled every positions tick (patrolPlaces.ts) */
  readonly places: PatrolPlaces;
  private readonly commands: IncidentCommands;
  private backfills = 0;
  private resyncListeners: ((reason: string) => void)[] = [];
  private readonly ids: IncidentIds;
  /** several nodes on one store: memory follows its log (null: this node alone writes it) */
  private readonly follower: LogFollower | null;
  /** which history the sequence numbers belong to (history.ts); a new id at every start */
  private identity = new HistoryIdentity();

  private constructor(readonly opts: HubOptions) {
    const limit = opts.queueLimit ?? DEFAULT_QUEUE_LIMIT;
    this.storeHealth = new StoreHealth(opts.store, opts.clock, opts.log, opts.storeHealth);
    const watched = this.storeHealth.watch(opts.store);
    this.queue = new SerialQueue(
      limit,
      (waiting) =>
        new HubError('HUB_BUSY', `The hub has ${waiting} changes waiting for the store already (limit ${limit}); nothing was done. Try again in a moment.`, { waiting, limit }),
      () => this.storeHealth.refusal(),
    );
    // the changes waiting when the store turns unavailable are answered now, not after the stall
    this.storeHealth.onChange(() => {
      const refusal = this.storeHealth.refusal();
      if (!refusal) return;
      const answered = this.queue.refuseWaiting(refusal);
      if (answered > 0) opts.log.warn('changes waiting for the store were refused: the store is unavailable', { answered });
    });
    this.stream = new DeltaStream(opts.resumeBuffer, 0);
    this.follower = opts.follow
      ? new LogFollower({ store: watched, queue: this.queue, stream: this.stream, log: opts.log, ...(opts.follow.pollMs ? { pollMs: opts.follow.pollMs } : {}), resync: (reason) => this.resyncClients(reason) })
      : null;
    this.watchedStore = this.follower ? appendsInOrder(watched, this.follower) : watched;
    // several nodes: case numbers from the database, a block at a time (incidentIds.ts)
    this.ids = this.follower ? new IncidentIds(opts.tzOffsetMinutes, (prefix, count) => this.watchedStore.reserveIncidentNumbers(prefix, count)) : new IncidentIds(opts.tzOffsetMinutes);
    const tracker = new PositionTracker(0);
    this.roster = new RosterIntake({ store: this.watchedStore, geo: opts.geo, queue: this.queue, stream: this.stream, positions: tracker, clock: opts.clock, markRosterLoads: this.follower !== null, freshen: () => this.freshen() });
    this.positionIntake = new PositionIntake(this.roster.patrols, this.roster.patrolsByIdx, opts.clock, tracker, () => {
      const root = opts.geo.get(opts.geo.rootCode);
      return root ? root.bbox : [-180, -90, 180, 90];
    }, opts.positionMarginDeg);
    this.places = new PatrolPlaces(opts.geo, tracker, () => this.roster.patrolsByIdx);
    this.roster.onRosterLoaded(() => this.places.rosterChanged());
    this.commands = new IncidentCommands({
      store: this.watchedStore,
      health: this.storeHealth,
      geo: opts.geo,
      policy: opts.policy,
      clock: opts.clock,
      queue: this.queue,
      stream: this.stream,
      projection: this.incidents,
      ids: this.ids,
      knownCategories: opts.knownCategories,
      fusion: opts.fusion ?? createFusionPolicy(),
      alarms: this.videoAlarms,
      cameras: this.roster.cameras,
      ...(opts.maxGroupSteps ? { maxGroupSteps: opts.maxGroupSteps } : {}),
      ...(this.follower ? { follower: this.follower } : {}),
    });
    if (this.follower) {
      const incidents = (event: StoredEvent) => this.commands.installFollowed(event);
      this.follower.register('incident', incidents);
      this.follower.register('video_alarm', incidents);
      const units = (event: StoredEvent) => this.roster.installFollowed(event, (p) => this.withPosition(p));
      this.follower.register('camera', units);
      this.follower.register('patrol', units);
    }
  }

  /** several nodes on one store: installs what another node appended of `kind` (focus, alerts: their books) */
  follow(kind: EventKind, installer: FollowInstaller): void {
    this.follower?.register(kind, installer);
  }
  /** after every book has loaded: from here on other nodes' appends are installed as they commit */
  startFollowing(): void {
    this.follower?.start();
  }
  async stopFollowing(): Promise<void> {
    this.roster.stopFollowing();
    await this.follower?.stop();
  }
  /**
   * Several nodes: waits (at most `withinMs`) until memory has installed everything up to `seq`
   * — a client that saw it on another node resumes here then, instead of taking a snapshot.
   * Returns at once on a node alone with its store, or that is there already.
   */
  async reachSeq(seq: number, withinMs: number): Promise<void> {
    const follower = this.follower;
    if (!follower || this.seq >= seq) return;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, withinMs)));
    await Promise.race([this.queue.chain(() => follower.catchUp()).catch(() => undefined), late]);
    clearTimeout(timer);
  }

  /**
   * In the queue, before deciding a change on memory (focus, alerts, unit statuses): with several
   * nodes, memory first installs what the others committed, so that the decision sees it — a
   * second acknowledgement of an alert, or responders set on a focus another node ended, is then
   * refused as on one node. Nothing on a node alone; a store that does not answer here fails the
   * append that follows anyway.
   */
  async freshen(): Promise<void> {
    await this.follower?.catchUp().catch(() => undefined);
  }

  /** whether memory follows the log of a shared store, and how far (for /healthz and /metrics) */
  get following(): { applied: number; followed: number; failures: number } | null {
    return this.follower ? { applied: this.follower.applied, ...this.follower.totals } : null;
  }

  /** loads the current state from the store */
  static async open(opts: HubOptions): Promise<Hub> {
    const hub = new Hub(opts);
    await hub.load();
    return hub;
  }

  get seq(): number {
    return this.stream.seq;
  }
  /** this run's history id: sent in hello, the snapshot and resume answers */
  get historyId(): string {
    return this.identity.id;
  }
  /** whether a client of history `historyId` at `lastSeq` may be resumed rather than given a snapshot */
  resumableHistory(historyId: string | undefined, lastSeq: number): boolean {
    return this.identity.accepts(historyId, lastSeq);
  }
  /**
   * on a clean shutdown, once the queue is idle: lets the next start resume this run's clients
   * (history.ts). A store that cannot be written is logged, not thrown: its walls take a snapshot.
   */
  async recordHistory(): Promise<void> {
    try {
      await this.identity.record(this.opts.store, this.seq);
    } catch (error) {
      this.opts.log.warn('history id not recorded: clients will take a snapshot after the restart', { error: String(error) });
    }
  }
  get changeCounter(): number {
    return this.stream.changeCounter;
  }
  /** moves only when cases or AI alarms change: see DeltaStream.incidentCounter */
  get incidentCounter(): number {
    return this.stream.incidentCounter;
  }
  /** group commits so far, the changes they held, and how many wait for the next */
  get groupCommits(): { groups: number; changes: number; gathered: number } {
    return this.commands.groupFigures;
  }
  /** the store, its calls watched by storeHealth (a write that stalls or fails as unreachable tells it) */
  get store(): Store {
    return this.watchedStore;
  }
  /** starts the store's health watch (pings, stall checks); the app stops it on close */
  startWatchingStore(): void {
    this.storeHealth.start();
  }
  stopWatchingStore(): void {
    this.storeHealth.stop();
  }
  get geo(): GeoContext {
    return this.opts.geo;
  }
  get cameras(): ReadonlyMap<string, Camera> {
    return this.roster.cameras;
  }
  get patrols(): ReadonlyMap<string, Patrol> {
    return this.roster.patrols;
  }
  /** moves when the roster of patrols and cameras is loaded or replaced (not on status changes) */
  get rosterVersion(): number {
    return this.roster.rosterVersion;
  }
  get patrolsByIdx(): readonly Patrol[] {
    return this.roster.patrolsByIdx;
  }
  get positions(): PositionTracker {
    return this.positionIntake.tracker;
  }
  now(): number {
    return this.opts.clock();
  }

  onDelta(listener: (item: LoggedDelta) => void): () => void {
    return this.stream.onDelta(listener);
  }
  resumeSince(afterSeq: number, keep: (item: LoggedDelta) => boolean): Delta[] | null {
    return this.stream.since(afterSeq, keep);
  }
  onRosterLoaded(listener: () => void): () => void {
    return this.roster.onRosterLoaded(listener);
  }

  private async load(): Promise<void> {
    const { store, log } = this.opts;
    const since = this.now() - this.opts.memoryDays * 86_400_000;
    // First the seq, then the state: other nodes may write meanwhile, and the follower installs
    // everything after this seq — rows ahead of it are made to agree with it below.
    const lastSeq = await store.lastSeq();
    const [incidents, cameras, patrols, alarms] = await Promise.all([
      store.loadIncidents(since),
      store.loadCameras(),
      store.loadPatrols(),
      store.loadVideoAlarms(this.now() - ALARM_MEMORY_MS),
    ]);
    for (const alarm of alarms) this.videoAlarms.set(alarm);
    const entriesById = new Map<string, IncidentLogEntry[]>(incidents.map((i) => [i.id, []]));
    const minReported = incidents.reduce((m, i) => Math.min(m, i.reportedAt), Infinity);
    let afterSeq = 0;
    // Read the incident log in pages; keep only entries of incidents held in memory.
    for (;;) {
      const page = await store.readEvents({ kind: 'incident', afterSeq, toSeq: lastSeq, limit: 20_000, ...(Number.isFinite(minReported) ? { from: minReported } : {}) });
      for (const ev of page) {
        const list = entriesById.get(ev.aggregateId);
        if (list) list.push({ ...(ev.payload as EntryDraft), seq: ev.seq });
      }
      if (page.length < 20_000) break;
      afterSeq = page[page.length - 1]!.seq;
    }
    for (const incident of incidents) {
      const entries = entriesById.get(incident.id) ?? [];
      const state = this.follower ? asOfLoadedEntries(incident, entries) : incident;
      if (state) this.incidents.load(state, entries);
    }
    this.commands.indexLoaded();
    this.roster.install(cameras, patrols);
    this.stream.reset(lastSeq);
    this.follower?.reset(lastSeq);
    this.identity = this.follower ? await HistoryIdentity.ofSharedStore(store) : await HistoryIdentity.open(store, lastSeq);
    this.ids.seed(incidents.map((i) => i.id));
    log.info('hub state loaded', { incidents: incidents.length, cameras: cameras.length, patrols: patrols.length, seq: lastSeq, history: this.identity.id, continues: this.identity.predecessor?.id ?? null });
  }

  // ── incidents: trusted in-process sources (simulator, imports), and sources with a key ──

  /** `source`: the ingest key a source reported with — its report and its refusals are audited under the key */
  async report(input: unknown, idempotencyKey?: string, within?: string, source?: KeySender): Promise<ReportOutcome> {
    try {
      const [outcome] = await this.applyBatch([{ kind: 'report', input, ...(idempotencyKey ? { idempotencyKey } : {}), ...(within ? { within } : {}), ...(source ? { source } : {}) }]);
      return outcome!;
    } catch (error) {
      if (source) await this.auditRefusal(source, 'report', null, null, error);
      throw error;
    }
  }

  async command(incidentId: string, input: unknown, origin: CommandOrigin): Promise<Incident> {
    const [outcome] = await this.applyBatch([{ kind: 'command', incidentId, input, origin }]);
    return outcome!.incident;
  }

  /**
   * `quiet`: history and imports, thousands of steps in the past that no wall should replay one by
   * one; the writer calls resyncClients when it is done.
   */
  applyBatch(steps: readonly BatchStep[], opts: { quiet?: boolean } = {}): Promise<ReportOutcome[]> {
    return this.commands.applyBatch(steps, opts.quiet);
  }

  /**
   * After quiet writes: clients resuming from before them get a snapshot, and every connected
   * client is told to take one now (the `resync` event).
   */
  resyncClients(reason: string): void {
    this.stream.forgetResumable();
    for (const listener of this.resyncListeners) listener(reason);
  }

  onResync(listener: (reason: string) => void): () => void {
    this.resyncListeners.push(listener);
    return () => {
      this.resyncListeners = this.resyncListeners.filter((l) => l !== listener);
    };
  }

  /**
   * Marks open cases whose deadline passed. Not while history is being written or imported: the
   * sweep judges by the wall clock, and a case it marked "now" would refuse every backdated step
   * still to come for it (the log only grows forward).
   */
  sweepOverdue(): Promise<number> {
    if (this.backfills > 0) return Promise.resolve(0);
    return this.commands.sweepOverdue();
  }

  /** runs `write` (history, an import of backdated steps) with the overdue sweep held off */
  async backfill<T>(write: () => Promise<T>): Promise<T> {
    this.backfills++;
    try {
      return await write();
    } finally {
      this.backfills--;
    }
  }

  /** whether history or an import is being written now */
  get backfilling(): boolean {
    return this.backfills > 0;
  }

  // ── incidents: a signed-in person (authorised and audited) ──────────────────────────────

  async reportAs(by: Principal, input: unknown, idempotencyKey?: string): Promise<ReportOutcome> {
    try {
      const [outcome] = await this.applyBatch([{ kind: 'report', input, by, ...(idempotencyKey ? { idempotencyKey } : {}) }]);
      return outcome!;
    } catch (error) {
      await this.auditRefusal(by, 'report', null, null, error);
      throw error;
    }
  }

  async commandAs(by: Principal, incidentId: string, input: unknown): Promise<Incident> {
    try {
      const [outcome] = await this.applyBatch([{ kind: 'command', incidentId, input, by }]);
      return outcome!.incident;
    } catch (error) {
      const body = (input ?? {}) as { action?: unknown; note?: unknown };
      const action = typeof body.action === 'string' ? body.action.slice(0, 40) : '(unknown)';
      const note = typeof body.note === 'string' ? body.note.slice(0, 500) : null;
      await this.auditRefusal(by, action, this.incidents.get(incidentId)?.incident ?? null, note, error);
      throw error;
    }
  }

  /**
   * A refused step leaves a row too; a failing store must not hide the original error. Not when
   * the hub never looked at the step: the store was down, or the queue was full (HUB_BUSY) — an
   * audit write per refusal would load the store exactly when it is the bottleneck.
   */
  async auditRefusal(by: Audited, action: string, incident: Incident | null, reason: string | null, error: unknown, subject: string | null = null): Promise<void> {
    if (!(error instanceof HubError) || error.code === 'STORE_UNAVAILABLE' || error.code === 'HUB_BUSY') return;
    const who = { ...whoOf(by), regionPath: this.geo.path(isPerson(by) ? by.user.regionCode : by.regionCode) };
    try {
      await this.store.appendAudit([{ ...auditOfRefusal(who, action, this.now(), { code: error.code, message: error.message }, incident, reason), subject }]);
    } catch (auditError) {
      this.opts.log.error('audit of a refused command failed', { error: String(auditError) });
    }
  }

  // ── AI video alarms: raised by a platform, decided by a person ─────────────────────────

  /** a platform's alarm enters the confirm queue (idempotent on its externalRef); `source`, who sent it, is audited (refusals too) */
  async raiseVideoAlarm(input: unknown, within?: string, source?: Audited): Promise<AlarmOutcome> {
    try {
      const [outcome] = await this.commands.applyAlarmBatch([{ kind: 'alarm_raise', input, ...(within ? { within } : {}), ...(source ? { source } : {}) }]);
      return outcome!;
    } catch (error) {
      if (source) await this.auditRefusal(source, 'alarm_raise', null, null, error);
      throw error;
    }
  }

  /** trusted sources (simulator, imports): raise and decide in one batch, or decide later */
  applyAlarmBatch(steps: readonly AlarmSteps[], opts: { quiet?: boolean } = {}): Promise<AlarmOutcome[]> {
    return this.commands.applyAlarmBatch(steps, opts.quiet);
  }

  async decideVideoAlarmAs(by: Principal, alarmId: string, input: unknown): Promise<AlarmOutcome> {
    try {
      const outcomes = await this.commands.applyAlarmBatch([{ kind: 'alarm_decide', alarmId, input, by }]);
      return outcomes[outcomes.length - 1]!;
    } catch (error) {
      const action = (input as { action?: unknown } | null)?.action;
      await this.auditRefusal(by, `alarm_${typeof action === 'string' ? action.slice(0, 20) : 'decide'}`, null, null, error, alarmId);
      throw error;
    }
  }

  // ── cameras, patrols, positions ──────────────────────────────────────────────────────────

  loadRoster(cameras: readonly Camera[], patrols: readonly Patrol[]): Promise<void> {
    return this.roster.loadRoster(cameras, patrols);
  }
  /** `within` (here and below): a source scoped to a region (an ingest key) sends for its own units only */
  updateCameras(input: unknown, within?: string): Promise<Camera[]> {
    return this.roster.updateCameras(input, within);
  }
  updatePatrolStatuses(input: unknown, within?: string): Promise<Patrol[]> {
    return this.roster.updatePatrolStatuses(input, (p) => this.withPosition(p), within);
  }
  /** a JSON batch: per position `{positions}` or columnar `{patrolIds, lng, lat, at}` */
  ingestPositions(input: unknown, within?: string): { accepted: number; ignored: number } {
    return this.positionIntake.ingest(input, this.scopeOf(within));
  }
  /** a binary batch (shared/binary/positionsBatch.ts) */
  ingestPositionsBinary(body: ArrayBufferView, within?: string): { accepted: number; ignored: number } {
    return this.positionIntake.ingestBinary(body, this.scopeOf(within));
  }
  private scopeOf(within: string | undefined) {
    return within ? { region: within, pathOf: (grid: string) => this.geo.path(grid) } : undefined;
  }
  withPosition(p: Patrol): Patrol {
    return this.positionIntake.withPosition(p);
  }

  /** forgets closed incidents older than the memory window */
  pruneMemory(): number {
    this.videoAlarms.prune(this.now());
    return this.incidents.prune(this.now() - this.opts.memoryDays * 86_400_000);
  }
}

export { layerOf };
