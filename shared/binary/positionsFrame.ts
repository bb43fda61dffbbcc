/**
 * Binary frame for patrol positions: one per tick per region, coalesced to the latest fix of each
 * patrol that moved since the previous tick. Struct of arrays, little-endian, 14 bytes a position:
 *
 *   header (16 bytes)
 *     0  u8   magic 0x50 ('P')
 *     1  u8   frame version (1)
 *     2  u16  reserved, 0
 *     4  u32  tick number (wraps)
 *     8  u32  base time, seconds since the Unix epoch
 *    12  u32  count n
 *   then, each array aligned as it falls:
 *     u32[n] patrol idx (Patrol.idx from the snapshot)
 *     i32[n] longitude × 1e6 (≈ 0.1 m)
 *     i32[n] latitude  × 1e6
 *     u8[n]  status index in PATROL_STATUSES
 *     u8[n]  age of the fix in seconds before base time, capped at 255
 */
import { PATROL_STATUSES, type PatrolStatus } from '../schemas/patrol';

export const POSITIONS_FRAME_MAGIC = 0x50;
export const POSITIONS_FRAME_VERSION = 1;
export const POSITIONS_HEADER_BYTES = 16;
export const BYTES_PER_POSITION = 14;

export interface FramePosition {
  idx: number;
  lng: number;
  lat: number;
  status: PatrolStatus;
  /** fix time, epoch ms */
  at: number;
}

export interface DecodedFrame {
  tick: number;
  baseTime: number;
  positions: FramePosition[];
}

const STATUS_INDEX = new Map<PatrolStatus, number>(PATROL_STATUSES.map((s, i) => [s, i]));

export function frameByteLength(count: number): number {
  return POSITIONS_HEADER_BYTES + count * BYTES_PER_POSITION;
}

/** Column views over a frame: decoding without allocating an object per position. */
export interface FrameColumns {
  tick: number;
  baseTimeSec: number;
  count: number;
  idx: Uint32Array;
  lngE6: Int32Array;
  latE6: Int32Array;
  status: Uint8Array;
  ageSec: Uint8Array;
}

function columns(buffer: ArrayBuffer, byteOffset: number, count: number): Omit<FrameColumns, 'tick' | 'baseTimeSec'> {
  let at = byteOffset + POSITIONS_HEADER_BYTES;
  const idx = new Uint32Array(buffer, at, count);
  at += count * 4;
  const lngE6 = new Int32Array(buffer, at, count);
  at += count * 4;
  const latE6 = new Int32Array(buffer, at, count);
  at += count * 4;
  const status = new Uint8Array(buffer, at, count);
  at += count;
  const ageSec = new Uint8Array(buffer, at, count);
  return { count, idx, lngE6, latE6, status, ageSec };
}

export function encodePositionsFrame(tick: number, baseTimeMs: number, positions: readonly FramePosition[]): ArrayBuffer {
  const n = positions.length;
  const buffer = new ArrayBuffer(frameByteLength(n));
  const header = new DataView(buffer);
  const baseSec = Math.floor(baseTimeMs / 1000);
  header.setUint8(0, POSITIONS_FRAME_MAGIC);
  header.setUint8(1, POSITIONS_FRAME_VERSION);
  header.setUint16(2, 0, true);
  header.setUint32(4, tick >>> 0, true);
  header.setUint32(8, baseSec, true);
  header.setUint32(12, n, true);
  const c = columns(buffer, 0, n);
  for (let i = 0; i < n; i++) {
    const p = positions[i]!;
    c.idx[i] = p.idx;
    c.lngE6[i] = Math.round(p.lng * 1e6);
    c.latE6[i] = Math.round(p.lat * 1e6);
    c.status[i] = STATUS_INDEX.get(p.status) ?? 0;
    c.ageSec[i] = Math.max(0, Math.min(255, Math.round(baseSec - p.at / 1000)));
  }
  return buffer;
}

/** Reads a frame as column views (no copy). Throws on a frame this version cannot read. */
export function readPositionsFrame(data: ArrayBuffer | ArrayBufferView): FrameColumns {
  // Socket.IO delivers an ArrayBuffer in browsers and a Buffer (a view on a shared pool) in Node.
  const view = ArrayBuffer.isView(data) ? data : new Uint8Array(data);
  // Typed arrays need 4-byte alignment: copy when the view does not start on a boundary.
  const aligned =
    view.byteOffset % 4 === 0
      ? view
      : new Uint8Array(new Uint8Array(view.buffer, view.byteOffset, view.byteLength));
  const buffer = aligned.buffer as ArrayBuffer;
  if (aligned.byteLength < POSITIONS_HEADER_BYTES) throw new Error('positions frame too short');
  const header = new DataView(buffer, aligned.byteOffset, POSITIONS_HEADER_BYTES);
  if (header.getUint8(0) !== POSITIONS_FRAME_MAGIC) throw new Error('not a positions frame');
  const version = header.getUint8(1);
  if (version !== POSITIONS_FRAME_VERSION) throw new Error(`positions frame version ${version} not supported`);
  const count = header.getUint32(12, true);
  if (aligned.byteLength < frameByteLength(count)) throw new Error('positions frame truncated');
  return {
    tick: header.getUint32(4, true),
    baseTimeSec: header.getUint32(8, true),
    ...columns(buffer, aligned.byteOffset, count),
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
      at: (c.baseTimeSec - c.ageSec[i]!) * 1000,
    });
  }
  return { tick: c.tick, baseTime: c.baseTimeSec * 1000, positions };
}
