/**
 * GPS fixes of the whole roster through POST /api/positions (binary batches), round robin at a
 * fixed rate for as long as the day is replayed: each patrol walks a little around its grid's
 * centre. The rate is the simulator's own cap (5,000 fixes a second, so a province's 243,722
 * patrols report about every 50 s, as its fleet does); positions are not compressed with the
 * day's clock — a fix is a fix whenever it comes. A batch that would exceed `maxInFlight`
 * requests is dropped and counted: an overloaded hub is measured, not queued for.
 */
import { Agent, request } from 'node:http';
import { BATCH_CONTENT_TYPE, encodePositionsBatch, type FixInput } from '@shared/binary/positionsBatch';
import { BENCH_INGEST_HEADERS } from './benchKey';

export interface PositionCounts {
  sent: number;
  accepted: number;
  ignored: number;
  dropped: number;
  refused: number;
  /** refusals by HTTP status, or the connection's error */
  refusedBy: Record<string, number>;
}

export interface PositionFeed {
  counts: PositionCounts;
  /** stops generating and waits (bounded) for the batches in flight */
  stop(): Promise<void>;
}

const TICK_MS = 50;

export function startPositionFeed(url: string, homes: Float64Array, ratePerSec: number, opts: { batchSize?: number; maxInFlight?: number } = {}): PositionFeed {
  const patrols = homes.length / 2;
  const batchSize = opts.batchSize ?? 5_000;
  const maxInFlight = opts.maxInFlight ?? 8;
  const target = new URL('/api/positions', url);
  const agent = new Agent({ keepAlive: true, maxSockets: maxInFlight });
  const counts: PositionCounts = { sent: 0, accepted: 0, ignored: 0, dropped: 0, refused: 0, refusedBy: {} };
  const refuse = (why: string, n: number) => {
    counts.refused += n;
    counts.refusedBy[why] = (counts.refusedBy[why] ?? 0) + n;
  };
  const offset = new Float32Array(patrols * 2);
  let next = 0;
  let due = 0;
  let inFlight = 0;
  const started = Date.now();

  const post = (body: Uint8Array, n: number, retry = true) => {
    if (retry) {
      inFlight++;
      counts.sent += n;
    }
    const req = request(target, { method: 'POST', agent, headers: { ...BENCH_INGEST_HEADERS, 'content-type': BATCH_CONTENT_TYPE, 'content-length': body.byteLength } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => {
        inFlight--;
        if (res.statusCode !== 202) return refuse(`HTTP ${res.statusCode}`, n);
        const answer = JSON.parse(text) as { accepted: number; ignored: number };
        counts.accepted += answer.accepted;
        counts.ignored += answer.ignored;
      });
    });
    req.on('error', (error: NodeJS.ErrnoException) => {
      // a kept-alive connection the hub closed as idle just as this batch went out: once more on a new one
      if (retry && error.code === 'ECONNRESET') return post(body, n, false);
      inFlight--;
      refuse(error.code ?? error.message.slice(0, 40), n);
    });
    req.end(body);
  };

  const timer = setInterval(() => {
    const wanted = Math.floor(((Date.now() - started) / 1000) * ratePerSec);
    while (due < wanted) {
      const n = Math.min(batchSize, wanted - due);
      due += n;
      if (inFlight >= maxInFlight) {
        counts.dropped += n;
        continue;
      }
      const at = Date.now();
      const fixes: FixInput[] = new Array(n);
      for (let i = 0; i < n; i++) {
        const k = next;
        next = (next + 1) % patrols;
        // ±20 m a step, within ~500 m of the grid's centre
        const ox = Math.max(-0.005, Math.min(0.005, offset[2 * k]! + (Math.random() - 0.5) * 0.0004));
        const oy = Math.max(-0.005, Math.min(0.005, offset[2 * k + 1]! + (Math.random() - 0.5) * 0.0004));
        offset[2 * k] = ox;
        offset[2 * k + 1] = oy;
        fixes[i] = { idx: k, lng: homes[2 * k]! + ox, lat: homes[2 * k + 1]! + oy, at };
      }
      post(encodePositionsBatch(fixes, at), n);
    }
  }, TICK_MS);

  return {
    counts,
    async stop() {
      clearInterval(timer);
      const until = Date.now() + 10_000;
      while (inFlight > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
      agent.destroy();
    },
  };
}
