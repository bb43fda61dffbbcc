/**
 * Hub nodes sharing one PostgreSQL database (issue 18): the same offered load on 1 node and on 3
 * real hub processes (`node --import tsx server/index.ts`, as clusterKill.test.ts starts them),
 * each on a fresh database dropped afterwards, positions relayed through Redis (REDIS_URL, a
 * CLUSTER_NAME of the run's own). WALLS socket.io walls on the root region (layer incidents) and
 * the reports POSTed over HTTP are both spread round-robin over the nodes; reports go out at a
 * fixed offered rate with at most IN_FLIGHT waiting.
 *
 * Per report: acknowledgement latency (due → HTTP 201) and, per wall, delivery latency (due →
 * its `incident:reported` delta), split by whether the wall is on the node that took the report
 * (local publish) or on another one (the follower path: NOTIFY at COMMIT, a read of the log, the
 * same delta re-published). Latency counts from when a report was due, as intake.bench.ts does,
 * so a backlog behind the in-flight bound cannot hide. At the end every wall's seqs are checked
 * against the log: every incident event once, in seq order — any miss, double or disorder counted.
 *
 * Baseline: 1 node (no following at all). A 3-node baseline without LISTEN/NOTIFY (followers on
 * their 1 s poll only) would need an option the hub does not have; server/ is not edited for it.
 *
 *   npx tsx tests/bench/cluster.bench.ts   (npm run bench -- cluster; BENCH_WALLS=30,
 *   BENCH_RATES=50,150, BENCH_SECONDS=15, TEST_DATABASE_URL, BENCH_REDIS_URL). Skipped loudly when
 *   PostgreSQL or Redis is unreachable. Figures printed and written to bench-results/cluster.json.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { PROTOCOL_VERSION } from '@shared/events';
import type { Delta, SubscribeResult } from '@shared/schemas/live';
import { whyPostgresUnreachable } from '../../server/store/postgresStore';
import { connectClient, grids, type TestClient } from '../integration/harness';
import { writeBenchResult } from './support/benchResults';
import { startHubProcess, type HubProcess } from '../support/hubProcess';
import { apartReportBody } from '../support/reportBodies';

const PG_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const WALLS = Number(process.env.BENCH_WALLS ?? 30);
const RATES = (process.env.BENCH_RATES ?? '50,150').split(',').map(Number);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const IN_FLIGHT = 64;
const KEY = 'gk_cluster-bench-key-0123456789abcdef01';

/** whether Redis answers PING (a plain socket: nothing to configure to find out) */
function whyRedisUnreachable(url: string): Promise<string | null> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const s = connect(Number(port || 6379), hostname);
    const done = (why: string | null) => (s.destroy(), resolve(why));
    s.setTimeout(30_000, () => done(`no answer from ${url} within 30 s`)); // only a hang
    s.on('error', (e) => done(`${url}: ${e.message}`));
    s.on('connect', () => s.write('PING\r\n'));
    s.on('data', (d) => done(d.toString().startsWith('+PONG') ? null : `${url} answered ${d.toString().trim()}`));
  });
}

type Node = HubProcess;
const startHub = (name: string, env: Record<string, string>) => startHubProcess(name, { ...env, INGEST_KEY: KEY, INGEST_RATES: 'reports=100000' });

interface Wall { node: number; socket: TestClient; seqs: number[]; arrived: Map<string, number>; since: number }

async function wall(url: string, node: number): Promise<Wall> {
  const { socket, rootRegion } = await connectClient(url);
  const w: Wall = { node, socket, seqs: [], arrived: new Map(), since: -1 };
  socket.on('incident:reported', (d: Delta & { type: 'incident:reported' }) => {
    w.arrived.set(d.incident.id, performance.now());
    w.seqs.push(d.seq);
    changed();
  });
  socket.on('incident:updated', (d: Delta) => {
    w.seqs.push(d.seq);
    changed();
  });
  const r = await new Promise<SubscribeResult>((resolve, reject) =>
    socket.emit('subscribe', { protocolVersion: PROTOCOL_VERSION, region: rootRegion, layers: ['incidents'] }, (ack) => (ack.ok ? resolve(ack.data) : reject(new Error(ack.message)))),
  );
  w.since = r.mode === 'snapshot' ? r.snapshot.seq : -1;
  return w;
}

const gs = grids();
const reportBody = (i: number) => apartReportBody(i, gs, 'bench');

