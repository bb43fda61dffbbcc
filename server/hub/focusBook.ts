/**
 * The focuses that stand now (issue 16 part 2): a signed-in operator, or a rule, puts the walls of
 * a region on one case. Each change is an event in the log (kind `focus`, the whole Focus as its
 * payload) written through the hub's serial queue, then a reliable `focus:changed` delta routed by
 * home region (LoggedDelta.homes). A restart reads the focus events back; what stood still stands.
 *
 * At most one focus per region: a new one on the same region replaces it (the walls move on).
 */
import { randomUUID } from 'node:crypto';
import { roleAllows, withinRegion } from '@shared/access';
import { HubError } from '@shared/errors';
import type { Actor } from '@shared/schemas/common';
import { FOCUS_MAX_CAMERAS, FocusEndRequest, FocusRespondersRequest, FocusStartRequest, type Focus, type FocusCamera, type FocusTimelineItem, type FocusTrack } from '@shared/schemas/focus';
import type { Incident } from '@shared/schemas/incident';
import type { Patrol } from '@shared/schemas/patrol';
import { parseOrThrow } from '@shared/validate';
import { focusHomes, responderOf, timelineOfStep, trackOf, withTimelineItem } from '../domain/coordination/focus';
import type { EtaSettings } from '../domain/nearby';
import type { Logger } from '../lib/log';
import type { NewAuditRecord, StoredEvent } from '../store/types';
import { actorOf, auditOfChange, type Principal } from './audit';
import type { Hub } from './hub';
import type { NearbyFinder } from './nearbyFinder';

/** a rule acting on its own (server/domain/rules): not a person, audited by the rule's id */
export interface RuleActor {
  rule: { id: string; name: string };
}
export type FocusActor = Principal | RuleActor;

/** how many patrols a focus tracks when the operator names none: the nearest on duty */
export const DEFAULT_RESPONDERS = 3;

export class FocusBook {
  private readonly byId = new Map<string, Focus>();

  constructor(
    private readonly hub: Hub,
    private readonly nearby: NearbyFinder,
    private readonly eta: EtaSettings,
    private readonly log: Logger,
  ) {
    hub.follow('focus', (event) => this.installFollowed(event));
  }

  /** a focus event another hub node wrote (logFollower.ts): memory, then the same delta */
  private installFollowed(event: StoredEvent): void {
    if (event.type === 'ended') {
      const focus = this.byId.get(event.aggregateId);
      this.byId.delete(event.aggregateId);
      if (focus) this.publish(event.seq, focus, null);
      return;
    }
    const focus = event.payload as Focus;
    this.byId.set(focus.id, focus);
    this.publish(event.seq, focus, focus);
  }

  /** every focus that stands, as the log last wrote it */
  async load(): Promise<void> {
    let afterSeq = 0;
    for (;;) {
      // up to the seq memory stands at: what comes after, a node following the log installs from there
      const page = await this.hub.store.readEvents({ kind: 'focus', afterSeq, toSeq: this.hub.seq, limit: 5_000 });
      for (const ev of page) {
        if (ev.type === 'ended') this.byId.delete(ev.aggregateId);
        else this.byId.set(ev.aggregateId, ev.payload as Focus);
      }
      if (page.length < 5_000) break;
      afterSeq = page[page.length - 1]!.seq;
    }
    // written before `reaches` was kept (a development store): worked out from the case
    for (const [id, f] of this.byId) if (!Array.isArray(f.reaches)) this.byId.set(id, { ...f, reaches: focusHomes(this.casePath(f), f.regionCode) });
    if (this.byId.size > 0) this.log.info('focuses standing', { count: this.byId.size });
  }

  get(focusId: string): Focus | undefined {
    return this.byId.get(focusId);
  }

  list(): Focus[] {
    return [...this.byId.values()];
  }

  /**
   * the focuses a client whose home is `home` is told of: those on a case in its home region (a
   * wall enters those whose `reaches` holds its home; a desk follows all of them)
   */
  forHome(home: string): Focus[] {
    return this.list().filter((f) => this.casePath(f).includes(home));
  }

