/**
 * The walls of the positions benchmark: N clients of one hub, in the benchmark's own process,
 * counting the positions and bytes they receive and each position's ingest → wall latency (now
 * minus the fix time the loader stamped: in frames, base time minus age, to the millisecond).
 *
 *   hub    socket.io-client, subscribed to its own region (layer patrols, the default 4 Hz)
 *   naive  socket.io-client, one JSON `position` event per fix
 *   ws     a raw WebSocket (`ws`), one binary frame per tick
 */
import { io, type Socket } from 'socket.io-client';
import WebSocket from 'ws';
import { PROTOCOL_VERSION } from '@shared/events';
import { readPositionsFrame } from '@shared/binary/positionsFrame';

const MAX_MS = 60_000;

export class WallStats {
  positions = 0;
  frames = 0;
  bytes = 0;
  /** latency histogram in whole ms; the last bucket holds everything at or beyond MAX_MS */
  readonly latency = new Uint32Array(MAX_MS + 1);

  reset(): void {
    this.positions = 0;
    this.frames = 0;
    this.bytes = 0;
    this.latency.fill(0);
  }

  note(latencyMs: number): void {
    const ms = latencyMs < 0 ? 0 : latencyMs > MAX_MS ? MAX_MS : Math.round(latencyMs);
    this.latency[ms]!++;
  }

  /** the latency at quantile q (0–1), ms; NaN without samples */
  quantile(q: number): number {
    const total = this.latency.reduce((a, b) => a + b, 0);
    if (total === 0) return NaN;
    const want = Math.ceil(q * total);
    let seen = 0;
    for (let ms = 0; ms <= MAX_MS; ms++) {
      seen += this.latency[ms]!;
      if (seen >= want) return ms;
    }
    return MAX_MS;
  }
}

export type WallKind = 'hub' | 'naive' | 'ws';

export interface Walls {
  stats: WallStats;
  close(): void;
}

function onFrame(stats: WallStats, data: ArrayBuffer | ArrayBufferView): void {
  const now = Date.now();
  const f = readPositionsFrame(data);
  stats.frames++;
  stats.positions += f.count;
  stats.bytes += data.byteLength;
  for (let i = 0; i < f.count; i++) stats.note(now - (f.baseTimeMs - f.ageMs[i]!));
}

function connectSocketIo(url: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    // Socket.IO's own connection timeout ends a hang with connect_error: no timer of ours
    const socket = io(url, { transports: ['websocket'], forceNew: true, reconnection: false, timeout: 60_000 });
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (e) => reject(new Error(`no connection to ${url}: ${e.message}`)));
  });
}

/** connects the walls one after the other (a hub's snapshots are sent one at a time) */
export async function connectWalls(kind: WallKind, url: string, regions: readonly string[]): Promise<Walls> {
  const stats = new WallStats();
  const closers: (() => void)[] = [];
  for (const region of regions) {
    if (kind === 'ws') {
      const ws = new WebSocket(url.replace(/^http/, 'ws'));
      await new Promise<void>((resolve, reject) => {
        ws.once('open', () => resolve());
        ws.once('error', reject);
      });
      ws.on('message', (data: Buffer) => onFrame(stats, data));
      closers.push(() => ws.terminate());
      continue;
    }
    const socket = await connectSocketIo(url);
    closers.push(() => socket.close());
    if (kind === 'naive') {
      let n = 0;
      socket.on('position', (p: { idx: number; lng: number; lat: number; at: number }) => {
        stats.positions++;
        stats.frames++;
        // the size of the packet on the wire, sampled (stringifying each would cost this process more than the hub)
        if (n++ % 100 === 0) stats.bytes += 100 * (JSON.stringify(['position', p]).length + 2);
        stats.note(Date.now() - p.at);
      });
      continue;
    }
    socket.on('positions', (...frames: ArrayBuffer[]) => {
      for (const frame of frames) onFrame(stats, frame);
    });
    const ack = await new Promise<{ ok: boolean; message?: string }>((resolve) =>
      socket.timeout(120_000).emit('subscribe', { protocolVersion: PROTOCOL_VERSION, region, layers: ['patrols'] }, (err: unknown, answer: { ok: boolean; message?: string }) =>
        resolve(err ? { ok: false, message: String(err) } : answer),
      ),
    );
    if (!ack.ok) throw new Error(`subscribe ${region}: ${ack.message}`);
  }
  return {
    stats,
    close: () => {
      for (const close of closers) close();
    },
  };
}
