/**
 * Position frames per (region, rate) group. Every client that wants positions sits in one room
 * named after its region and its rate class (`positions:<region>:<minTicks>:<maxTicks>`); the
 * work of a tick is per group and per moved patrol, never per socket:
 *
 *   1. the tracker's moved patrols of this tick are bucketed once into the regions that have a
 *      group (a patrol's region path is looked up once and cached);
 *   2. each group that is due (its min interval passed) takes the union of its region's buckets
 *      since it last looked, coalesced to one entry per patrol, encodes one frame from the
 *      tracker's latest fixes and hands it to its room;
 *   3. a group that has sent nothing for its max interval gets a complete frame (every current fix
 *      of its region, flag FRAME_COMPLETE): the heartbeat, which also repairs volatile drops.
 *
 * No Socket.IO here: the room registry and the sending are the caller's (broadcastLoops.ts).
 */
import { createPositionsFrame, FRAME_COMPLETE, statusIndexOf } from '@shared/binary/positionsFrame';
import type { PositionRate } from '@shared/schemas/live';
import type { Patrol } from '@shared/schemas/patrol';
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
}

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
  private seen = new Uint32Array(0);
  private stamp = 0;

  constructor(
    private readonly source: FanoutSource,
    private readonly sink: FrameSink,
    /** each frame sent, for metrics: its bytes, positions and recipients */
    private readonly onFrame: (bytes: number, positions: number, recipients: number) => void = () => {},
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
      stream = { code: parsed.regionCode, buckets: [], pending: [], groups: [] };
      this.streams.set(parsed.regionCode, stream);
      this.streamsOf = [];
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
      this.streamsOf = [];
    }
  }

  /** the roster changed: region paths are looked up again */
  rosterChanged(): void {
    this.streamsOf = [];
  }

  /** one tick: bucket what moved, send the frames that are due */
  run(): void {
    const t = (this.tick = this.tick + 1);
    this.totals.ticks++;
    const moved = this.source.positions.drainDirty();
    if (this.streams.size === 0) return;
    for (const idx of moved) {
      const streams = this.streamsOf[idx] ?? this.lookUp(idx);
      for (const s of streams) s.pending.push(idx);
    }
    for (const s of this.streams.values()) {
      let window = 1;
      for (const g of s.groups) if (g.minTicks > window) window = g.minTicks;
      if (s.pending.length) {
        s.buckets.push({ tick: t, list: s.pending });
        s.pending = [];
      }
      while (s.buckets.length && s.buckets[0]!.tick <= t - window) s.buckets.shift();
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
      // the index lists patrols by region, not by place: frames list them by place, as a scan does
      list.sort((a, b) => a - b);
    } else {
      for (let idx = 0; idx < n; idx++) {
        const p = patrolsByIdx[idx];
        if (p && !Number.isNaN(lng[idx]!) && geo.isWithin(p.gridCode, regionCode)) list.push(idx);
      }
    }
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

  /** the patrols of the group's region that moved after it last looked, once each */
  private collect(g: Group): number[] {
    const out: number[] = [];
    const buckets = g.stream.buckets;
    if (buckets.length === 0 || buckets[buckets.length - 1]!.tick <= g.covered) return out;
    const stamp = this.nextStamp();
    const seen = this.seen;
    for (const b of buckets) {
      if (b.tick <= g.covered) continue;
      for (const idx of b.list) {
        if (seen[idx] === stamp) continue;
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