const pct = (xs: number[], p: number) => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]! * 10) / 10;
};
const lat = (xs: number[]) => ({ n: xs.length, p50: pct(xs, 50), p95: pct(xs, 95), p99: pct(xs, 99), max: pct(xs, 100) });
const show = (l: ReturnType<typeof lat>) => (l.n ? `p50 ${l.p50} / p95 ${l.p95} / p99 ${l.p99} / max ${l.max} ms (${l.n})` : '—');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// Waiting for the thing itself: every delta a wall receives and every answer to a report wakes
// `until`, which checks its condition again; its timeout only ends a hang.
let waiting: (() => void)[] = [];
function changed(): void {
  const woken = waiting;
  waiting = [];
  for (const wake of woken) wake();
}
async function until(ready: () => boolean, hangMs: number): Promise<void> {
  const deadline = performance.now() + hangMs;
  while (!ready() && performance.now() < deadline) {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, deadline - performance.now());
      waiting.push(() => (clearTimeout(timer), resolve()));
    });
  }
}

let nextReport = 0;

/** one phase: `rate` reports/s for `seconds`, round-robin over the nodes, then waits for every wall to have them */
async function phase(nodes: Node[], walls: Wall[], rate: number, seconds: number) {
  const count = Math.round(rate * seconds);
  const reports: { due: number; node: number; ackMs?: number; id?: string; status?: number }[] = [];
  let inFlight = 0;
  let late = 0;
  let refusal: string | undefined;
  const sends: Promise<void>[] = [];
  const t0 = performance.now() + 50;
  for (let k = 0; k < count; k++) {
    const due = t0 + (k * 1000) / rate;
    // the offered rate is a clock: each report waits for its due time
    if (due > performance.now()) await sleep(due - performance.now());
    await until(() => inFlight < IN_FLIGHT, 120_000); // a free slot; the wait counts in the latency (from due)
    if (performance.now() - due > 50) late++;
    const i = nextReport++;
    const r: (typeof reports)[0] = { due, node: i % nodes.length };
    reports.push(r);
    inFlight++;
    sends.push(
      fetch(`${nodes[r.node]!.url}/api/incidents`, { method: 'POST', headers: { 'content-type': 'application/json', 'X-Api-Key': KEY }, body: JSON.stringify(reportBody(i)) })
        .then(async (res) => {
          r.status = res.status;
          r.ackMs = performance.now() - due;
          const body = (await res.json()) as { id?: string; message?: string };
          if (res.status === 201) r.id = body.id;
          else refusal ??= `${res.status} ${body.message ?? ''}`.slice(0, 160);
        }, () => void (r.status = 0))
        .finally(() => {
          inFlight--;
          changed();
        }),
    );
  }
  await Promise.all(sends);
  const created = reports.filter((r) => r.id);
  await until(() => walls.every((w) => created.every((r) => w.arrived.has(r.id!))), 60_000);
  const local: number[] = [];
  const remote: number[] = [];
  let missing = 0;
  let lastArrival = t0;
  for (const r of created)
    for (const w of walls) {
      const at = w.arrived.get(r.id!);
      if (at === undefined) { missing++; continue; }
      (w.node === r.node ? local : remote).push(at - r.due);
      lastArrival = Math.max(lastArrival, at);
    }
  const refused = reports.filter((r) => r.status !== 201).map((r) => r.status);
  return {
    rate, offered: count, late, created: created.length, refused: refused.length, refusal,
    ackMs: lat(created.map((r) => r.ackMs!)),
    deliveries: local.length + remote.length, deliveriesPerSecond: Math.round(((local.length + remote.length) / (lastArrival - t0)) * 1000), missing,
    localMs: lat(local), followerMs: lat(remote), load1: Math.round(loadavg()[0]! * 100) / 100,
  };
}

