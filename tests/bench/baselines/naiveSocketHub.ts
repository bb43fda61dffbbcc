/**
 * Baseline (a) of the positions benchmark: the naive Socket.IO hub. It takes the same binary
 * batches at POST /api/positions (so that ingest parsing is not what differs) and emits one JSON
 * event per position to every connected wall, as a first version of a hub would. No regions, no
 * coalescing, no rate: what the real hub's frames are measured against.
 */
import { createServer } from 'node:http';
import { Server } from 'socket.io';
import { readPositionsBatch } from '@shared/binary/positionsBatch';
import type { BaselineHub } from './wsHub';

export async function startNaiveSocketHub(patrols: number): Promise<BaselineHub> {
  let accepted = 0;
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
          if (cols.idx[i]! >= patrols) continue;
          io.emit('position', { idx: cols.idx[i]!, lng: cols.lng[i]!, lat: cols.lat[i]!, at: cols.at[i]! });
          accepted++;
        }
        res.writeHead(202, { 'content-type': 'application/json' }).end(JSON.stringify({ accepted: cols.count }));
      } catch (error) {
        res.writeHead(400).end(String(error));
      }
    });
  });
  const io = new Server(httpServer, { serveClient: false });
  const port = await new Promise<number>((resolve) =>
    httpServer.listen(0, '127.0.0.1', () => {
      const a = httpServer.address();
      resolve(typeof a === 'object' && a ? a.port : 0);
    }),
  );
  return {
    port,
    accepted: () => accepted,
    close: () => new Promise<void>((resolve) => io.close(() => resolve())),
  };
}
