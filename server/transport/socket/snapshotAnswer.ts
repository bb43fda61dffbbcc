/**
 * A snapshot as the client asked for it: an object (encoded by Socket.IO for this answer) or
 * compressed once and shared (`snapshotEncoding: 'gzip'`, shared/binary/snapshotGzip.ts).
 *
 * Why (issue 17 part 1): Socket.IO encodes each acknowledgement on its own, so twenty walls opening
 * a province root made twenty JSON strings of its multi-megabyte snapshot, each held until its
 * socket had written it (and deflated once more per socket). A snapshot shared between walls
 * (readModel.sharedSnapshot) is now stringified and gzip-compressed once — the compression on
 * libuv's thread pool, not the event loop — and every answer hands Engine.IO references to the
 * same parts.
 */
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { SNAPSHOT_PART_BYTES } from '@shared/binary/snapshotGzip';
import type { Alert } from '@shared/schemas/alert';
import type { Focus } from '@shared/schemas/focus';
import type { Snapshot, SubscribeResult } from '@shared/schemas/live';

const gzipAsync = promisify(gzip);

export interface CompressedSnapshot {
  parts: Buffer[];
  gzipBytes: number;
  jsonBytes: number;
}

/** what an answer adds to a (possibly shared, a moment older) snapshot */
export interface AnswerNow {
  serverTime: number;
  focuses: Focus[];
  alerts: Alert[];
}

// keyed by the snapshot object itself: a shared snapshot is one object for every wall that gets
// it, and its compressed form goes when the read model lets the snapshot go
const compressed = new WeakMap<Snapshot, Promise<CompressedSnapshot>>();

export function compressSnapshot(snapshot: Snapshot): Promise<CompressedSnapshot> {
  let job = compressed.get(snapshot);
  if (!job) {
    job = (async () => {
      const json = Buffer.from(JSON.stringify(snapshot));
      // level 6 (zlib's default): about 8:1 on snapshots; higher levels cost several times the time for a few per cent
      const gz = await gzipAsync(json);
      const parts: Buffer[] = [];
      for (let at = 0; at < gz.byteLength; at += SNAPSHOT_PART_BYTES) parts.push(gz.subarray(at, at + SNAPSHOT_PART_BYTES));
      return { parts, gzipBytes: gz.byteLength, jsonBytes: json.byteLength };
    })();
    // a failed compression is not kept: the next answer tries again
    job.catch(() => compressed.delete(snapshot));
    compressed.set(snapshot, job);
  }
  return job;
}

export async function snapshotAnswer(snapshot: Snapshot, now: AnswerNow, encoding: 'gzip' | undefined): Promise<SubscribeResult> {
  if (encoding !== 'gzip') return { mode: 'snapshot', snapshot: { ...snapshot, ...now } };
  const { parts, gzipBytes, jsonBytes } = await compressSnapshot(snapshot);
  return { mode: 'snapshot-gzip', parts, gzipBytes, jsonBytes, ...now };
}
