/**
 * The compressed snapshot answer (shared/binary/snapshotGzip.ts, server/transport/socket/snapshotAnswer.ts):
 * compressed once per snapshot object, cut into parts under the deflate threshold, decoded back to
 * the same snapshot with the answer's own time, focuses and alerts — also when the parts arrive as
 * ArrayBuffers (a browser) and when there are many of them.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeSnapshotGzip, decodeSubscribeResult, SNAPSHOT_PART_BYTES } from '@shared/binary/snapshotGzip';
import type { Snapshot } from '@shared/schemas/live';
import { compressSnapshot, snapshotAnswer } from '../../server/transport/socket/snapshotAnswer';

/** not a valid snapshot for a hub, but one the codec must carry unchanged: text that hardly compresses */
function bulkySnapshot(kb: number): Snapshot {
  const noise = Array.from({ length: kb }, (_, i) => `${i}:${randomBytes(512).toString('base64')}·网格`);
  return { protocolVersion: 5, seq: 42, serverTime: 1_000, noise } as unknown as Snapshot;
}

const NOW = { serverTime: 2_000, focuses: [], alerts: [] };

describe('compressed snapshot answers', () => {
  it('many parts, each under the deflate threshold, decoded in order to the same snapshot with the answer’s time', async () => {
    const snapshot = bulkySnapshot(1_200);
    const answer = await snapshotAnswer(snapshot, NOW, 'gzip');
    if (answer.mode !== 'snapshot-gzip') throw new Error('expected a compressed answer');
    expect(answer.parts.length).toBeGreaterThan(2);
    for (const part of answer.parts) expect(part.byteLength).toBeLessThanOrEqual(SNAPSHOT_PART_BYTES);
    expect(answer.jsonBytes).toBe(Buffer.byteLength(JSON.stringify(snapshot)));
    expect(decodeSnapshotGzip(answer)).toEqual({ ...snapshot, ...NOW });
    // as a browser receives them: ArrayBuffers, not Buffers
    const asArrayBuffers = answer.parts.map((p) => {
      const bytes = p instanceof Uint8Array ? p : new Uint8Array(p);
      const copy = new ArrayBuffer(bytes.byteLength);
      new Uint8Array(copy).set(bytes);
      return copy;
    });
    expect(decodeSubscribeResult({ ...answer, parts: asArrayBuffers })).toEqual({ mode: 'snapshot', snapshot: { ...snapshot, ...NOW } });
  });

  it('compressed once per snapshot object: a second answer is handed the same parts', async () => {
    const snapshot = bulkySnapshot(10);
    const [a, b] = await Promise.all([compressSnapshot(snapshot), compressSnapshot(snapshot)]);
    expect(b).toBe(a);
    const again = await snapshotAnswer(snapshot, { ...NOW, serverTime: 3_000 }, 'gzip');
    if (again.mode !== 'snapshot-gzip') throw new Error('expected a compressed answer');
    expect(again.parts[0]).toBe(a.parts[0]);
    expect(decodeSnapshotGzip(again).serverTime).toBe(3_000);
  });

  it('without the encoding asked for: the snapshot as an object, with the answer’s time', async () => {
    const snapshot = bulkySnapshot(1);
    expect(await snapshotAnswer(snapshot, NOW, undefined)).toEqual({ mode: 'snapshot', snapshot: { ...snapshot, ...NOW } });
  });
});
