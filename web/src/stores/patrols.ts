/**
 * The patrol roster and its latest positions. Positions arrive as binary frames up to 4 times a
 * second for thousands of patrols, so they live in typed arrays indexed by `Patrol.idx` (no object per fix,
 * nothing for Vue to proxy): `lng`/`lat` (NaN = no fix yet), `status` (index into
 * PATROL_STATUSES) and `fixAt` (epoch ms). `fixVersion` bumps once per frame, `rosterVersion` when
 * the roster or a duty status changes. Patrols of other regions join the roster while they stand
 * in the wall's region (`patrols:crossed` entered) and are dropped when they leave it (`left`, or
 * left out of a complete message); their duty status comes with their frames only.
 */
import { defineStore } from 'pinia';
import { markRaw, ref, shallowRef } from 'vue';
import { readPositionsFrame } from '@shared/binary/positionsFrame';
import { PatrolGlide, type ShownPositions } from '../map/glide';
import type { Delta, PatrolCrossing, Snapshot } from '@shared/schemas/live';
import { PATROL_STATUSES, type Patrol, type PatrolStatus } from '@shared/schemas/patrol';

const STATUS_INDEX = new Map<PatrolStatus, number>(PATROL_STATUSES.map((s, i) => [s, i]));

export function statusIndex(status: PatrolStatus): number {
  return STATUS_INDEX.get(status) ?? 0;
}

type PatrolDelta = Extract<Delta, { type: 'patrol:updated' }>;

