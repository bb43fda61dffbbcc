/**
 * Position frames per (region, rate) group. Every client that wants positions sits in one room
 * named after its region and its rate class (`positions:<region>:<minTicks>:<maxTicks>`); the
 * work of a tick is per group and per moved patrol, never per socket:
 *
 *   1. the tracker's moved patrols of this tick are located (hub/patrolPlaces.ts: the grid each
 *      stands in) and bucketed once into the regions that have a group: the regions on the path
 *      of its home grid (looked up once and cached) and, for the few that stand outside their own
 *      grid, those on the path of the grid they stand in (cached per grid);
 *   2. each group that is due (its min interval passed) takes the union of its region's buckets
 *      since it last looked, coalesced to one entry per patrol, encodes one frame from the
 *      tracker's latest fixes and hands it to its room;
 *   3. a group that has sent nothing for its max interval gets a complete frame (every current fix
 *      of its region, flag FRAME_COMPLETE): the heartbeat, which also repairs volatile drops.
 *
 * Patrols that cross into or out of a region that is not on their home path are told to that
 * region's groups at once, before the tick's frames (`patrols:crossed`, reliable): `entered` with
 * the patrol (its roster entry and latest fix: a wall knows no patrol it was not given), `left`
 * with its idx — the wall drops it, as it drops every patrol a complete frame leaves out. Home
 * regions never get either: a patrol stays on its home wall wherever it goes.
 *
 * No Socket.IO here: the room registry and the sending are the caller's (broadcastLoops.ts).
 */
import { createPositionsFrame, FRAME_COMPLETE, statusIndexOf } from '@shared/binary/positionsFrame';
import type { PositionRate } from '@shared/schemas/live';
import type { Patrol } from '@shared/schemas/patrol';
import type { Crossing } from '../../hub/patrolPlaces';
import type { PositionTracker } from '../../hub/positionTracker';

/**
 * positions in one frame at most: 20 + 17 × 15,000 = 255,020 bytes, under the deflate threshold
 * (SNAPSHOT_DEFLATE_THRESHOLD, 256 KiB); a group with more to send sends several frames of one
 * tick as the arguments of one `positions` message
 */
export const MAX_POSITIONS_PER_FRAME = 15_000;

/** 4 Hz, and a complete frame after 30 s without one */
export const DEFAULT_POSITION_RATE = { minIntervalMs: 250, maxIntervalMs: 30_000 } as const;

const ROOM_PREFIX = 'positions:';

export interface RateClass {
  minTicks: number;
  maxTicks: number;
}

/** a requested rate in whole ticks: never more often than asked (min rounds up), at least as often (max rounds down) */
export function rateClass(rate: PositionRate | undefined, tickMs: number): RateClass {
  const min = rate?.minIntervalMs ?? DEFAULT_POSITION_RATE.minIntervalMs;
  const max = Math.max(min, rate?.maxIntervalMs ?? DEFAULT_POSITION_RATE.maxIntervalMs);
  const minTicks = Math.max(1, Math.ceil(min / tickMs - 1e-9));
  return { minTicks, maxTicks: Math.max(minTicks, Math.floor(max / tickMs + 1e-9)) };
}

export function positionsRoomOf(regionCode: string, rate: RateClass): string {
  return `${ROOM_PREFIX}${regionCode}:${rate.minTicks}:${rate.maxTicks}`;
}

export function parsePositionsRoom(room: string): ({ regionCode: string } & RateClass) | null {
  if (!room.startsWith(ROOM_PREFIX)) return null;
  const parts = room.slice(ROOM_PREFIX.length).split(':');
  if (parts.length !== 3) return null;
  const [regionCode, min, max] = parts as [string, string, string];
  const minTicks = Number(min);
  const maxTicks = Number(max);
  if (!regionCode || !(minTicks >= 1) || !(maxTicks >= minTicks)) return null;
  return { regionCode, minTicks, maxTicks };
}

export interface FanoutSource {
  readonly positions: PositionTracker;
  readonly patrolsByIdx: readonly (Patrol | undefined)[];
  readonly geo: { path(code: string): string[]; isWithin(code: string, ancestor: string): boolean };
  now(): number;
  /** the roster places of a region's patrols, from an index (a province's heartbeat tested 243,722 patrols per region); absent: a scan */
  patrolIdxsIn?(regionCode: string): Iterable<number>;
  /** where patrols stand (hub/patrolPlaces.ts), settled here once per tick */
  readonly places: PatrolPlacesView;
}