  /** the focuses a signed-in user may see and act on: inside their region */
  forUser(regionCode: string): Focus[] {
    return this.list().filter((f) => withinRegion(regionCode, this.hub.geo.path(f.regionCode)));
  }

  /** the focus on a case, if one stands (a rule does not focus twice on one case) */
  onIncident(incidentId: string): Focus | undefined {
    return this.list().find((f) => f.incidentId === incidentId);
  }

  async start(by: FocusActor, input: unknown, extra: { endsWithAlert?: string | null } = {}): Promise<Focus> {
    return this.audited(by, 'focus_start', input, () => this.startUnaudited(by, input, extra));
  }

  async end(by: FocusActor, input: unknown, reason: string | null = null): Promise<{ focusId: string }> {
    return this.audited(by, 'focus_end', input, () => this.endUnaudited(by, input, reason));
  }

  async setResponders(by: Principal, input: unknown): Promise<Focus> {
    return this.audited(by, 'focus_responders', input, () => this.setRespondersUnaudited(by, input));
  }

  /** a person's refused focus command leaves an audit row of its own, as refused case steps do */
  private async audited<T>(by: FocusActor, action: string, input: unknown, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      if ('user' in by) {
        const body = (input ?? {}) as { incidentId?: unknown; focusId?: unknown };
        const focus = typeof body.focusId === 'string' ? this.byId.get(body.focusId) : undefined;
        const incidentId = typeof body.incidentId === 'string' ? body.incidentId : focus?.incidentId;
        const incident = incidentId ? (this.hub.incidents.get(incidentId)?.incident ?? null) : null;
        await this.hub.auditRefusal(by, action, incident, null, error, typeof body.focusId === 'string' ? body.focusId.slice(0, 64) : null);
      }
      throw error;
    }
  }

  private async startUnaudited(by: FocusActor, input: unknown, extra: { endsWithAlert?: string | null }): Promise<Focus> {
    const request = parseOrThrow(FocusStartRequest, input, 'focus request');
    const incident = this.hub.incidents.get(request.incidentId)?.incident;
    if (!incident) throw new HubError('NOT_FOUND', `No case ${request.incidentId} is held by the hub (open, or closed in the last days).`);
    const regionCode = request.regionCode ?? ('user' in by ? by.user.regionCode : incident.regionPath[0]!);
    if (!incident.regionPath.includes(regionCode)) {
      throw new HubError('FORBIDDEN_REGION', `Case ${incident.id} is not in region ${regionCode}: focus the walls of a region that holds the case.`);
    }
    if ('user' in by) this.authorise(by, this.hub.geo.path(regionCode));
    const scope = 'user' in by ? by.user.regionCode : undefined;
    // the nearest units, found before taking the queue (the index may be rebuilt meanwhile)
    const found = await this.nearby.find({
      lng: incident.location.lng,
      lat: incident.location.lat,
      incidentId: incident.id,
      patrols: DEFAULT_RESPONDERS,
      radiusM: 5_000,
      cameras: FOCUS_MAX_CAMERAS,
      cameraRadiusM: 500,
      region: scope,
    });
    const responderIds = request.responders ?? found.patrols.map((p) => p.id);
    const responders = this.respondersOf(responderIds);
    const cameras = found.cameras
      .slice(0, FOCUS_MAX_CAMERAS)
      .map((c): FocusCamera => ({
        cameraId: c.id,
        name: c.name,
        lng: c.lng,
        lat: c.lat,
        heading: c.heading,
        fovDeg: c.fovDeg,
        sees: c.sees,
        distanceM: c.distanceM,
        status: c.status,
        streamUrl: this.hub.cameras.get(c.id)?.streamUrl ?? null,
      }));
    return this.hub.queue.run(async () => {
      await this.hub.freshen(); // several nodes: decided on what the others did up to now
      const at = this.hub.now();
      const startedBy = 'user' in by ? { kind: 'operator' as const, id: by.user.username, name: by.user.displayName } : { kind: 'rule' as const, id: by.rule.id, name: by.rule.name };
      const focus: Focus = {
        id: `F-${randomUUID()}`,
        regionCode,
        reaches: focusHomes(incident.regionPath, regionCode),
        incidentId: incident.id,
        title: incident.title,
        category: incident.category,
        severity: incident.severity,
        lng: incident.location.lng,
        lat: incident.location.lat,
        startedAt: at,
        startedBy,
        endsWithAlert: extra.endsWithAlert ?? null,
        responders,
        cameras,
        timeline: [{ at, kind: 'focus_started', actor: startedBy.name, action: null, text: responders.map((r) => r.name).join('、') || null }],
      };
      // one focus per region: the one it replaces ends in the same append
      const replaced = this.list().filter((f) => f.regionCode === regionCode);
      const events = [
        ...replaced.map((f) => this.event(f.id, 'ended', by, at, { focusId: f.id, replacedBy: focus.id })),
        this.event(focus.id, 'started', by, at, focus),
      ];
      const audit = 'user' in by ? [this.audit(by, 'focus_start', incident, focus.id, at, null)] : [];
      const stored = await this.hub.store.append(events, {}, undefined, audit.map((a) => ({ ...a, eventIndex: events.length - 1 })));
      replaced.forEach((f, i) => {
        this.byId.delete(f.id);
        this.publish(stored[i]!.seq, f, null);
      });
      this.byId.set(focus.id, focus);
      this.publish(stored[stored.length - 1]!.seq, focus, focus);
      return focus;
    });
  }

  private async endUnaudited(by: FocusActor, input: unknown, reason: string | null): Promise<{ focusId: string }> {
    const { focusId } = parseOrThrow(FocusEndRequest, input, 'focus end request');
    return this.hub.queue.run(async () => {
      await this.hub.freshen(); // several nodes: decided on what the others did up to now
      const focus = this.byId.get(focusId);
      if (!focus) throw new HubError('UNKNOWN_FOCUS', `No focus ${focusId} stands now; it may have ended already.`);
      if ('user' in by) this.authorise(by, this.hub.geo.path(focus.regionCode));
      const at = this.hub.now();
      const incident = this.hub.incidents.get(focus.incidentId)?.incident ?? null;
      const audit = 'user' in by ? [{ ...this.audit(by, 'focus_end', incident, focus.id, at, reason), regionPath: this.casePath(focus) }] : [];
      const [stored] = await this.hub.store.append([this.event(focus.id, 'ended', by, at, { focusId, reason })], {}, undefined, audit.map((a) => ({ ...a, eventIndex: 0 })));
      this.byId.delete(focusId);
      this.publish(stored!.seq, focus, null);
      return { focusId };
    });
  }

  private async setRespondersUnaudited(by: Principal, input: unknown): Promise<Focus> {
    const request = parseOrThrow(FocusRespondersRequest, input, 'responders request');
    return this.hub.queue.run(async () => {
      await this.hub.freshen(); // several nodes: decided on what the others did up to now
      const focus = this.byId.get(request.focusId);
      if (!focus) throw new HubError('UNKNOWN_FOCUS', `No focus ${request.focusId} stands now; it may have ended already.`);
      this.authorise(by, this.hub.geo.path(focus.regionCode));
      const responders = this.respondersOf(request.responders);
      const at = this.hub.now();
      const item: FocusTimelineItem = { at, kind: 'responders_changed', actor: by.user.displayName, action: null, text: responders.map((r) => r.name).join('、') || null };
      const next = withTimelineItem({ ...focus, responders }, item);
      const incident = this.hub.incidents.get(focus.incidentId)?.incident ?? null;
      const audit = { ...this.audit(by, 'focus_responders', incident, focus.id, at, item.text), regionPath: this.casePath(focus), eventIndex: 0 };
      const [stored] = await this.hub.store.append([this.event(focus.id, 'changed', by, at, next)], {}, undefined, [audit]);
      this.byId.set(focus.id, next);
      this.publish(stored!.seq, next, next);
      return next;
    });
  }

  /** something happened that belongs on the timeline of every focus on this case (a step, an alert) */
  note(incidentId: string, item: FocusTimelineItem): void {
    const focuses = this.list().filter((f) => f.incidentId === incidentId);
    if (focuses.length === 0) return;
    this.hub.queue
      .run(async () => {
        const current = focuses.map((f) => this.byId.get(f.id)).filter((f): f is Focus => f !== undefined);
        if (current.length === 0) return;
        const next = current.map((f) => withTimelineItem(f, item));
        const actor: Actor = { kind: 'system', id: 'focus' };
        const stored = await this.hub.store.append(next.map((f) => ({ kind: 'focus' as const, aggregateId: f.id, type: 'changed', at: item.at, actor, payload: f })), {});
        next.forEach((f, i) => {
          this.byId.set(f.id, f);
          this.publish(stored[i]!.seq, f, f);
        });
      })
      .catch((error: unknown) => this.log.warn('a focus timeline item was not written', { incidentId, error: String(error) }));
  }

  /** a step of a focused case: onto its timeline */
  noteStep(incident: Incident, entry: Parameters<typeof timelineOfStep>[0]): void {
    if (entry.type === 'reported') return;
    if (this.onIncident(incident.id)) this.note(incident.id, timelineOfStep(entry));
  }

  /** each focus's responders now, and the home regions to send it to (those that hold the place) */
  tracks(): { homes: string[]; track: FocusTrack }[] {
    const at = this.hub.now();
    const current = (id: string): Patrol | undefined => {
      const p = this.hub.patrols.get(id);
      return p && this.hub.withPosition(p);
    };
    return this.list().map((f) => ({ homes: this.casePath(f), track: trackOf(f, at, current, this.eta) }));
  }

  private respondersOf(ids: readonly string[]): Focus['responders'] {
    return [...new Set(ids)].map((id) => {
      const patrol = this.hub.patrols.get(id);
      if (!patrol) throw new HubError('UNKNOWN_PATROL', `No patrol has the id ${id}; the focus was not changed.`);
      return responderOf(patrol, this.eta);
    });
  }

  private casePath(focus: Focus): string[] {
    const incident = this.hub.incidents.get(focus.incidentId)?.incident;
    if (incident) return [...incident.regionPath];
    // a case forgotten by memory (closed long ago): its focus still reaches the focus region's walls
    return [...this.hub.geo.path(focus.regionCode)];
  }

  private authorise(by: Principal, regionPath: readonly string[]): void {
    if (!roleAllows(by.user.role, 'focus')) throw new HubError('FORBIDDEN_ROLE', `A ${by.user.role} may not focus the walls; an operator or above may.`);
    if (!withinRegion(by.user.regionCode, regionPath)) {
      throw new HubError('FORBIDDEN_REGION', `Those walls lie outside your region (${by.user.regionCode}).`);
    }
  }

  private event(focusId: string, type: 'started' | 'changed' | 'ended', by: FocusActor, at: number, payload: unknown) {
    const actor: Actor = 'user' in by ? actorOf(by.user) : { kind: 'system', id: `rule:${by.rule.id}`.slice(0, 64), name: by.rule.name.slice(0, 80) };
    return { kind: 'focus' as const, aggregateId: focusId, type, at, actor, payload };
  }

  private audit(by: Principal, action: string, incident: Incident | null, focusId: string, at: number, reason: string | null): NewAuditRecord {
    return auditOfChange(by, action, at, { subject: focusId, reason, regionPath: incident?.regionPath ?? [], incident });
  }

  private publish(seq: number, focus: Focus, now: Focus | null): void {
    const path = this.casePath(focus);
    this.hub.stream.publish({
      delta: { type: 'focus:changed', seq, focusId: focus.id, regionCode: focus.regionCode, focus: now },
      path,
      layer: 'incidents',
      // every client whose home holds the place: the walls the focus reaches, and the desks above them
      homes: path,
    });
  }
}
