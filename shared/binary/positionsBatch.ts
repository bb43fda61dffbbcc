/**
 * Binary batch of GPS fixes for `POST /api/positions` with `Content-Type: application/octet-stream`
 * (docs/protocol.md section 5): the fast ingest path, no JSON and no per-fix schema call.
 * Little-endian, struct of arrays, 16 bytes a fix:
 *
 *   header (16 bytes)
 *     0  u8   magic 0x46 ('F')
 *     1  u8   batch version (1)
 *     2  u16  reserved, 0
 *     4  u32  count n (1 … MAX_BINARY_FIXES)
 *     8  f64  base time, epoch milliseconds
 *   then
 *     u32[n] patrol idx (Patrol.idx from GET /api/patrols or a snapshot)
 *     i32[n] longitude × 1e6
 *     i32[n] latitude  × 1e6
 *     i32[n] fix time in milliseconds after the base time (negative: before it)
 *
 * The body is exactly 16 + 16·n bytes. This file holds the reference encoder and the structural
 * reader; what the values mean (ranges, area, known patrols, clock) is checked by the hub.
 */
export const BATCH_MAGIC = 0x46;
export const BATCH_VERSION = 1;
export const BATCH_HEADER_BYTES = 16;
export const BATCH_BYTES_PER_FIX = 16;
/** fixes in one batch, binary or columnar JSON (the per-position JSON batch keeps its 10,000) */
export const MAX_BINARY_FIXES = 50_000;
export const BATCH_CONTENT_TYPE = 'application/octet-stream';

export interface FixInput {
  idx: number;
  lng: number;
  lat: number;
  /** epoch ms */
  at: number;
}

/** fixes as columns, in degrees and epoch ms: what every ingest format is read into */
export interface FixColumns {
  count: number;
  idx: Uint32Array;
  lng: Float64Array;
  lat: Float64Array;
  at: Float64Array;
}

export function batchByteLength(count: number): number {
  return BATCH_HEADER_BYTES + count * BATCH_BYTES_PER_FIX;
}

/** Reference encoder. The base time is the first fix's time unless given. */
export function encodePositionsBatch(fixes: readonly FixInput[], baseTimeMs = fixes[0]?.at ?? 0): Uint8Array<ArrayBuffer> {
  const n = fixes.length;
  const buffer = new ArrayBuffer(batchByteLength(n));
  const header = new DataView(buffer);
  header.setUint8(0, BATCH_MAGIC);
  header.setUint8(1, BATCH_VERSION);
  header.setUint16(2, 0, true);
  header.setUint32(4, n, true);
  header.setFloat64(8, baseTimeMs, true);
  const idx = new Uint32Array(buffer, BATCH_HEADER_BYTES, n);
  const lng = new Int32Array(buffer, BATCH_HEADER_BYTES + 4 * n, n);
  const lat = new Int32Array(buffer, BATCH_HEADER_BYTES + 8 * n, n);
  const dt = new Int32Array(buffer, BATCH_HEADER_BYTES + 12 * n, n);
  for (let i = 0; i < n; i++) {
    const f = fixes[i]!;
    idx[i] = f.idx;
    lng[i] = Math.round(f.lng * 1e6);
    lat[i] = Math.round(f.lat * 1e6);
    dt[i] = Math.round(f.at - baseTimeMs);
  }
  return new Uint8Array(buffer);
}

export class BatchFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BatchFormatError';
  }
}

/** Reads the structure of a binary batch into columns; throws BatchFormatError naming what is wrong. */
export function readPositionsBatch(data: ArrayBufferView): FixColumns {
  if (data.byteLength < BATCH_HEADER_BYTES) throw new BatchFormatError(`A binary position batch has a 16-byte header; the body has ${data.byteLength} bytes.`);
  // typed-array views need 4-byte alignment; Node's pooled Buffers may not have it
  const bytes = data.byteOffset % 4 === 0 ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : new Uint8Array(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  const header = new DataView(bytes.buffer, bytes.byteOffset, BATCH_HEADER_BYTES);
  if (header.getUint8(0) !== BATCH_MAGIC) throw new BatchFormatError(`Not a position batch: the first byte must be 0x46 ('F').`);
  const version = header.getUint8(1);
  if (version !== BATCH_VERSION) throw new BatchFormatError(`Position batch version ${version} is not supported (this hub reads version ${BATCH_VERSION}).`);
  const n = header.getUint32(4, true);
  if (n < 1 || n > MAX_BINARY_FIXES) throw new BatchFormatError(`A batch holds 1 to ${MAX_BINARY_FIXES} fixes; the header says ${n}.`);
  if (bytes.byteLength !== batchByteLength(n)) throw new BatchFormatError(`A batch of ${n} fixes is ${batchByteLength(n)} bytes; the body has ${bytes.byteLength}.`);
  const base = header.getFloat64(8, true);
  if (!Number.isInteger(base) || base < 0) throw new BatchFormatError('The base time must be a whole, non-negative number of epoch milliseconds.');
  const start = bytes.byteOffset + BATCH_HEADER_BYTES;
  const lngE6 = new Int32Array(bytes.buffer, start + 4 * n, n);
  const latE6 = new Int32Array(bytes.buffer, start + 8 * n, n);
  const dt = new Int32Array(bytes.buffer, start + 12 * n, n);
  const lng = new Float64Array(n);
  const lat = new Float64Array(n);
  const at = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    lng[i] = lngE6[i]! / 1e6;
    lat[i] = latE6[i]! / 1e6;
    at[i] = base + dt[i]!;
  }
  return { count: n, idx: new Uint32Array(bytes.buffer, start, n), lng, lat, at };
}
