/**
 * The batch of patrol fixes one hub node publishes to the others on Redis (server/cluster/README.md).
 * Little-endian, struct of arrays, about 13 bytes and the patrol id a fix:
 *
 *   header (20 bytes)
 *     0  u8   magic 0x52 ('R')
 *     1  u8   version (1)
 *     2  u8   byte length L of the sender's NODE_ID (1 … 255)
 *     3  u8   reserved, 0
 *     4  u32  run: random per process start (a node restarted under the same NODE_ID is another run)
 *     8  u32  count n (1 … MAX_RELAY_FIXES)
 *    12  f64  base time, epoch milliseconds
 *   then
 *     L bytes    NODE_ID, UTF-8
 *     i32[n]     longitude × 1e7 (1 cm; the walls' frames carry 1e-6)
 *     i32[n]     latitude  × 1e7
 *     i32[n]     fix time in ms after the base time (negative: before it)
 *     n × (u8 byte length 1 … 255, then the patrol id in UTF-8)
 *
 * Patrols go by id, not by idx: a node's idx comes with its roster, and another node may not hold
 * the same roster yet (one loaded on one node reaches the others later). The body is exactly as
 * long as that; anything else is refused. `decodeRelayBatch` never throws: a message from the
 * channel is data from outside, and a malformed one must be counted and dropped, never crash a node.
 */
export const RELAY_MAGIC = 0x52;
export const RELAY_VERSION = 1;
export const RELAY_HEADER_BYTES = 20;
/** fixes in one message: a tick with more is sent as several (a message is then about 250 KB) */
export const MAX_RELAY_FIXES = 16_384;
const SCALE = 1e7;
const MAX_OFFSET_MS = 2_147_483_647;

export interface RelayBatch {
  /** the sender's NODE_ID */
  node: string;
  /** the sender's run */
  run: number;
  count: number;
  patrolIds: string[];
  lng: Float64Array;
  lat: Float64Array;
  /** epoch ms */
  at: Float64Array;
}

export interface RelayFix {
  patrolId: string;
  lng: number;
  lat: number;
  at: number;
}

export type Decoded = { ok: true; batch: RelayBatch } | { ok: false; reason: string };

const utf8 = new TextEncoder();
// fatal: an id that is not valid UTF-8 is a malformed message, not a patrol with a replacement character in its name
const utf8Strict = new TextDecoder('utf-8', { fatal: true });

/** the encoder: throws on what the sender itself must never produce (a bug, not data) */
export function encodeRelayBatch(node: string, run: number, fixes: readonly RelayFix[]): Uint8Array {
  const n = fixes.length;
  if (n < 1 || n > MAX_RELAY_FIXES) throw new RangeError(`a relay batch holds 1 to ${MAX_RELAY_FIXES} fixes, not ${n}`);
  const nodeBytes = utf8.encode(node);
  if (nodeBytes.length < 1 || nodeBytes.length > 255) throw new RangeError('a node id is 1 to 255 bytes of UTF-8');
  const ids = fixes.map((f) => utf8.encode(f.patrolId));
  let idBytes = 0;
  for (const id of ids) {
    if (id.length < 1 || id.length > 255) throw new RangeError('a patrol id is 1 to 255 bytes of UTF-8');
    idBytes += 1 + id.length;
  }
  const base = fixes[0]!.at;
  const out = new Uint8Array(RELAY_HEADER_BYTES + nodeBytes.length + n * 12 + idBytes);
  const view = new DataView(out.buffer);
  view.setUint8(0, RELAY_MAGIC);
  view.setUint8(1, RELAY_VERSION);
  view.setUint8(2, nodeBytes.length);
  view.setUint32(4, run >>> 0, true);
  view.setUint32(8, n, true);
  view.setFloat64(12, base, true);
  let o = RELAY_HEADER_BYTES;
  out.set(nodeBytes, o);
  o += nodeBytes.length;
  for (const f of fixes) (view.setInt32(o, Math.round(f.lng * SCALE), true), (o += 4));
  for (const f of fixes) (view.setInt32(o, Math.round(f.lat * SCALE), true), (o += 4));
  for (const f of fixes) {
    const offset = Math.round(f.at - base);
    if (!(Math.abs(offset) <= MAX_OFFSET_MS)) throw new RangeError('the fixes of one relay batch lie more than 24 days apart');
    view.setInt32(o, offset, true);
    o += 4;
  }
  for (const id of ids) {
    out[o++] = id.length;
    out.set(id, o);
    o += id.length;
  }
  return out;
}

/** reads a message from the channel; refuses (with why) anything that is not exactly a batch */
export function decodeRelayBatch(body: Uint8Array): Decoded {
  const refuse = (reason: string): Decoded => ({ ok: false, reason });
  if (body.length < RELAY_HEADER_BYTES) return refuse(`shorter than the ${RELAY_HEADER_BYTES}-byte header`);
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  if (view.getUint8(0) !== RELAY_MAGIC) return refuse('not a relay batch (magic)');
  if (view.getUint8(1) !== RELAY_VERSION) return refuse(`relay batch version ${view.getUint8(1)}, this node reads ${RELAY_VERSION}`);
  const nodeLength = view.getUint8(2);
  const run = view.getUint32(4, true);
  const n = view.getUint32(8, true);
  const base = view.getFloat64(12, true);
  if (nodeLength < 1) return refuse('no node id');
  if (n < 1 || n > MAX_RELAY_FIXES) return refuse(`count ${n} outside 1 … ${MAX_RELAY_FIXES}`);
  if (!Number.isFinite(base)) return refuse('base time is not a number');
  const columns = RELAY_HEADER_BYTES + nodeLength + n * 12;
  // each id takes at least 2 bytes: a count the body cannot hold is refused before anything is allocated for it
  if (body.length < columns + 2 * n) return refuse('shorter than its count says');
  let node: string;
  try {
    node = utf8Strict.decode(body.subarray(RELAY_HEADER_BYTES, RELAY_HEADER_BYTES + nodeLength));
  } catch {
    return refuse('node id is not UTF-8');
  }
  const lng = new Float64Array(n);
  const lat = new Float64Array(n);
  const at = new Float64Array(n);
  let o = RELAY_HEADER_BYTES + nodeLength;
  for (let i = 0; i < n; i++, o += 4) lng[i] = view.getInt32(o, true) / SCALE;
  for (let i = 0; i < n; i++, o += 4) lat[i] = view.getInt32(o, true) / SCALE;
  for (let i = 0; i < n; i++, o += 4) at[i] = base + view.getInt32(o, true);
  for (let i = 0; i < n; i++) {
    if (!(Math.abs(lng[i]!) <= 180 && Math.abs(lat[i]!) <= 90)) return refuse(`fix ${i} lies outside −180…180, −90…90`);
  }
  const patrolIds: string[] = new Array<string>(n);
  for (let i = 0; i < n; i++) {
    const length = o < body.length ? body[o]! : 0;
    if (length < 1 || o + 1 + length > body.length) return refuse(`patrol id ${i} is empty or runs past the end`);
    try {
      patrolIds[i] = utf8Strict.decode(body.subarray(o + 1, o + 1 + length));
    } catch {
      return refuse(`patrol id ${i} is not UTF-8`);
    }
    o += 1 + length;
  }
  if (o !== body.length) return refuse(`${body.length - o} bytes after the last patrol id`);
  return { ok: true, batch: { node, run, count: n, patrolIds, lng, lat, at } };
}