export interface PatrolPlacesView {
  settle(moved: readonly number[]): readonly Crossing[];
  standGrid(idx: number): string | null;
  isAway(idx: number): boolean;
  /** patrols rostered outside the region that stand inside it, ascending */
  visitorsIn(regionCode: string): readonly number[];
}

/** patrols that came to stand in, or left, a region not on their home path: told to each of its rooms */
export interface RegionCrossings {
  regionCode: string;
  entered: number[];
  left: number[];
}
export type CrossingSink = (room: string, crossings: RegionCrossings) => void;

/** hands the frames of one send to a room, as one message; answers how many sockets it went to */
export type FrameSink = (room: string, frames: readonly ArrayBuffer[]) => number;

export interface FanoutTotals {
  ticks: number;
  frames: number;
  complete: number;
  /** positions handed to sockets (a frame's positions × the sockets of its room) */
  deliveries: number;
  /** bytes handed to sockets (a frame's size × the sockets of its room) */
  bytes: number;
}

interface RegionStream {
  code: string;
  /** moved patrols of recent ticks, oldest first; a patrol may appear in several */
  buckets: { tick: number; list: number[] }[];
  pending: number[];
  groups: Group[];
  /**
   * patrols of other regions that left this one, by the tick they left: their entries in older
   * buckets are skipped (a frame carries the latest fix, which now lies elsewhere); forgotten
   * once no bucket older than that tick is kept, or when the patrol comes back
   */
  gone: Map<number, number>;
}

interface Group extends RateClass {
  room: string;
  stream: RegionStream;
  /** the last tick whose moves this group has looked at, and the last it sent a frame */
  covered: number;
  lastSent: number;
}

export interface Frame {
  buffer: ArrayBuffer;
  count: number;
  flags: number;
}

const NONE: readonly RegionStream[] = [];

export class PositionFanout {
  readonly totals: FanoutTotals = { ticks: 0, frames: 0, complete: 0, deliveries: 0, bytes: 0 };
  private tick = 0;
  private readonly streams = new Map<string, RegionStream>();
  private readonly groups = new Map<string, Group>();
  /** per patrol idx, the streams its region path passes through (cleared when streams or the roster change) */
  private streamsOf: (readonly RegionStream[] | undefined)[] = [];
  /** per grid a patrol may stand in, the streams its path passes through (cleared with streamsOf) */
  private readonly streamsAt = new Map<string, readonly RegionStream[]>();
  private seen = new Uint32Array(0);
  private stamp = 0;

  constructor(
    private readonly source: FanoutSource,
    private readonly sink: FrameSink,
    /** each frame sent, for metrics: its bytes, positions and recipients */
    private readonly onFrame: (bytes: number, positions: number, recipients: number) => void = () => {},
    private readonly crossingSink: CrossingSink = () => {},
  ) {}

  get groupCount(): number {
    return this.groups.size;
  }

  /** a room was created: when it is a positions room, its group starts now */
  addRoom(room: string): void {
    const parsed = parsePositionsRoom(room);
    if (!parsed || this.groups.has(room)) return;
    let stream = this.streams.get(parsed.regionCode);
    if (!stream) {
      stream = { code: parsed.regionCode, buckets: [], pending: [], groups: [], gone: new Map() };
      this.streams.set(parsed.regionCode, stream);
      this.forgetPaths();
    }
    const group: Group = { room, stream, minTicks: parsed.minTicks, maxTicks: parsed.maxTicks, covered: this.tick, lastSent: this.tick };
    stream.groups.push(group);
    this.groups.set(room, group);
  }

  /** a room was deleted (its last socket left) */
  removeRoom(room: string): void {
    const group = this.groups.get(room);
    if (!group) return;
    this.groups.delete(room);
    const stream = group.stream;
    stream.groups = stream.groups.filter((g) => g !== group);
    if (stream.groups.length === 0) {
      this.streams.delete(stream.code);
      this.forgetPaths();
    }
  }

  /** the roster changed: region paths are looked up again */
  rosterChanged(): void {
    this.forgetPaths();
    // a patrol's home may now be a region it had left (walls take a fresh snapshot: resync)
    for (const s of this.streams.values()) s.gone.clear();
  }

