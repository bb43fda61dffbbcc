/**
 * A snapshot answer compressed once and shared (`snapshotEncoding: 'gzip'`, docs/protocol.md
 * section 2): the snapshot's UTF-8 JSON, gzip-compressed, cut into parts of at most
 * SNAPSHOT_PART_BYTES. Socket.IO sends each part as a binary WebSocket frame holding the very
 * bytes the hub compressed, so twenty walls opening a province root hold one compressed copy
 * between them instead of twenty JSON encodings; the parts stay under the hub's deflate threshold,
 * so they are not compressed a second time per connection.
 *
 * Decoding is synchronous (fflate): the client keeps the deltas that arrive meanwhile in the same
 * turn as the answer, exactly as for an object snapshot.
 */
import { gunzipSync } from 'fflate';
import type { Snapshot, SubscribeResult } from '../schemas/live';

/** below the hub's per-message deflate threshold (256 KiB): a part is sent as it is */
export const SNAPSHOT_PART_BYTES = 192 * 1024;

export type SnapshotGzipAnswer = Extract<SubscribeResult, { mode: 'snapshot-gzip' }>;

function bytesOf(part: ArrayBuffer | Uint8Array): Uint8Array {
  return part instanceof Uint8Array ? part : new Uint8Array(part);
}

/** the snapshot an answer carries, with the answer's own time, focuses and alerts */
export function decodeSnapshotGzip(answer: SnapshotGzipAnswer): Snapshot {
  const parts = answer.parts.map(bytesOf);
  const joined = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const part of parts) {
    joined.set(part, at);
    at += part.byteLength;
  }
  const snapshot = JSON.parse(new TextDecoder().decode(gunzipSync(joined))) as Snapshot;
  return { ...snapshot, serverTime: answer.serverTime, focuses: answer.focuses, alerts: answer.alerts };
}

/** a subscription's answer with any compressed snapshot decoded: what a client applies */
export function decodeSubscribeResult(result: SubscribeResult): Exclude<SubscribeResult, SnapshotGzipAnswer> {
  return result.mode === 'snapshot-gzip' ? { mode: 'snapshot', snapshot: decodeSnapshotGzip(result) } : result;
}
