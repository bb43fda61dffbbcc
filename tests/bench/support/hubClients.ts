/**
 * Clients of a hub running in its own process, shared by the benchmarks that open walls on it
 * (snapshot.bench.ts, hubStalls.bench.ts): one Socket.IO subscription answered by a snapshot, and
 * the regions a wall would open at each level.
 */
import { io } from 'socket.io-client';
import { PROTOCOL_VERSION, type Hello } from '@shared/events';
import type { Region } from '@shared/schemas/region';
import type { SubscribeResult } from '@shared/schemas/live';
import { decodeSubscribeResult } from '@shared/binary/snapshotGzip';

/**
 * A new connection subscribing to `region` with every layer: the time to its snapshot (decoded),
 * the snapshot's JSON size, the bytes its answer carried (the compressed parts for `gzip`; for an
 * object, its JSON), details, and how often the hub said HUB_BUSY first (too many plain answers
 * of a large region unsent at once: asked again at the hub's next heartbeat, as a client is told to retry).
 */
export function subscribeOnce(url: string, region: string, encoding?: 'gzip'): Promise<{ ms: number; bytes: number; sentBytes: number; detail: string; busy: number }> {
  return new Promise((resolve, reject) => {
    const socket = io(url, { transports: ['websocket'], forceNew: true, reconnection: false, timeout: 600_000 });
    socket.once('connect_error', reject);
    socket.once('hello', (_hello: Hello) => {
      const t0 = performance.now();
      let busy = 0;
      const request = { protocolVersion: PROTOCOL_VERSION, region, layers: ['incidents', 'patrols', 'cameras', 'stats'], ...(encoding ? { snapshotEncoding: encoding } : {}) };
      const ask = () =>
        socket.timeout(600_000).emit('subscribe', request, (err: Error | null, ack: { ok: boolean; error?: string; data: SubscribeResult }) => {
          if (!err && !ack.ok && ack.error === 'HUB_BUSY') {
            busy++;
            // asked again at the hub's next heartbeat (one a second): an event of the hub, not a guessed wait
            socket.once('heartbeat', ask);
            return;
          }
          if (err || !ack.ok || ack.data.mode === 'resume') {
            socket.close();
            return reject(err ?? new Error(JSON.stringify(ack).slice(0, 300)));
          }
          const answer = ack.data;
          const s = decodeSubscribeResult(answer);
          const ms = performance.now() - t0;
          socket.close();
          if (s.mode !== 'snapshot') return reject(new Error('not a snapshot'));
          const bytes = JSON.stringify(s.snapshot).length;
          resolve({ ms, bytes, sentBytes: answer.mode === 'snapshot-gzip' ? answer.gzipBytes : bytes, detail: Object.entries(s.snapshot.detail).map(([k, v]) => `${k}:${v}`).join(' '), busy });
        });
      ask();
    });
  });
}

/** the root, the fifth district in code order and that district's first street */
export async function regionsOf(url: string): Promise<{ root: Region; district: Region; street: Region }> {
  const all = ((await (await fetch(`${url}/api/regions?level=district`)).json()) as { regions: Region[] }).regions;
  const root = ((await (await fetch(`${url}/api/regions?level=city`)).json()) as { regions: Region[] }).regions[0]!;
  const district = all.sort((a, b) => a.code.localeCompare(b.code))[4] ?? all[0]!;
  const streets = ((await (await fetch(`${url}/api/regions?level=street&within=${district.code}`)).json()) as { regions: Region[] }).regions;
  return { root, district, street: streets[0]! };
}