  private forgetPaths(): void {
    this.streamsOf = [];
    this.streamsAt.clear();
  }

  /** one tick: bucket what moved, send the frames that are due */
  run(): void {
    const t = (this.tick = this.tick + 1);
    this.totals.ticks++;
    const moved = this.source.positions.drainDirty();
    const places = this.source.places;
    // settled with no group too: snapshots and the patrol list read where patrols stand
    const crossings = places.settle(moved);
    if (this.streams.size === 0) return;
    for (const idx of moved) {
      const home = this.streamsOf[idx] ?? this.lookUp(idx);
      for (const s of home) s.pending.push(idx);
      if (!places.isAway(idx)) continue; // the common case: it stands in its own grid
      for (const s of this.streamsAtGrid(places.standGrid(idx))) if (!home.includes(s)) s.pending.push(idx);
    }
    if (crossings.length) this.tellCrossings(crossings);
    for (const s of this.streams.values()) {
      let window = 1;
      for (const g of s.groups) if (g.minTicks > window) window = g.minTicks;
      if (s.pending.length) {
        s.buckets.push({ tick: t, list: s.pending });
        s.pending = [];
      }
      while (s.buckets.length && s.buckets[0]!.tick <= t - window) s.buckets.shift();
      if (s.gone.size) for (const [idx, at] of s.gone) if (at <= t - window) s.gone.delete(idx);
    }
    for (const g of this.groups.values()) {
      if (t - g.lastSent >= g.minTicks) {
        const list = this.collect(g);
        g.covered = t;
        if (list.length) {
          this.send(g, this.encode(list, 0));
          continue;
        }
      }
      if (t - g.lastSent >= g.maxTicks) {
        const frames = this.completeFrames(g.stream.code);
        g.covered = t;
        if (frames.length) this.send(g, frames);
        else g.lastSent = t; // nothing to show in this region: nothing to repair either
      }
    }
  }

  /** every current fix in a region (after a resume, and the heartbeat): no frame when there is none */
  completeFrames(regionCode: string): Frame[] {
    const { patrolsByIdx, geo, positions } = this.source;
    const { lng } = positions.columns();
    const list: number[] = [];
    const n = Math.min(patrolsByIdx.length, lng.length);
    if (this.source.patrolIdxsIn) {
      for (const idx of this.source.patrolIdxsIn(regionCode)) if (idx < n && patrolsByIdx[idx] && !Number.isNaN(lng[idx]!)) list.push(idx);
    } else {
      for (let idx = 0; idx < n; idx++) {
        const p = patrolsByIdx[idx];
        if (p && !Number.isNaN(lng[idx]!) && geo.isWithin(p.gridCode, regionCode)) list.push(idx);
      }
    }
    // and those of other regions that stand in it: a wall drops every patrol a complete frame leaves out
    for (const idx of this.source.places.visitorsIn(regionCode)) if (idx < n && patrolsByIdx[idx]) list.push(idx);
    // the index lists patrols by region, not by place: frames list them by place, as a scan does
    list.sort((a, b) => a - b);
    return list.length ? this.encode(list, FRAME_COMPLETE) : [];
  }

  private send(g: Group, frames: readonly Frame[]): void {
    g.lastSent = this.tick;
    // one message: a volatile message is sent or skipped whole (a second one would always find
    // the socket still busy writing the first, and be dropped)
    const recipients = this.sink(
      g.room,
      frames.map((f) => f.buffer),
    );
    for (const frame of frames) {
      this.totals.frames++;
      if (frame.flags & FRAME_COMPLETE) this.totals.complete++;
      this.totals.deliveries += frame.count * recipients;
      this.totals.bytes += frame.buffer.byteLength * recipients;
      this.onFrame(frame.buffer.byteLength, frame.count, recipients);
    }
  }

  private lookUp(idx: number): readonly RegionStream[] {
    const patrol = this.source.patrolsByIdx[idx];
    let found: RegionStream[] | null = null;
    if (patrol) {
      for (const code of this.source.geo.path(patrol.gridCode)) {
        const s = this.streams.get(code);
        if (s) (found ??= []).push(s);
      }
    }
    const result = found ?? NONE;
    this.streamsOf[idx] = result;
    return result;
  }

