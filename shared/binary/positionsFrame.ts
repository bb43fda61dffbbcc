/**
 * Binary frame for patrol positions: one per send per (region, rate) group, coalesced to the latest
 * fix of each patrol that moved since that group's previous frame. Struct of arrays,
 * little-endian, 17 bytes a position (docs/protocol.md section 3):
 *
 *   header (20 bytes)
 *     0  u8   magic 0x50 ('P')
 *     1  u8   frame version (2)
 *     2  u16  flags: bit 0 = complete (every current fix of the region, not only those that moved)
 *     4  u32  tick number (wraps)
 *     8  f64  base time, epoch milliseconds
 *    16  u32  count n
 *   then, each array aligned as it falls:
 *     u32[n] patrol idx (Patrol.idx from the snapshot)
 *     i32[n] longitude × 1e6 (≈ 0.1 m)
 *     i32[n] latitude  × 1e6
 *     i32[n] age of the fix in milliseconds before the base time (negative: stamped after it;
 *            clamped to ±2^31−1 ms, about 24.8 days)
 *     u8[n]  status index in PATROL_STATUSES
 *
 * Version 1 (16-byte header with the base time in whole seconds, a u8 age in seconds, 14 bytes a
 * position) is still read by readPositionsFrame; the hub sends version 2 only. The version byte
 * tells them apart: a reader that knows only version 1 refuses a version-2 frame rather than
 * misreading it.
 */
import { PATROL_STATUSES, type PatrolStatus } from '../schemas/patrol';

export const POSITIONS_FRAME_MAGIC = 0x50;
export const POSITIONS_FRAME_VERSION = 2;
export const POSITIONS_HEADER_BYTES = 20;
export const BYTES_PER_POSITION = 17;
/** flag bit: the frame holds every current fix of the region (after a resume, or a heartbeat) */
export const FRAME_COMPLETE = 1;

const V1_HEADER_BYTES = 16;
const V1_BYTES_PER_POSITION = 14;
const AGE_LIMIT = 0x7fff_ffff;

export interface FramePosition {
  idx: number;
  lng: number;
  lat: number;
  status: PatrolStatus;
  /** fix time, epoch ms */
  at: number;
}

export interface DecodedFrame {
  version: number;
  tick: number;
  /** epoch ms */
  baseTime: number;
  complete: boolean;
  positions: FramePosition[];
}

const STATUS_INDEX = new Map<PatrolStatus, number>(PATROL_STATUSES.map((s, i) => [s, i]));

export function statusIndexOf(status: PatrolStatus): number {
  return STATUS_INDEX.get(status) ?? 0;
}

export function frameByteLength(count: number): number {
  return POSITIONS_HEADER_BYTES + count * BYTES_PER_POSITION;
}

/**
 * Column views over a frame: decoding without allocating an object per position. The fix time of
 * position i is `baseTimeMs - ageMs[i]`.
 */
export interface FrameColumns {
  version: number;
  tick: number;
  baseTimeMs: number;
  flags: number;
  count: number;
  idx: Uint32Array;
  lngE6: Int32Array;
  latE6: Int32Array;
  ageMs: Int32Array;
  status: Uint8Array;
}

function v2Columns(buffer: ArrayBuffer, byteOffset: number, count: number): Pick<FrameColumns, 'idx' | 'lngE6' | 'latE6' | 'ageMs' | 'status'> {
  let at = byteOffset + POSITIONS_HEADER_BYTES;
  const idx = new Uint32Array(buffer, at, count);
  at += count * 4;
  const lngE6 = new Int32Array(buffer, at, count);
  at += count * 4;
  const latE6 = new Int32Array(buffer, at, count);
  at += count * 4;
  const ageMs = new Int32Array(buffer, at, count);
  at += count * 4;
  const status = new Uint8Array(buffer, at, count);
  return { idx, lngE6, latE6, ageMs, status };
}

/** A frame being written: fill the columns, then send `buffer`. */
export interface FrameWriter extends Pick<FrameColumns, 'idx' | 'lngE6' | 'latE6' | 'ageMs' | 'status'> {
  buffer: ArrayBuffer;
  baseTimeMs: number;
}

/** allocates a frame of `count` positions with its header written; the caller fills the columns */
export function createPositionsFrame(tick: number, baseTimeMs: number, count: number, flags = 0): FrameWriter {
  const buffer = new ArrayBuffer(frameByteLength(count));
  const header = new DataView(buffer);
  header.setUint8(0, POSITIONS_FRAME_MAGIC);
  header.setUint8(1, POSITIONS_FRAME_VERSION);
  header.setUint16(2, flags, true);
  header.setUint32(4, tick >>> 0, true);
  header.setFloat64(8, baseTimeMs, true);
  header.setUint32(16, count, true);
  return { buffer, baseTimeMs, ...v2Columns(buffer, 0, count) };
}

