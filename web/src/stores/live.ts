/**
 * The connection and what the wall is subscribed to: status, data age, clock offset, sequence
 * number, the region tree and the label catalogue. The transport (socket.ts) binds itself here so
 * that drill-down and the tour can call `subscribe(code)` without knowing about Socket.IO.
 */
import { defineStore } from 'pinia';
import { markRaw, ref, shallowRef } from 'vue';
import type { Hello } from '@shared/events';
import type { Me } from '@shared/schemas/auth';
import type { Catalog } from '@shared/schemas/catalog';
import { HubStatus, LAYERS, type Layer, type LayerDetail, type Snapshot } from '@shared/schemas/live';
import type { Region } from '@shared/schemas/region';
import { DEFAULT_CONFIG } from '../config';

export type LiveStatus = 'connecting' | 'live' | 'stale' | 'offline';

export interface LiveTransport {
  subscribe(regionCode: string): void;
  /** `alert:acknowledge` as this connection's user; resolves true when the hub took it */
  acknowledgeAlert?(alertId: string): Promise<boolean>;
}

export interface LiveProblem {
  code: string;
  message: string;
}

export const useLiveStore = defineStore('live', () => {
  const status = ref<LiveStatus>('connecting');
  const connected = ref(false);
  /** a subscription is answered and the stores hold its data */
  const subscribed = ref(false);
  /** client clock (Date.now()) of the last data that arrived: delta, statistics or positions */
  const lastDataAt = ref<number | null>(null);
  /** client clock of the last thing heard from the hub, its heartbeat included */
  const lastHeardAt = ref<number | null>(null);
  /** server clock − client clock, from round trips (clockSync.ts) once measured; from the hello until then */
  const serverOffsetMs = ref(0);
  /** the round trip of the sample the offset comes from; null before the first */
  const clockRoundTripMs = ref<number | null>(null);
  /** last reliable sequence number applied; null before the first snapshot */
  const seq = ref<number | null>(null);
  /**
   * the history `seq` belongs to (from the snapshot or resume answer that brought it), sent with
   * lastSeq: the hub resumes only within it. Not taken from hello: a hub that restarted cleanly
   * still resumes its predecessor's clients, and it alone knows (server/hub/history.ts)
   */
  const historyId = ref<string | null>(null);
  const region = shallowRef<Region | null>(null);
  /** the subscribed region, its ancestors and descendants; non-reactive, watch regionsVersion */
  const regions = markRaw(new Map<string, Region>());
  const regionsVersion = ref(0);
  /** every region any snapshot named, kept across subscriptions (names of places outside the region on screen); bounded by the region tree */
  const regionNames = markRaw(new Map<string, Pick<Region, 'code' | 'name' | 'nameEn'>>());
  const rootCode = ref<string | null>(null);
  const catalog = shallowRef<Catalog | null>(null);
  const layers = ref<Layer[]>([...LAYERS]);
  /** how the hub sends each item layer for the subscribed region (items, or counts per area); null before a snapshot */
  const detail = shallowRef<LayerDetail | null>(null);
  /** the region the wall wants (survives reconnects); null = the hub's root region */
  const wantedRegion = ref<string | null>(null);
  const node = ref<string | null>(null);
  /** the centre's name as the hub is configured (CENTRE_NAME) */
  const centreName = ref<string | null>(null);
  const problem = shallowRef<LiveProblem | null>(null);
  /** who the hub says this connection acts as; null before the first hello */
  const me = shallowRef<Me | null>(null);
  /** failed connection attempts since the last success */
  const reconnectAttempts = ref(0);
  /**
   * whether the hub takes changes (hello, then `hub:status`): while its database does not answer,
   * writes are refused and the wall says so; what it shows is still live. null: not said (older hub)
   */
  const hubStatus = shallowRef<HubStatus | null>(null);

  let staleAfterMs = DEFAULT_CONFIG.staleAfterMs;
  let lostAfterMs = DEFAULT_CONFIG.lostAfterMs;
  let transport: LiveTransport | null = null;

  function serverNow(clientNow = Date.now()): number {
    return clientNow + serverOffsetMs.value;
  }

  /**
   * Recompute the status from the facts; called on every event and once a second. The hub sends a
   * heartbeat every second: silence past `staleAfterMs` is "data delayed" (with its age), past
   * `lostAfterMs` "connection lost" — even while the transport still calls the socket connected
   * (a frozen hub keeps its TCP connection; Socket.IO's ping gives up only after 45 s).
   */
  function evaluate(clientNow = Date.now()): LiveStatus {
    let next: LiveStatus;
    // data counts as hearing from the hub (markData sets both)
    const heard = lastHeardAt.value ?? -Infinity;
    if (!connected.value || !subscribed.value) next = lastDataAt.value === null ? 'connecting' : 'offline';
    else if (clientNow - heard > lostAfterMs) next = 'offline';
    else if (clientNow - heard > staleAfterMs) next = 'stale';
    else next = 'live';
    if (status.value !== next) status.value = next;
    return next;
  }

  function markData(clientNow = Date.now()): void {
    lastDataAt.value = clientNow;
    lastHeardAt.value = clientNow;
    if (status.value !== 'live') evaluate(clientNow);
  }

  /** the hub's heartbeat, or any answer: alive, whether or not there was data */
  function markHeard(clientNow = Date.now()): void {
    lastHeardAt.value = clientNow;
    if (status.value !== 'live') evaluate(clientNow);
  }

  /** a measured clock offset (clockSync.ts) replaces any estimate */
  function setClock(offsetMs: number, roundTripMs: number): void {
    serverOffsetMs.value = offsetMs;
    clockRoundTripMs.value = roundTripMs;
  }

  function setConnected(value: boolean, clientNow = Date.now()): void {
    connected.value = value;
    if (!value) subscribed.value = false;
    else reconnectAttempts.value = 0;
    evaluate(clientNow);
  }

  function noteReconnectAttempt(): void {
    reconnectAttempts.value++;
  }

  function hello(h: Hello, clientNow = Date.now()): void {
    rootCode.value = h.rootRegion;
    node.value = h.node;
    centreName.value = h.centreName || null;
    me.value = h.me ?? null;
    setHubStatus(h.status);
    // a first estimate (a hello is small and quick); the round trips that follow replace it
    if (clockRoundTripMs.value === null) serverOffsetMs.value = h.serverTime - clientNow;
    markHeard(clientNow);
  }

  /** the hub's word on writes; anything that does not parse is ignored (inbound data is unknown) */
  function setHubStatus(raw: unknown): void {
    const parsed = HubStatus.safeParse(raw);
    hubStatus.value = parsed.success ? parsed.data : null;
  }

  function applySnapshot(s: Snapshot, clientNow = Date.now()): void {
    seq.value = s.seq;
    historyId.value = s.historyId ?? null;
    region.value = s.region;
    catalog.value = s.catalog;
    layers.value = [...s.layers];
    detail.value = s.detail;
    regions.clear();
    for (const r of s.regions) {
      regions.set(r.code, r);
      if (r.level !== 'grid') regionNames.set(r.code, { code: r.code, name: r.name, nameEn: r.nameEn });
    }
    regionsVersion.value++;
    problem.value = null;
    subscribed.value = true;
    markData(clientNow);
    evaluate(clientNow);
  }

  /** after a resume: the deltas are applied, the subscription holds again */
  function resumed(toSeq: number, clientNow = Date.now(), history?: string): void {
    if (seq.value === null || toSeq > seq.value) seq.value = toSeq;
    if (history) historyId.value = history;
    problem.value = null;
    subscribed.value = true;
    markData(clientNow);
    evaluate(clientNow);
  }

  function setProblem(p: LiveProblem | null): void {
    problem.value = p;
  }

  function configure(opts: { staleAfterMs?: number; lostAfterMs?: number }): void {
    if (opts.staleAfterMs) staleAfterMs = opts.staleAfterMs;
    if (opts.lostAfterMs) lostAfterMs = opts.lostAfterMs;
    lostAfterMs = Math.max(lostAfterMs, staleAfterMs);
  }

  function bindTransport(t: LiveTransport | null): void {
    transport = t;
  }

  /** drill down (or back up): the transport resubscribes and the stores receive a snapshot */
  function subscribe(regionCode: string): void {
    wantedRegion.value = regionCode;
    transport?.subscribe(regionCode);
  }

  /** says on the hub that a person saw the alert (needs a signed-in operator) */
  function acknowledgeAlert(alertId: string): Promise<boolean> {
    return transport?.acknowledgeAlert?.(alertId) ?? Promise.resolve(false);
  }

  /** the region code to subscribe to now */
  function targetRegion(): string | null {
    return wantedRegion.value ?? rootCode.value;
  }

  function childrenOf(code: string): Region[] {
    const out: Region[] = [];
    for (const r of regions.values()) if (r.parentCode === code) out.push(r);
    return out.sort((a, b) => a.code.localeCompare(b.code));
  }

  /** one interval re-evaluates the status; returns the function that stops it */
  function startWatchdog(periodMs = 1000): () => void {
    const timer = setInterval(() => evaluate(), periodMs);
    return () => clearInterval(timer);
  }

  return {
    status,
    connected,
    subscribed,
    lastDataAt,
    lastHeardAt,
    serverOffsetMs,
    clockRoundTripMs,
    seq,
    historyId,
    region,
    regions,
    regionsVersion,
    regionNames,
    rootCode,
    catalog,
    layers,
    detail,
    wantedRegion,
    node,
    centreName,
    problem,
    me,
    reconnectAttempts,
    hubStatus,
    setHubStatus,
    serverNow,
    evaluate,
    markData,
    markHeard,
    setClock,
    setConnected,
    noteReconnectAttempt,
    hello,
    applySnapshot,
    resumed,
    setProblem,
    configure,
    bindTransport,
    subscribe,
    acknowledgeAlert,
    targetRegion,
    childrenOf,
    startWatchdog,
  };
});