async function cluster(n: number) {
  const database = `cluster_bench_${process.pid}_${n}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  const dbUrl = new URL(PG_URL);
  dbUrl.pathname = `/${database}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'cluster-bench-'));
  const env = { DATABASE_URL: dbUrl.toString(), DATA_DIR: dataDir, ADMIN_PASSWORD: 'cluster-bench-password', REDIS_URL, CLUSTER_NAME: database };
  const nodes: Node[] = [];
  const walls: Wall[] = [];
  try {
    // one after the other: the first start writes the admin and the ingest key, once
    nextReport = 0; // the same reports, in the same order, for every N
    for (let k = 0; k < n; k++) nodes.push(await startHub(`node-${k}`, env));
    for (let k = 0; k < WALLS; k++) walls.push(await wall(nodes[k % n]!.url, k % n));
    await phase(nodes, walls, 20, 2); // warm-up (JIT, pools, plans): not printed, but its deltas are checked below
    const phases = [];
    for (const rate of RATES) phases.push(await phase(nodes, walls, rate, SECONDS));
    // exactly once, in seq order: each wall's seqs against the log after its snapshot
    const db = new pg.Client({ connectionString: dbUrl.toString() });
    await db.connect();
    const logged = (await db.query<{ seq: string }>(`SELECT seq FROM events WHERE kind = 'incident' ORDER BY seq`)).rows.map((r) => Number(r.seq));
    await db.end();
    const end = logged.at(-1) ?? 0;
    await until(() => walls.every((w) => (w.seqs.at(-1) ?? w.since) >= end), 60_000);
    let missed = 0, doubled = 0, disordered = 0, wallsWrong = 0;
    for (const w of walls) {
      const want = logged.filter((s) => s > w.since);
      const got = new Set(w.seqs);
      const m = want.filter((s) => !got.has(s)).length;
      const d = w.seqs.length - got.size;
      const o = w.seqs.filter((s, k) => k > 0 && s <= w.seqs[k - 1]!).length - d;
      missed += m; doubled += d; disordered += Math.max(0, o);
      if (m || d || o > 0) wallsWrong++;
    }
    return { nodes: n, walls: WALLS, phases, exactlyOnce: { events: logged.length, wallsWrong, missed, doubled, disordered } };
  } finally {
    for (const w of walls) w.socket.disconnect();
    for (const node of nodes) if (node.child.exitCode === null) node.child.kill('SIGTERM');
    await Promise.race([Promise.all(nodes.map((h) => h.exited)), sleep(10_000)]);
    for (const node of nodes) if (node.child.exitCode === null && node.child.signalCode === null) node.child.kill('SIGKILL');
    await Promise.all(nodes.map((h) => h.exited));
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export default async function run(): Promise<void> {
  const why = (await whyPostgresUnreachable(PG_URL)) ?? (await whyRedisUnreachable(REDIS_URL));
  if (why) {
    console.log(`\n!! cluster bench SKIPPED (did not run): ${why}. Needs PostgreSQL (TEST_DATABASE_URL) and Redis (BENCH_REDIS_URL).\n`);
    return;
  }
  console.log(`cluster: ${WALLS} walls and HTTP reports round-robin over the nodes, ${SECONDS} s per rate, at most ${IN_FLIGHT} reports in flight; latency from when each report was due`);
  const results = [];
  for (const n of [1, 3]) {
    const r = await cluster(n);
    results.push(r);
    console.log(`\n${n} node${n > 1 ? 's' : ''}${n === 1 ? ' (baseline: no following)' : ' on one PostgreSQL log, positions through Redis'}:`);
    for (const p of r.phases) {
      console.log(`  ${p.rate}/s offered (${p.offered} reports, ${p.late} sent >50 ms late): ${p.created} created, ${p.refused} refused${p.refusal ? ` (first: ${p.refusal})` : ''}; ${p.deliveries} deliveries, ${p.deliveriesPerSecond} deliveries/s, ${p.missing} missing; load1 ${p.load1}`);
      console.log(`    ack (send → 201)               ${show(p.ackMs)}`);
      console.log(`    delivery, wall on taking node  ${show(p.localMs)}`);
      console.log(`    delivery, wall on another node ${show(p.followerMs)}`);
    }
    const e = r.exactlyOnce;
    console.log(`  exactly once, in seq order: ${e.events} incident events in the log; ${e.wallsWrong} of ${r.walls} walls wrong (${e.missed} missed, ${e.doubled} doubled, ${e.disordered} out of order)`);
  }
  console.log(`\nRead with care: the 3 hub processes, PostgreSQL, Redis and this loader (${WALLS} walls decoding every delta) share 2 cores, so 3 nodes are expected to be no faster here — what this shows is the cost of following the log (another node's walls against the taking node's) and that delivery stays exactly once.`);
  console.log(`figures written to ${writeBenchResult('cluster', results)}`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await run();
