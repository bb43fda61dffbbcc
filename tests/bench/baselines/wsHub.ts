/**
 * Baseline (b) of the positions benchmark: a raw `ws` hub. It takes the same binary batches at
 * POST /api/positions, keeps the latest fix per patrol in typed arrays, and every tick (250 ms)
 * sends one binary frame (the hub's own version-2 format) of what moved to every wall. No regions,
 * no Socket.IO, no validation beyond the batch's structure: about the least CPU a hub can spend
 * per delivered position, the bound the real hub is compared with.
 */
import { createServer } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import { readPositionsBatch } from '@shared/binary/positionsBatch';
import { createPositionsFrame } from '@shared/binary/positionsFrame';

export interface BaselineHub {
  port: number;
  /** fixes taken since start */
  accepted(): number;
  close(): Promise<void>;
}

/** a client whose socket holds more than this unsent is skipped for a tick (lossy, like volatile) */
const SKIP_ABOVE_BYTES = 1 << 20;

export async function startWsHub(patrols: number, tickMs = 250): Promise<BaselineHub> {
  let accepted = 0;
  const lng = new Float64Array(patrols);
  const lat = new Float64Array(patrols);
  const at = new Float64Array(patrols);
  const dirty = new Uint8Array(patrols);
  let moved: number[] = [];
  let tick = 0;

  const httpServer = createServer((req, res) => {
    if (req.method !== 'POST' || req.url !== '/api/positions') {
      res.writeHead(404).end();
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      try {
        const cols = readPositionsBatch(Buffer.concat(chunks));
        for (let i = 0; i < cols.count; i++) {
          const k = cols.idx[i]!;
          if (k >= patrols || cols.at[i]! < at[k]!) continue;
          lng[k] = cols.lng[i]!;
          lat[k] = cols.lat[i]!;
          at[k] = cols.at[i]!;
          if (!dirty[k]) {
            dirty[k] = 1;
            moved.push(k);
          }
          accepted++;
        }
        res.writeHead(202, { 'content-type': 'application/json' }).end(JSON.stringify({ accepted: cols.count }));
      } catch (error) {
        res.writeHead(400).end(String(error));
      }
    });
  });
  const wss = new WebSocketServer({ server: httpServer });
  const clients = new Set<WebSocket>();
  wss.on('connection', (ws) => {
    clients.add(ws);
    ws.on('close', () => clients.delete(ws));
  });

  const timer = setInterval(() => {
    tick++;
    const list = moved;
    moved = [];
    if (list.length === 0) return;
    const now = Date.now();
    const w = createPositionsFrame(tick, now, list.length);
    list.forEach((k, i) => {
      dirty[k] = 0;
      w.idx[i] = k;
      w.lngE6[i] = Math.round(lng[k]! * 1e6);
      w.latE6[i] = Math.round(lat[k]! * 1e6);
      w.ageMs[i] = Math.round(now - at[k]!);
      w.status[i] = 1;
    });
    const frame = Buffer.from(w.buffer);
    for (const ws of clients) if (ws.bufferedAmount < SKIP_ABOVE_BYTES) ws.send(frame, { binary: true });
  }, tickMs);

  const port = await new Promise<number>((resolve) =>
    httpServer.listen(0, '127.0.0.1', () => {
      const a = httpServer.address();
      resolve(typeof a === 'object' && a ? a.port : 0);
    }),
  );
  return {
    port,
    accepted: () => accepted,
    close: async () => {
      clearInterval(timer);
      for (const ws of clients) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
    },
  };
}