/** the age field for a fix at `at` in a frame based at `baseTimeMs` (rounded, clamped) */
export function ageField(baseTimeMs: number, at: number): number {
  const age = Math.round(baseTimeMs - at);
  return age > AGE_LIMIT ? AGE_LIMIT : age < -AGE_LIMIT ? -AGE_LIMIT : age;
}

/** reference encoder from objects (tests, tools); the hub writes columns with createPositionsFrame */
export function encodePositionsFrame(tick: number, baseTimeMs: number, positions: readonly FramePosition[], flags = 0): ArrayBuffer {
  const n = positions.length;
  const w = createPositionsFrame(tick, baseTimeMs, n, flags);
  for (let i = 0; i < n; i++) {
    const p = positions[i]!;
    w.idx[i] = p.idx;
    w.lngE6[i] = Math.round(p.lng * 1e6);
    w.latE6[i] = Math.round(p.lat * 1e6);
    w.ageMs[i] = ageField(baseTimeMs, p.at);
    w.status[i] = statusIndexOf(p.status);
  }
  return w.buffer;
}

/** a version-1 frame as version-2 columns (ages converted; a copy, v1 is legacy) */
function readV1(header: DataView, buffer: ArrayBuffer, byteOffset: number, byteLength: number): FrameColumns {
  const count = header.getUint32(12, true);
  if (byteLength < V1_HEADER_BYTES + count * V1_BYTES_PER_POSITION) throw new Error('positions frame truncated');
  let at = byteOffset + V1_HEADER_BYTES;
  const idx = new Uint32Array(buffer, at, count);
  at += count * 4;
  const lngE6 = new Int32Array(buffer, at, count);
  at += count * 4;
  const latE6 = new Int32Array(buffer, at, count);
  at += count * 4;
  const status = new Uint8Array(buffer, at, count);
  at += count;
  const ageSec = new Uint8Array(buffer, at, count);
  const ageMs = new Int32Array(count);
  for (let i = 0; i < count; i++) ageMs[i] = ageSec[i]! * 1000;
  return { version: 1, tick: header.getUint32(4, true), baseTimeMs: header.getUint32(8, true) * 1000, flags: 0, count, idx, lngE6, latE6, ageMs, status };
}

/** Reads a frame (version 2, or legacy 1) as column views (no copy for v2). Throws on anything else. */
export function readPositionsFrame(data: ArrayBuffer | ArrayBufferView): FrameColumns {
  // Socket.IO delivers an ArrayBuffer in browsers and a Buffer (a view on a shared pool) in Node.
  const view = ArrayBuffer.isView(data) ? data : new Uint8Array(data);
  // Typed arrays need 4-byte alignment: copy when the view does not start on a boundary.
  const aligned =
    view.byteOffset % 4 === 0
      ? view
      : new Uint8Array(new Uint8Array(view.buffer, view.byteOffset, view.byteLength));
  const buffer = aligned.buffer as ArrayBuffer;
  if (aligned.byteLength < V1_HEADER_BYTES) throw new Error('positions frame too short');
  const header = new DataView(buffer, aligned.byteOffset, aligned.byteLength);
  if (header.getUint8(0) !== POSITIONS_FRAME_MAGIC) throw new Error('not a positions frame');
  const version = header.getUint8(1);
  if (version === 1) return readV1(header, buffer, aligned.byteOffset, aligned.byteLength);
  if (version !== POSITIONS_FRAME_VERSION) throw new Error(`positions frame version ${version} not supported`);
  if (aligned.byteLength < POSITIONS_HEADER_BYTES) throw new Error('positions frame too short');
  const count = header.getUint32(16, true);
  if (aligned.byteLength < frameByteLength(count)) throw new Error('positions frame truncated');
  return {
    version,
    tick: header.getUint32(4, true),
    baseTimeMs: header.getFloat64(8, true),
    flags: header.getUint16(2, true),
    count,
    ...v2Columns(buffer, aligned.byteOffset, count),
  };
}

export function decodePositionsFrame(data: ArrayBuffer | ArrayBufferView): DecodedFrame {
  const c = readPositionsFrame(data);
  const positions: FramePosition[] = [];
  for (let i = 0; i < c.count; i++) {
    positions.push({
      idx: c.idx[i]!,
      lng: c.lngE6[i]! / 1e6,
      lat: c.latE6[i]! / 1e6,
      status: PATROL_STATUSES[c.status[i]!] ?? 'on_duty',
      at: c.baseTimeMs - c.ageMs[i]!,
    });
  }
  return { version: c.version, tick: c.tick, baseTime: c.baseTimeMs, complete: (c.flags & FRAME_COMPLETE) !== 0, positions };
}
