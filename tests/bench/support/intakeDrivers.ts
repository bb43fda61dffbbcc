/**
 * The two ways the intake benchmark (../intake.bench.ts) feeds a hub: `hubDriver` calls
 * hub.reportAs in this process (as the HTTP route and the socket handler do), `socketDriver` runs
 * the whole app on loopback and the load generator (intakeLoader.ts) in a process of its own.
 * Each runs a closed-loop phase (`full`) or an open-loop one at a fixed rate (`fixed`).
 */
import { spawn } from 'node:child_process';
import { createApp } from '../../../server/app';
import { DEFAULT_SOCKET_LIMITS } from '../../../server/transport/socket/limits';
import { BENCH_SOCKET_CONNECTIONS } from './benchKey';
import { defaultCatalog, knownCategories } from '../../../server/domain/catalog';
import { defaultSlaPolicy } from '../../../server/domain/lifecycle';
import { generateCity } from '../../../server/geo/generateCity';
import type { Principal } from '../../../server/hub/audit';
import { createGeoContext } from '../../../server/hub/createGeoContext';
import { Hub } from '../../../server/hub/hub';
import { silentLogger } from '../../../server/lib/log';
import type { Store } from '../../../server/store/types';
import { reportBody } from '../../support/reportBodies';

/** how long a phase runs, and how many reports the closed loop keeps waiting */
export interface Pace {
  seconds: number;
  inFlight: number;
}

const city = generateCity({ seed: 'bench', scale: 'district' });
const centers = city.filter((r) => r.level === 'grid').map((g) => g.center);

const operator: Principal = {
  user: { username: 'bench-op', displayName: 'bench', role: 'operator', regionCode: city[0]!.code, disabled: false, createdAt: 0, passwordChangedAt: 0 },
  sessionId: 'bench',
  expiresAt: Number.MAX_SAFE_INTEGER,
  client: { channel: 'http', address: '127.0.0.1', userAgent: 'intake bench' },
};

async function openHub(store: Store, naive: boolean): Promise<Hub> {
  return Hub.open({
    store,
    geo: createGeoContext(city),
    policy: defaultSlaPolicy(),
    clock: Date.now,
    log: silentLogger,
    resumeBuffer: 10_000,
    memoryDays: 35,
    tzOffsetMinutes: 480,
    knownCategories: knownCategories(),
    ...(naive ? { maxGroupSteps: 1 } : process.env.BENCH_GROUP_STEPS ? { maxGroupSteps: Number(process.env.BENCH_GROUP_STEPS) } : {}),
  });
}

let serial = 0;
const nextReport = (hub: Hub) => {
  const i = serial++;
  return hub.reportAs(operator, reportBody(i, centers, 'bench'), `bench-${process.pid}-${i}`);
};

/** what a phase saw: each acknowledgement's latency, refusals by code */
export interface Run {
  latencies: number[];
  refused: Record<string, number>;
  ms: number;
  /** CPU the loader process spent (path socket) */
  cpuUs?: number;
}

const refusal = (refused: Record<string, number>) => (error: unknown) => {
  const code = (error as { code?: unknown }).code;
  const key = typeof code === 'string' ? code : String(error);
  refused[key] = (refused[key] ?? 0) + 1;
};

/** closed loop: `inFlight` reports always waiting, for `seconds` */
async function fullRate(hub: Hub, { seconds, inFlight }: Pace): Promise<Run> {
  const latencies: number[] = [];
  const refused: Record<string, number> = {};
  const started = performance.now();
  const end = started + seconds * 1000;
  const worker = async () => {
    while (performance.now() < end) {
      const t0 = performance.now();
      try {
        await nextReport(hub);
        latencies.push(performance.now() - t0);
      } catch (error) {
        refusal(refused)(error);
      }
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  return { latencies, refused, ms: performance.now() - started };
}

/** open loop at `rate` a second for `seconds`; latency from when each report was due */
async function fixedRate(hub: Hub, rate: number, { seconds }: Pace): Promise<Run> {
  const latencies: number[] = [];
  const refused: Record<string, number> = {};
  const pending: Promise<void>[] = [];
  const started = performance.now();
  let sent = 0;
  while (performance.now() - started < seconds * 1000) {
    const due = Math.floor(((performance.now() - started) * rate) / 1000);
    for (; sent < due; sent++) {
      const dueAt = started + (sent * 1000) / rate;
      pending.push(
        nextReport(hub).then(
          () => void latencies.push(performance.now() - dueAt),
          refusal(refused),
        ),
      );
    }
    await new Promise((r) => setTimeout(r, 1));
  }
  await Promise.all(pending);
  return { latencies, refused, ms: performance.now() - started };
}

/** one way of feeding the hub: opens it over a store, runs a phase, closes */
export interface Driver {
  hub: Hub;
  full(): Promise<Run>;
  fixed(rate: number): Promise<Run>;
  close(): Promise<void>;
}

export async function hubDriver(store: Store, naive: boolean, pace: Pace): Promise<Driver> {
  const hub = await openHub(store, naive);
  // warm-up: JIT, plan cache, the day's first case number
  await Promise.all(Array.from({ length: 200 }, () => nextReport(hub)));
  return { hub, full: () => fullRate(hub, pace), fixed: (rate) => fixedRate(hub, rate, pace), close: () => hub.queue.idle() };
}

const loaderPath = new URL('./intakeLoader.ts', import.meta.url).pathname;

/** runs the loader process; its last stdout line is the figures */
function runLoader(args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', loaderPath, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      const line = out.trim().split('\n').at(-1) ?? '';
      if (code !== 0 || !line.startsWith('{')) reject(new Error(`intake loader exited with ${code}: ${out.slice(-300)}`));
      else resolve(JSON.parse(line) as Run);
    });
  });
}

export async function socketDriver(store: Store, pace: Pace): Promise<Driver> {
  const app = await createApp({
    store,
    geo: createGeoContext(city),
    policy: defaultSlaPolicy(),
    catalog: defaultCatalog(),
    log: silentLogger,
    nodeId: 'intake-bench',
    trackSampleMs: 0,
    // the capacity of the write path, as a gateway feeding many reports a second would see it: the
    // per-connection rates that stop a flooding console are not what is measured here
    socketLimits: { ...DEFAULT_SOCKET_LIMITS, commandsPerSecond: 1_000_000 },
    // BENCH_CONNECTIONS sockets, all of one user
    socketConnections: BENCH_SOCKET_CONNECTIONS,
  });
  const port = await app.listen(0, '127.0.0.1');
  const admin: Principal = { ...operator, user: { ...operator.user, username: 'bench-admin', role: 'admin' } };
  const password = 'intake-bench-password-1';
  await app.accounts.addUser({ username: 'bench-socket', role: 'operator', regionCode: city[0]!.code, password, displayName: 'bench' }, admin);
  const { token } = await app.accounts.signIn({ username: 'bench-socket', password }, operator.client, 'bearer');
  const url = `http://127.0.0.1:${port}`;
  const connections = String(Number(process.env.BENCH_CONNECTIONS ?? 16));
  const seconds = String(pace.seconds);
  await runLoader([url, token, 'closed', '32', '1', connections, 'warm']);
  return {
    hub: app.hub,
    full: () => runLoader([url, token, 'closed', String(pace.inFlight), seconds, connections, 'full']),
    fixed: (rate) => runLoader([url, token, 'open', String(rate), seconds, connections, `at${rate}`]),
    close: () => app.close(),
  };
}