export const usePatrolsStore = defineStore('patrols', () => {
  /** roster by idx (sparse when idx values have gaps) */
  const byIdx = shallowRef<(Patrol | undefined)[]>(markRaw([]));
  const lng = shallowRef(new Float64Array(0));
  const lat = shallowRef(new Float64Array(0));
  const status = shallowRef(new Uint8Array(0));
  const fixAt = shallowRef(new Float64Array(0));
  const fixVersion = ref(0);
  const rosterVersion = ref(0);
  const seq = ref(0);
  /** frames applied and positions skipped because their idx is not in the roster (diagnostics) */
  const framesApplied = ref(0);
  let unknownPositions = 0;
  /** markers glide between fixes (map/glide.ts); not reactive: the map asks when it rebuilds */
  const glide = markRaw(new PatrolGlide());

  function allocate(size: number): void {
    const grow = <T extends Float64Array | Uint8Array>(old: T, make: (n: number) => T, fill?: number): T => {
      const next = make(size);
      if (fill !== undefined) next.fill(fill);
      next.set(old.subarray(0, Math.min(old.length, size)));
      return next;
    };
    lng.value = grow(lng.value, (n) => new Float64Array(n), NaN);
    lat.value = grow(lat.value, (n) => new Float64Array(n), NaN);
    fixAt.value = grow(fixAt.value, (n) => new Float64Array(n), NaN);
    status.value = grow(status.value, (n) => new Uint8Array(n));
  }

  function put(p: Patrol): void {
    const roster = byIdx.value;
    if (p.idx >= lng.value.length) allocate(Math.max(p.idx + 1, Math.ceil(lng.value.length * 1.5)));
    roster[p.idx] = p;
    status.value[p.idx] = statusIndex(p.status);
    if (p.lng !== null && p.lat !== null) {
      const newer = !(fixAt.value[p.idx]! > (p.fixAt ?? 0));
      if (newer) {
        lng.value[p.idx] = p.lng;
        lat.value[p.idx] = p.lat;
        fixAt.value[p.idx] = p.fixAt ?? NaN;
      }
    }
  }

  function applySnapshot(s: Snapshot): void {
    let size = 0;
    for (const p of s.patrols) size = Math.max(size, p.idx + 1);
    byIdx.value = markRaw(new Array<Patrol | undefined>(size));
    lng.value = new Float64Array(size).fill(NaN);
    lat.value = new Float64Array(size).fill(NaN);
    fixAt.value = new Float64Array(size).fill(NaN);
    status.value = new Uint8Array(size);
    for (const p of s.patrols) put(p);
    seq.value = s.seq;
    rosterVersion.value++;
    fixVersion.value++;
  }

  function applyDelta(delta: PatrolDelta): boolean {
    if (delta.seq <= seq.value) return false;
    seq.value = delta.seq;
    put(delta.patrol);
    rosterVersion.value++;
    fixVersion.value++;
    return true;
  }

  /** forgets a patrol: off the roster and the map (it left the region, or the complete frame left it out) */
  function forget(idx: number): void {
    if (byIdx.value[idx] === undefined) return;
    byIdx.value[idx] = undefined;
    lng.value[idx] = NaN;
    lat.value[idx] = NaN;
    fixAt.value[idx] = NaN;
    status.value[idx] = 0;
  }

  /**
   * patrols of other regions that came to stand in the wall's region (`entered`, with their fix)
   * or left it (`left`): the hub sends their fixes only while they stand there
   */
  function applyCrossing(crossing: PatrolCrossing): void {
    for (const p of crossing.entered) put(p);
    for (const idx of crossing.left) forget(idx);
    rosterVersion.value++;
    fixVersion.value++;
  }

  /**
   * after a complete message (every current fix of the region, in one or more frames): a patrol
   * the wall holds a fix of that none of them listed no longer stands in the region, nor belongs
   * to it — dropped (a `left` the wall missed, e.g. while it was away before a resume)
   */
  function dropUnlisted(listed: ReadonlySet<number>): number {
    let dropped = 0;
    const roster = byIdx.value;
    const lngs = lng.value;
    for (let idx = 0; idx < roster.length; idx++) {
      if (roster[idx] === undefined || Number.isNaN(lngs[idx]!) || listed.has(idx)) continue;
      forget(idx);
      dropped++;
    }
    if (dropped) {
      rosterVersion.value++;
      fixVersion.value++;
    }
    return dropped;
  }

  /**
   * applies one positions frame (zero-copy read); returns how many fixes were taken. A fix older
   * than the one held is skipped (a complete frame repeats fixes the wall may have newer ones of).
   * `listed`, when given, collects every idx the frame holds (for dropUnlisted).
   */
  function applyFrame(buffer: ArrayBuffer | ArrayBufferView, clientNow = Date.now(), listed?: Set<number>): number {
    const frame = readPositionsFrame(buffer);
    if (listed) for (let i = 0; i < frame.count; i++) listed.add(frame.idx[i]!);
    const roster = byIdx.value;
    const lngs = lng.value;
    const lats = lat.value;
    const statuses = status.value;
    const times = fixAt.value;
    const shownNow: [number, number] = [NaN, NaN];
    let taken = 0;
    for (let i = 0; i < frame.count; i++) {
      const idx = frame.idx[i]!;
      if (idx >= lngs.length || roster[idx] === undefined) {
        unknownPositions++;
        continue;
      }
      const at = frame.baseTimeMs - frame.ageMs[i]!;
      statuses[idx] = frame.status[i]!;
      const held = times[idx]!;
      if (held > at) continue;
      const x = frame.lngE6[i]! / 1e6;
      const y = frame.latE6[i]! / 1e6;
      glide.positionOf(idx, lngs[idx]!, lats[idx]!, clientNow, shownNow);
      glide.moved(idx, shownNow[0], shownNow[1], x, y, Number.isNaN(held) ? 0 : at - held, clientNow);
      lngs[idx] = x;
      lats[idx] = y;
      times[idx] = at;
      taken++;
    }
    framesApplied.value++;
    fixVersion.value++;
    return taken;
  }

  /** where each patrol is shown at `clientNow` (gliding between its last two fixes) */
  function shownPositions(clientNow = Date.now()): ShownPositions {
    return glide.shown(lng.value, lat.value, clientNow);
  }

  function patrolStatus(idx: number): PatrolStatus | undefined {
    if (byIdx.value[idx] === undefined) return undefined;
    return PATROL_STATUSES[status.value[idx]!];
  }

  function unknownCount(): number {
    return unknownPositions;
  }

  return {
    byIdx,
    lng,
    lat,
    status,
    fixAt,
    fixVersion,
    rosterVersion,
    seq,
    framesApplied,
    applySnapshot,
    applyDelta,
    applyFrame,
    applyCrossing,
    dropUnlisted,
    shownPositions,
    patrolStatus,
    unknownCount,
  };
});
