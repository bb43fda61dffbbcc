/**
 * Incidents of the subscribed region: open ones plus those closed or rejected in the last 24 h
 * (what a snapshot carries), kept current by deltas. The collection is a non-reactive Map with a
 * `version` counter; components watch the counter, not the Map. Everything is bounded: closed
 * cases leave after 24 h, the ticker holds 50 lines, heat points older than 7 days are dropped.
 */
import { defineStore } from 'pinia';
import { markRaw, ref, shallowRef } from 'vue';
import type { Incident, IncidentLogEntry, LogEntryType, Stage } from '@shared/schemas/incident';
import { HEAT_STRIDE, type Delta, type Detail, type Snapshot } from '@shared/schemas/live';

export const TICKER_CAP = 50;
export const HEAT_WINDOW_MS = 7 * 86_400_000;
export const RECENT_TERMINAL_MS = 86_400_000;
/** a hard ceiling so that a runaway feed cannot exhaust the kiosk's memory */
export const INCIDENTS_CAP = 50_000;
/**
 * Where the hub summarises the incidents layer (a region too large to hold case by case) the
 * store keeps what the snapshot carried — the notable cases — and what deltas bring, up to this
 * many: the terminal ones leave first, then the open ones that are neither serious nor overdue.
 */
export const SUMMARY_CAP = 1_000;

/** a case the wall keeps even in a summarised region: open and serious, overdue or supervised */
export function isNotable(incident: Incident): boolean {
  return isOpen(incident) && (incident.severity >= 3 || incident.overdue || incident.supervised);
}

/** log entries worth a line in the ticker (SLA pauses and acceptance are noise on a wall) */
export const TICKER_TYPES: ReadonlySet<LogEntryType> = new Set<LogEntryType>([
  'reported',
  'register',
  'dispatch',
  'close',
  'reject',
  'supervise',
  'overdue',
  'verify_fail',
]);

export interface TickerItem {
  incident: Incident;
  entry: IncidentLogEntry;
  /** unique and stable, for list keys */
  key: string;
}

type IncidentDelta = Extract<Delta, { type: 'incident:reported' | 'incident:updated' }>;

const TERMINAL: ReadonlySet<Stage> = new Set<Stage>(['closed', 'rejected']);

export function isOpen(incident: Incident): boolean {
  return !TERMINAL.has(incident.stage);
}

const ENTRY_FOR_STAGE: Record<Stage, LogEntryType> = {
  reported: 'reported',
  registered: 'register',
  dispatched: 'dispatch',
  handling: 'accept',
  handled: 'feedback',
  verified: 'verify_pass',
  closed: 'close',
  rejected: 'reject',
};

/** a ticker line for an incident known from a snapshot (no log entry travels with it): seq 0 */
export function syntheticEntry(incident: Incident): IncidentLogEntry {
  return {
    seq: 0,
    incidentId: incident.id,
    type: ENTRY_FOR_STAGE[incident.stage],
    from: null,
    to: incident.stage,
    actor: { kind: 'system', id: 'snapshot' },
    at: incident.stageEnteredAt[incident.stage] ?? incident.updatedAt,
    note: null,
    data: null,
  };
}