  /** the streams on the path of a grid a patrol stands in */
  private streamsAtGrid(grid: string | null): readonly RegionStream[] {
    if (grid === null) return NONE;
    let found = this.streamsAt.get(grid);
    if (!found) {
      const list = this.source.geo.path(grid).flatMap((code) => this.streams.get(code) ?? []);
      found = list.length ? list : NONE;
      this.streamsAt.set(grid, found);
    }
    return found;
  }

  /**
   * Tells the groups of each region a patrol came to stand in, or left, that is not on its home
   * path (its home regions see it all along). Before the tick's frames, so that a wall holds the
   * patrol before its first fix arrives. A patrol that left is marked gone in the stream: a slower
   * group's buckets still list it from before, and its latest fix now lies elsewhere.
   */
  private tellCrossings(crossings: readonly Crossing[]): void {
    const told = new Map<RegionStream, RegionCrossings>();
    const entry = (s: RegionStream) => {
      let e = told.get(s);
      if (!e) told.set(s, (e = { regionCode: s.code, entered: [], left: [] }));
      return e;
    };
    for (const { idx, from, to } of crossings) {
      if (!this.source.patrolsByIdx[idx]) continue;
      const home = this.streamsOf[idx] ?? this.lookUp(idx);
      const before = this.streamsAtGrid(from);
      const after = this.streamsAtGrid(to);
      for (const s of after) {
        if (before.includes(s) || home.includes(s)) continue;
        entry(s).entered.push(idx);
        s.gone.delete(idx);
      }
      for (const s of before) {
        if (after.includes(s) || home.includes(s)) continue;
        entry(s).left.push(idx);
        s.gone.set(idx, this.tick);
      }
    }
    for (const [s, crossing] of told) for (const g of s.groups) this.crossingSink(g.room, crossing);
  }

  /** the patrols of the group's region that moved after it last looked, once each */
  private collect(g: Group): number[] {
    const out: number[] = [];
    const buckets = g.stream.buckets;
    if (buckets.length === 0 || buckets[buckets.length - 1]!.tick <= g.covered) return out;
    const stamp = this.nextStamp();
    const seen = this.seen;
    const gone = g.stream.gone;
    for (const b of buckets) {
      if (b.tick <= g.covered) continue;
      for (const idx of b.list) {
        if (seen[idx] === stamp || (gone.size && gone.has(idx))) continue;
        seen[idx] = stamp;
        out.push(idx);
      }
    }
    return out;
  }

  private nextStamp(): number {
    const n = this.source.patrolsByIdx.length;
    if (this.seen.length < n) this.seen = new Uint32Array(Math.max(n, this.seen.length * 2, 1024));
    this.stamp = (this.stamp + 1) >>> 0;
    if (this.stamp === 0) {
      this.seen.fill(0);
      this.stamp = 1;
    }
    return this.stamp;
  }

  /**
   * frames from the tracker's latest fixes of `list` (patrols no longer in the roster are left
   * out), at most MAX_POSITIONS_PER_FRAME each: below the deflate threshold, so never compressed
   * once per socket, and no single message holds a socket for long
   */
  private encode(list: readonly number[], flags: number): Frame[] {
    const { patrolsByIdx, positions } = this.source;
    const { lng, lat, at } = positions.columns();
    const kept: number[] = [];
    for (const idx of list) if (patrolsByIdx[idx] && idx < at.length) kept.push(idx);
    const now = this.source.now();
    const frames: Frame[] = [];
    for (let from = 0; from < kept.length; from += MAX_POSITIONS_PER_FRAME) {
      const n = Math.min(MAX_POSITIONS_PER_FRAME, kept.length - from);
      const w = createPositionsFrame(this.tick, now, n, flags);
      for (let i = 0; i < n; i++) {
        const idx = kept[from + i]!;
        w.idx[i] = idx;
        w.lngE6[i] = Math.round(lng[idx]! * 1e6);
        w.latE6[i] = Math.round(lat[idx]! * 1e6);
        const age = Math.round(now - at[idx]!);
        w.ageMs[i] = age > 0x7fffffff ? 0x7fffffff : age < -0x7fffffff ? -0x7fffffff : age;
        w.status[i] = statusIndexOf(patrolsByIdx[idx]!.status);
      }
      frames.push({ buffer: w.buffer, count: n, flags });
    }
    return frames;
  }
}
