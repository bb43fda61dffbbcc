/**
 * A snapshot answer as the hub sends one to a client that asks for `snapshotEncoding: 'gzip'`
 * (server/transport/socket/snapshotAnswer.ts), made here with fflate so that the browser-side
 * decoding is exercised: the parts arrive as ArrayBuffers, the last one shorter.
 */
import { gzipSync, strToU8 } from 'fflate';
import type { Snapshot, SubscribeResult } from '@shared/schemas/live';

export function gzipAnswer(snapshot: Snapshot, partBytes = 64): SubscribeResult {
  const json = strToU8(JSON.stringify(snapshot));
  const gz = gzipSync(json);
  const parts: ArrayBuffer[] = [];
  for (let at = 0; at < gz.byteLength; at += partBytes) {
    const part = gz.subarray(at, at + partBytes);
    const copy = new ArrayBuffer(part.byteLength);
    new Uint8Array(copy).set(part);
    parts.push(copy);
  }
  return { mode: 'snapshot-gzip', parts, gzipBytes: gz.byteLength, jsonBytes: json.byteLength, serverTime: snapshot.serverTime, focuses: snapshot.focuses ?? [], alerts: snapshot.alerts ?? [] };
}
