/**
 * The load generator of the positions benchmark, in a process of its own: fixes for N patrols at
 * R fixes a second through the documented ingest path (binary batches at POST /api/positions,
 * shared/binary/positionsBatch.ts), over loopback, for a warm-up and a measured stretch, then it
 * exits. Bounded in time and count. Each patrol walks a little around its grid's centre; every fix
 * is stamped with the time it was put in a batch, so the walls measure ingest → wall latency from
 * the frames' millisecond fix times. A batch that would exceed `maxInFlight` requests is dropped
 * and counted (an overloaded hub is measured, not queued for).
 *
 * Started by positions.bench.ts with IPC; it receives one `start` message and reports `measuring`
 * when the warm-up is over and `done` with its counts at the end.
 */
import { Agent, request } from 'node:http';
import { BATCH_CONTENT_TYPE, encodePositionsBatch, type FixInput } from '@shared/binary/positionsBatch';
import { patrolHomes } from './positionsWorld';
import { BENCH_INGEST_HEADERS } from './benchKey';

export interface LoaderConfig {
  url: string;
  patrols: number;
  ratePerSec: number;
  warmupMs: number;
  measureMs: number;
  maxInFlight: number;
  /** fixes per batch at most */
  batchSize: number;
}

export interface LoaderCounts {
  sent: number;
  acknowledged: number;
  dropped: number;
  refused: number;
  errors: number;
}

/** `measuring`: the warm-up is over; `measured`: the measured stretch is over; `done`: answers drained, exiting */
export type LoaderMessage = { type: 'measuring' | 'measured' | 'done'; counts: LoaderCounts };

const TICK_MS = 20;

function run(cfg: LoaderConfig): void {
  const target = new URL('/api/positions', cfg.url);
  const agent = new Agent({ keepAlive: true, maxSockets: cfg.maxInFlight });
  const counts: LoaderCounts = { sent: 0, acknowledged: 0, dropped: 0, refused: 0, errors: 0 };
  const homes = patrolHomes(cfg.patrols);
  const offset = new Float64Array(cfg.patrols * 2);
  let next = 0; // the next patrol to move (round robin)
  let due = 0; // fixes generated or dropped so far
  let inFlight = 0;
  const started = Date.now();
  let measuring = false;
  const end = started + cfg.warmupMs + cfg.measureMs;
  const send = (m: LoaderMessage) => process.send?.(m);

  const post = (body: Uint8Array, n: number) => {
    inFlight++;
    counts.sent += n;
    const req = request(target, { method: 'POST', agent, headers: { ...BENCH_INGEST_HEADERS, 'content-type': BATCH_CONTENT_TYPE, 'content-length': body.byteLength } }, (res) => {
      res.resume();
      res.on('end', () => {
        inFlight--;
        if (res.statusCode === 202) counts.acknowledged += n;
        else counts.refused += n;
      });
    });
    req.on('error', () => {
      inFlight--;
      counts.errors += n;
    });
    req.end(body);
  };

  const timer = setInterval(() => {
    const now = Date.now();
    if (!measuring && now >= started + cfg.warmupMs) {
      measuring = true;
      send({ type: 'measuring', counts: { ...counts } });
    }
    if (now >= end) {
      clearInterval(timer);
      send({ type: 'measured', counts: { ...counts } });
      // let the last answers arrive (bounded: a hub that never answers is reported as it is)
      const finish = Date.now() + 5_000;
      const wait = setInterval(() => {
        if (inFlight > 0 && Date.now() < finish) return;
        clearInterval(wait);
        send({ type: 'done', counts });
        agent.destroy();
        setTimeout(() => process.exit(0), 50);
      }, 20);
      return;
    }
    const target = Math.floor(((now - started) / 1000) * cfg.ratePerSec);
    while (due < target) {
      const n = Math.min(cfg.batchSize, target - due);
      due += n;
      if (inFlight >= cfg.maxInFlight) {
        counts.dropped += n;
        continue;
      }
      const fixes: FixInput[] = new Array(n);
      const at = Date.now();
      for (let i = 0; i < n; i++) {
        const k = next;
        next = (next + 1) % cfg.patrols;
        // a small random walk (±20 m a step) that stays within ~500 m of home
        const ox = Math.max(-0.005, Math.min(0.005, offset[2 * k]! + (Math.random() - 0.5) * 0.0004));
        const oy = Math.max(-0.005, Math.min(0.005, offset[2 * k + 1]! + (Math.random() - 0.5) * 0.0004));
        offset[2 * k] = ox;
        offset[2 * k + 1] = oy;
        fixes[i] = { idx: k, lng: homes[2 * k]! + ox, lat: homes[2 * k + 1]! + oy, at };
      }
      post(encodePositionsBatch(fixes, at), n);
    }
  }, TICK_MS);
}

process.once('message', (m: { type: string; config: LoaderConfig }) => {
  if (m.type === 'start') run(m.config);
});
process.on('disconnect', () => process.exit(0));
