/**
 * The console's own copy of the live incidents (the wall's stores are left alone): open cases of
 * the user's region plus those closed or rejected in the last 24 h, as the snapshot carries them,
 * kept current by deltas and by the incidents that command acknowledgements return. The Map is
 * not reactive; components watch `version`. It owns the stream's sequence number, and hands the
 * AI video alarms of the same stream (snapshot `videoAlarms`, `videoAlarm:updated`) to the alarms
 * store, the focuses (`focuses`, `focus:changed`) to the focus store and the alerts (`alerts`,
 * `alert:changed`) to the alerts store, all under the same rule: a delta whose seq is not newer
 * is dropped.
 */
import { defineStore } from 'pinia';
import { markRaw, ref, shallowRef } from 'vue';
import type { Hello } from '@shared/events';
import type { Catalog } from '@shared/schemas/catalog';
import { TERMINAL_STAGES, type Incident } from '@shared/schemas/incident';
import { decodeSubscribeResult } from '@shared/binary/snapshotGzip';
import { HubStatus, type Delta, type LayerDetail, type SubscribeResult } from '@shared/schemas/live';
import type { Region } from '@shared/schemas/region';
import { pathAt } from '../queue';
import { useConsoleAlarms } from './alarms';
import { useConsoleAlerts } from './alerts';
import { useConsoleFocus } from './focus';

export const RECENT_TERMINAL_MS = 86_400_000;

export type ConsoleStatus = 'connecting' | 'live' | 'offline';

export interface ConsoleProblem {
  code: string;
  message: string;
}