export const useIncidentsStore = defineStore('incidents', () => {
  const byId = markRaw(new Map<string, Incident>());
  const version = ref(0);
  /** newest first, at most TICKER_CAP */
  const ticker = shallowRef<readonly TickerItem[]>([]);
  /** flat [lng, lat, severity, reportedAt, count, …] of the last 7 days (HEAT_STRIDE); non-reactive, watch heatVersion */
  const heat = shallowRef<number[]>(markRaw([]));
  const heatVersion = ref(0);
  /** last delta seq applied to this store */
  const seq = ref(0);
  /** how the hub sends this region's incidents: each one, or the notable ones beside counts per area */
  const detail = ref<Detail>('items');
  let oldestHeatAt = Infinity;

  function openList(): Incident[] {
    const out: Incident[] = [];
    for (const incident of byId.values()) if (isOpen(incident)) out.push(incident);
    return out;
  }

  function pushTicker(item: TickerItem): void {
    const next = [item, ...ticker.value];
    if (next.length > TICKER_CAP) next.length = TICKER_CAP;
    ticker.value = next;
  }

  function recomputeOldest(points: readonly number[]): void {
    oldestHeatAt = Infinity;
    for (let i = 3; i < points.length; i += HEAT_STRIDE) if (points[i]! < oldestHeatAt) oldestHeatAt = points[i]!;
  }

  function applySnapshot(s: Snapshot): void {
    byId.clear();
    for (const incident of s.incidents) byId.set(incident.id, incident);
    seq.value = s.seq;
    detail.value = s.detail.incidents;
    // the ticker starts with the latest stage changes the snapshot shows, newest first
    ticker.value = s.incidents
      .map((incident) => ({ incident, entry: syntheticEntry(incident), key: `${incident.id}@${incident.version}` }))
      .sort((a, b) => b.entry.at - a.entry.at)
      .slice(0, TICKER_CAP);
    const points = markRaw(s.heat.slice(0, s.heat.length - (s.heat.length % HEAT_STRIDE)));
    heat.value = points;
    recomputeOldest(points);
    version.value++;
    heatVersion.value++;
  }

  function removeHeatPoint(incident: Incident): void {
    const points = heat.value;
    const { lng, lat } = incident.location;
    for (let i = 0; i + HEAT_STRIDE - 1 < points.length; i += HEAT_STRIDE) {
      // a binned point (count > 1) stands for many cases: it stays, as the hub's next snapshot would keep it
      if (points[i + 3] === incident.reportedAt && points[i] === lng && points[i + 1] === lat && points[i + 4] === 1) {
        points.splice(i, HEAT_STRIDE);
        heatVersion.value++;
        return;
      }
    }
  }

  /** applies an incident delta; false when it is not newer than what the store holds */
  function applyDelta(delta: IncidentDelta, serverNow = Date.now()): boolean {
    if (delta.seq <= seq.value) return false;
    seq.value = delta.seq;
    const { incident, entry } = delta;
    const before = byId.get(incident.id);
    if (before && before.version > incident.version) return false;
    byId.set(incident.id, incident);
    version.value++;
    if (TICKER_TYPES.has(entry.type)) pushTicker({ incident, entry, key: `${incident.id}#${entry.seq}` });
    if (delta.type === 'incident:reported' && incident.stage !== 'rejected') {
      if (incident.reportedAt >= serverNow - HEAT_WINDOW_MS) {
        heat.value.push(incident.location.lng, incident.location.lat, incident.severity, incident.reportedAt, 1);
        if (incident.reportedAt < oldestHeatAt) oldestHeatAt = incident.reportedAt;
        heatVersion.value++;
      }
    } else if (incident.stage === 'rejected' && before && before.stage !== 'rejected') {
      removeHeatPoint(incident);
    }
    pruneHeat(serverNow);
    if (byId.size > (detail.value === 'summary' ? SUMMARY_CAP : INCIDENTS_CAP)) prune(serverNow);
    return true;
  }

  /** drops heat points older than the 7-day window (in place; cheap when nothing expired) */
  function pruneHeat(serverNow = Date.now()): number {
    const cut = serverNow - HEAT_WINDOW_MS;
    if (oldestHeatAt >= cut) return 0;
    const points = heat.value;
    let w = 0;
    for (let r = 0; r + HEAT_STRIDE - 1 < points.length; r += HEAT_STRIDE) {
      if (points[r + 3]! < cut) continue;
      if (w !== r) for (let k = 0; k < HEAT_STRIDE; k++) points[w + k] = points[r + k]!;
      w += HEAT_STRIDE;
    }
    const dropped = (points.length - w) / HEAT_STRIDE;
    points.length = w;
    recomputeOldest(points);
    if (dropped > 0) heatVersion.value++;
    return dropped;
  }

  /**
   * Forgets cases closed or rejected more than 24 h ago (the snapshot would not carry them
   * either) and, past the hard cap, the oldest terminal ones. Returns how many left.
   */
  function prune(serverNow = Date.now()): number {
    const cut = serverNow - RECENT_TERMINAL_MS;
    let removed = 0;
    for (const [id, incident] of byId) {
      if (!isOpen(incident) && incident.updatedAt < cut) {
        byId.delete(id);
        removed++;
      }
    }
    if (byId.size > INCIDENTS_CAP) {
      const terminal = [...byId.values()].filter((i) => !isOpen(i)).sort((a, b) => a.updatedAt - b.updatedAt);
      for (const i of terminal.slice(0, byId.size - INCIDENTS_CAP)) {
        byId.delete(i.id);
        removed++;
      }
    }
    if (detail.value === 'summary' && byId.size > SUMMARY_CAP) {
      // terminal first, then the open ones that are not notable, each oldest change first
      const rank = (i: Incident) => (!isOpen(i) ? 0 : isNotable(i) ? 2 : 1);
      const leaving = [...byId.values()].sort((a, b) => rank(a) - rank(b) || a.updatedAt - b.updatedAt);
      // down to nine tenths, so that the next deltas do not sort the store one by one
      for (const i of leaving.slice(0, byId.size - Math.floor(SUMMARY_CAP * 0.9))) {
        byId.delete(i.id);
        removed++;
      }
    }
    if (removed > 0) version.value++;
    pruneHeat(serverNow);
    return removed;
  }

  return { byId, version, ticker, heat, heatVersion, seq, detail, openList, applySnapshot, applyDelta, prune, pruneHeat };
});