export const useConsoleQueue = defineStore('console-queue', () => {
  const alarms = useConsoleAlarms();
  const focus = useConsoleFocus();
  const alerts = useConsoleAlerts();
  const byId = markRaw(new Map<string, Incident>());
  const version = ref(0);
  /** last reliable sequence number applied; null before the first snapshot */
  const seq = ref<number | null>(null);
  /** the history `seq` belongs to, sent with it: the hub resumes only within it (server/hub/history.ts) */
  const historyId = ref<string | null>(null);
  const region = shallowRef<Region | null>(null);
  const regions = markRaw(new Map<string, Region>());
  const regionsVersion = ref(0);
  /** how the hub sends this region's items: the console asks for every case (fullLayers), up to the hub's ceiling */
  const detail = shallowRef<LayerDetail | null>(null);
  const catalog = shallowRef<Catalog | null>(null);
  const serverOffsetMs = ref(0);
  const status = ref<ConsoleStatus>('connecting');
  const problem = shallowRef<ConsoleProblem | null>(null);

  function serverNow(clientNow = Date.now()): number {
    return clientNow + serverOffsetMs.value;
  }

  /** whether the hub takes changes (hello, then `hub:status`); null: not said. Its steps wait while it does not */
  const hubStatus = shallowRef<HubStatus | null>(null);

  function hello(h: Hello, clientNow = Date.now()): void {
    serverOffsetMs.value = h.serverTime - clientNow;
    setHubStatus(h.status);
  }

  /** the hub's word on writes; anything that does not parse is ignored */
  function setHubStatus(raw: unknown): void {
    const parsed = HubStatus.safeParse(raw);
    hubStatus.value = parsed.success ? parsed.data : null;
  }

  /** live again only once the (re)subscription is answered */
  function setConnected(connected: boolean): void {
    status.value = connected ? 'connecting' : 'offline';
  }

  function setProblem(p: ConsoleProblem | null): void {
    problem.value = p;
  }

  /** stores a newer version of a case; false when it holds that version or a newer one already */
  function upsert(incident: Incident): boolean {
    const before = byId.get(incident.id);
    if (before && before.version >= incident.version) return false;
    byId.set(incident.id, incident);
    version.value++;
    return true;
  }

  /** a reliable delta; false when its seq is not newer than what was applied (a replay) */
  function applyDelta(delta: Delta): boolean {
    if (seq.value !== null && delta.seq <= seq.value) return false;
    seq.value = delta.seq;
    if (delta.type === 'incident:reported' || delta.type === 'incident:updated') upsert(delta.incident);
    else if (delta.type === 'videoAlarm:updated') alarms.upsert(delta.alarm);
    else if (delta.type === 'focus:changed') focus.applyDelta(delta);
    else if (delta.type === 'alert:changed') alerts.upsert(delta.alert);
    return true;
  }

  function applySubscribeResult(answer: SubscribeResult, clientNow = Date.now()): void {
    const result = decodeSubscribeResult(answer);
    if (result.mode === 'snapshot') {
      const s = result.snapshot;
      byId.clear();
      for (const i of s.incidents) byId.set(i.id, i);
      alarms.applySnapshot(s.videoAlarms);
      focus.applySnapshot(s.focuses);
      alerts.applySnapshot(s.alerts);
      regions.clear();
      for (const r of s.regions) regions.set(r.code, r);
      region.value = s.region;
      catalog.value = s.catalog;
      detail.value = s.detail;
      seq.value = s.seq;
      historyId.value = s.historyId ?? null;
      serverOffsetMs.value = s.serverTime - clientNow;
      version.value++;
      regionsVersion.value++;
    } else {
      for (const d of result.deltas) applyDelta(d);
      if (seq.value === null || result.seq > seq.value) seq.value = result.seq;
      if (result.historyId) historyId.value = result.historyId;
    }
    problem.value = null;
    status.value = 'live';
  }

  /** forgets cases closed or rejected more than 24 h ago (a fresh snapshot would not carry them) */
  function prune(now = serverNow()): number {
    let removed = 0;
    for (const [id, i] of byId) {
      if (TERMINAL_STAGES.includes(i.stage) && i.updatedAt < now - RECENT_TERMINAL_MS) {
        byId.delete(id);
        removed++;
      }
    }
    if (removed) version.value++;
    alarms.prune(now);
    alerts.prune(now);
    return removed;
  }

  /** a new session starts from nothing: another user may see another region */
  function reset(): void {
    byId.clear();
    regions.clear();
    alarms.reset();
    focus.reset();
    alerts.reset();
    seq.value = null;
    historyId.value = null;
    region.value = null;
    catalog.value = null;
    problem.value = null;
    status.value = 'connecting';
    version.value++;
    regionsVersion.value++;
  }

  function regionName(code: string | null | undefined): string {
    void regionsVersion.value; // the Map is not reactive: depend on its version
    return code ? regions.get(code)?.name ?? code : '';
  }

  /** the street a case or an alarm lies in ('' when the tree does not say) */
  function streetName(at: { regionPath: readonly string[] }): string {
    return regionName(pathAt(at.regionPath, regions, 'street'));
  }

  /** a queue line's place: the grid, then its street when that is another region */
  function gridAndStreet(at: { regionPath: readonly string[]; gridCode: string }): string {
    const street = streetName(at);
    const grid = regionName(at.gridCode);
    return street && street !== grid ? `${grid} · ${street}` : grid;
  }

  /** an alert's place: the last region of its path, then its street when that is another region */
  function alertPlace(at: { regionPath: readonly string[] }): string {
    const street = streetName(at);
    const last = at.regionPath[at.regionPath.length - 1];
    const here = last ? regionName(last) : '';
    return street && street !== here ? `${here} · ${street}` : here || street;
  }

  return {
    byId,
    version,
    seq,
    historyId,
    region,
    regions,
    regionsVersion,
    detail,
    catalog,
    serverOffsetMs,
    status,
    problem,
    hubStatus,
    setHubStatus,
    serverNow,
    hello,
    setConnected,
    setProblem,
    upsert,
    applyDelta,
    applySubscribeResult,
    prune,
    reset,
    regionName,
    streetName,
    gridAndStreet,
    alertPlace,
  };
});
