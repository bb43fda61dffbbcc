/**
 * A real hub for integration tests: createApp on port 0 with an in-memory PGlite store (or the
 * store a test passes), the generated city at district scale (海曙区), no simulator, fast loops.
 * That default store is PGlite on the test's own thread (one thread less per test file on a
 * shared machine); TEST_PGLITE=worker gives every such hub PGlite in a worker thread, as
 * createStore does for the real hub (server/store/workerStore.ts), to run the suite across it.
 */
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, Hello, ServerToClientEvents } from '@shared/events';
import type { Role } from '@shared/schemas/auth';
import type { Principal } from '../../server/hub/audit';
import type { AnonymousPolicy } from '../../server/transport/http/auth';
import type { Camera } from '@shared/schemas/camera';
import type { Patrol } from '@shared/schemas/patrol';
import type { RegionWithGeometry } from '@shared/schemas/region';
import { createApp, type App, type AppDeps } from '../../server/app';
import type { IngestRates } from '../../server/transport/http/ingestGate';
import type { CoordinationOptions } from '../../server/hub/coordination';
import type { SocketLimits } from '../../server/transport/socket/limits';
import type { Basemap } from '../../server/basemap/pmtilesFile';
import { defaultCatalog } from '../../server/domain/catalog';
import { defaultSlaPolicy } from '../../server/domain/lifecycle';
import { generateCity } from '../../server/geo/generateCity';
import type { Hub } from '../../server/hub/hub';
import type { StoreHealthOptions } from '../../server/hub/storeHealth';
import { createGeoContext } from '../../server/hub/createGeoContext';
import { silentLogger } from '../../server/lib/log';
import type { CentreCalendar } from '../../server/calendarConfig';
import { noFusion } from '../../server/domain/fusion';
import { createPgliteStore } from '../../server/store/pgliteStore';
import type { Store } from '../../server/store/types';
import { createWorkerStore } from '../../server/store/workerStore';

let cityCache: RegionWithGeometry[] | undefined;

/** the test city: 海曙区 at district scale, generated once per test file */
export function testCity(): RegionWithGeometry[] {
  cityCache ??= generateCity({ seed: 'test', scale: 'district' });
  return cityCache;
}

export interface TestHub {
  url: string;
  app: App;
  hub: Hub;
  store: Store;
  close(): Promise<void>;
}

export interface TestHubOptions {
  store?: Store;
  clock?: () => number;
  resumeBuffer?: number;
  positionTickMs?: number;
  statsIntervalMs?: number;
  /** days of closed cases kept in memory (MEMORY_DAYS; 35 by default) */
  memoryDays?: number;
  /** keep the store open on close (restart tests) */
  keepStore?: boolean;
  /** who may read without signing in (default: localhost) */
  anonymous?: AnonymousPolicy;
  sessionHours?: number;
  /**
   * 'off' for tests that post many reports at one spot to test something else (the protocol,
   * sign-in): there they would join one case. Duplicate fusion itself is tested with it on.
   */
  fusion?: 'on' | 'off';
  /** the centre's calendar as index.ts loads it (CALENDAR_FILE); default office hours at +08:00 */
  calendar?: CentreCalendar;
  /** how often the overdue sweep runs (default: hourly, i.e. not during a test) */
  overdueSweepMs?: number;
  /** where imports keep a geography (DATA_DIR); none by default */
  dataDir?: string;
  /** what a snapshot sends item by item (SNAPSHOT_ITEMS, SNAPSHOT_GRIDS); the defaults otherwise */
  snapshotBudget?: { items?: number; incidents?: number; grids?: number; regions?: number; heat?: number; notable?: number; largeCases?: number; sharedMs?: number };
  /** changes that may wait for the store at once before HUB_BUSY */
  queueLimit?: number;
  /** when a slow or failing store counts as unavailable (server/hub/storeHealth.ts; the shipped timing otherwise) */
  storeHealth?: Partial<StoreHealthOptions>;
  /** an opened basemap archive (BASEMAP_FILE); none by default */
  basemap?: Basemap | null;
  /** focus and alerts: rules, timing, sweep period (the shipped defaults otherwise) */
  coordination?: Partial<CoordinationOptions>;
  /** per-connection socket bounds (the shipped ones otherwise) */
  socketLimits?: SocketLimits;
  /** ALLOWED_ORIGINS */
  allowedOrigins?: string[];
  /** requests a second per ingest key and kind (INGEST_RATES) */
  ingestRates?: Partial<IngestRates>;
  /**
   * HTTP writes a second per session (HTTP_WRITES_PER_SECOND). Unbounded by default: the fuzz and
   * write-path tests send thousands from one session on purpose; the bound has a test of its own
   */
  httpWritesPerSecond?: number;
  /** how often open connections' sessions and kiosk links are checked again (15 s in the product) */
  sessionRecheckMs?: number;
  /**
   * live socket connections per address and per user (SOCKET_CONNECTIONS_PER_ADDRESS, _PER_USER).
   * Unbounded by default: tests and benches open hundreds of sockets from 127.0.0.1; the caps have a test of their own
   */
  socketConnections?: { perAddress?: number; perUser?: number };
  /** NODE_ID: hubs sharing one store are nodes of one cluster ('test-hub' by default) */
  nodeId?: string;
  /** the cluster lease's term (LEASE_TERM_MS; the product's 15 s by default) */
  leaseTermMs?: number;
  /** memory follows the store's log (PostgreSQL only; off unless asked, as in the product without REDIS_URL; AppDeps.followLog) */
  followLog?: boolean | { pollMs: number };
  /** Redis between hub nodes (REDIS_URL, CLUSTER_NAME; server/cluster); none by default */
  cluster?: AppDeps['cluster'];
}

export async function startTestHub(opts: TestHubOptions = {}): Promise<TestHub> {
  const store = opts.store ?? (process.env.TEST_PGLITE === 'worker' ? await createWorkerStore() : await createPgliteStore({}));
  await store.migrate();
  const app = await createApp({
    store,
    geo: createGeoContext(testCity()),
    policy: defaultSlaPolicy(opts.calendar?.calendar),
    ...(opts.calendar ? { tzOffsetMinutes: opts.calendar.utcOffsetMinutes } : {}),
    catalog: defaultCatalog(),
    log: silentLogger,
    ...(opts.clock ? { clock: opts.clock } : {}),
    nodeId: opts.nodeId ?? 'test-hub',
    ...(opts.leaseTermMs ? { leaseTermMs: opts.leaseTermMs } : {}),
    ...(opts.cluster ? { cluster: opts.cluster } : {}),
    resumeBuffer: opts.resumeBuffer ?? 10_000,
    positionTickMs: opts.positionTickMs ?? 50,
    statsIntervalMs: opts.statsIntervalMs ?? 100,
    overdueSweepMs: opts.overdueSweepMs ?? 3_600_000,
    trackSampleMs: 0,
    ...(opts.anonymous ? { anonymous: opts.anonymous } : {}),
    ...(opts.sessionHours ? { sessionHours: opts.sessionHours } : {}),
    ...(opts.fusion === 'off' ? { fusion: noFusion() } : {}),
    ...(opts.memoryDays ? { memoryDays: opts.memoryDays } : {}),
    ...(opts.dataDir ? { imports: { dataDir: opts.dataDir } } : {}),
    ...(opts.snapshotBudget ? { snapshotBudget: opts.snapshotBudget } : {}),
    ...(opts.queueLimit ? { queueLimit: opts.queueLimit } : {}),
    ...(opts.storeHealth ? { storeHealth: opts.storeHealth } : {}),
    ...(opts.basemap ? { basemap: opts.basemap } : {}),
    ...(opts.coordination ? { coordination: opts.coordination } : {}),
    ...(opts.socketLimits ? { socketLimits: opts.socketLimits } : {}),
    ...(opts.allowedOrigins ? { allowedOrigins: opts.allowedOrigins } : {}),
    // the feeds need a key: every test hub has one with every scope for the whole city (INGEST_KEY)
    bootstrapIngestKey: TEST_INGEST_KEY,
    ...(opts.ingestRates ? { ingestRates: opts.ingestRates } : {}),
    httpWritesPerSecond: opts.httpWritesPerSecond ?? 1_000_000,
    socketConnections: { perAddress: 1_000_000, perUser: 1_000_000, ...opts.socketConnections },
    ...(opts.sessionRecheckMs ? { sessionRecheckMs: opts.sessionRecheckMs } : {}),
    ...(opts.followLog !== undefined ? { followLog: opts.followLog } : {}),
  });
  const port = await app.listen(0, '127.0.0.1');
  return {
    url: `http://127.0.0.1:${port}`,
    app,
    hub: app.hub,
    store,
    async close() {
      await app.close();
      if (!opts.keepStore) await store.close();
    },
  };
}

/** the ingest key of every test hub (root region, every scope), and the header that sends it */
export const TEST_INGEST_KEY = 'gk_test-ingest-key-of-the-harness-0123456789';
export const INGEST_HEADERS: Readonly<Record<string, string>> = { 'X-Api-Key': TEST_INGEST_KEY };

/** socket bounds wide open: for tests of the write path that burst hundreds of commands on one connection (the bounds have tests of their own) */
export const UNLIMITED_SOCKETS: SocketLimits = { commandsPerSecond: 1_000_000, subscribesPer10s: 1_000_000, readsPerSecond: 1_000_000, maxPendingBytes: 1024 * 1024 * 1024, plainLargeAnswers: 1_000_000 };

export type TestClient = Socket<ServerToClientEvents, ClientToServerEvents>;

/** a real Socket.IO client, connected, with its hello received; `token` signs it in */
export async function connectClient(url: string, token?: string): Promise<{ socket: TestClient; rootRegion: string; hello: Hello }> {
  const socket: TestClient = io(url, { transports: ['websocket'], forceNew: true, reconnection: false, ...(token ? { auth: { token } } : {}) });
  const hello = await new Promise<Hello>((resolve, reject) => {
    socket.once('hello', resolve);
    socket.once('connect_error', reject);
  });
  return { socket, rootRegion: hello.rootRegion, hello };
}

export const TEST_PASSWORD = 'correct-horse-battery-staple';

/** the harness acting as an admin, to add users without a sign-in of its own */
function harnessAdmin(t: TestHub): Principal {
  const root = t.hub.geo.rootCode;
  return {
    user: { username: 'harness', displayName: 'harness', role: 'admin', regionCode: root, disabled: false, createdAt: 0, passwordChangedAt: 0 },
    sessionId: 'harness',
    expiresAt: Number.MAX_SAFE_INTEGER,
    client: { channel: 'cli', address: null, userAgent: 'test harness' },
  };
}

export interface TestUser {
  username: string;
  token: string;
  /** `Authorization: Bearer …` */
  headers: Record<string, string>;
}

/** adds a user (real scrypt hash) and signs them in with a bearer token */
export async function signedInUser(t: TestHub, username: string, role: Role, regionCode = t.hub.geo.rootCode): Promise<TestUser> {
  await t.app.accounts.addUser({ username, role, regionCode, password: TEST_PASSWORD, displayName: username }, harnessAdmin(t));
  const { token } = await t.app.accounts.signIn({ username, password: TEST_PASSWORD }, { channel: 'http', address: '127.0.0.1', userAgent: 'test' }, 'bearer');
  return { username, token, headers: { authorization: `Bearer ${token}` } };
}

/** the grids of the test city */
export function grids(): RegionWithGeometry[] {
  return testCity().filter((r) => r.level === 'grid');
}

/** a small roster: one camera and two patrols in each of the first `n` grids */
export function smallRoster(n: number, at: number): { cameras: Camera[]; patrols: Patrol[] } {
  const cameras: Camera[] = [];
  const patrols: Patrol[] = [];
  grids()
    .slice(0, n)
    .forEach((g, i) => {
      const [lng, lat] = g.center;
      cameras.push({ id: `cam-${i}`, gbId: null, name: `测试点位${i}`, gridCode: g.code, lng, lat, status: 'online', statusSince: at, alarm: null, owner: '公安' });
      for (const k of [0, 1]) {
        const idx = i * 2 + k;
        patrols.push({ id: `p-${idx}`, idx, name: `网格员${idx}`, kind: 'worker', role: 'grid_manager', gridCode: g.code, status: 'on_duty', statusSince: at, lng: null, lat: null, fixAt: null });
      }
    });
  return { cameras, patrols };
}

/** a roster large enough that the root's snapshot is megabytes, still item by item (under the budget's 6,000) */
export function bigRoster(count: number, at: number): { cameras: Camera[]; patrols: Patrol[] } {
  const gs = grids();
  const cameras: Camera[] = [];
  const patrols: Patrol[] = [];
  for (let i = 0; i < count; i++) {
    const g = gs[i % gs.length]!;
    const [lng, lat] = g.center;
    cameras.push({ id: `cam-${i}`, gbId: null, name: `城区治安监控点位${i}号（东南角）`, gridCode: g.code, lng: lng + i * 1e-6, lat, status: 'online', statusSince: at, alarm: null, owner: '公安' });
    patrols.push({ id: `p-${i}`, idx: i, name: `网格巡查员${i}`, kind: 'worker', role: 'grid_manager', gridCode: g.code, status: 'on_duty', statusSince: at, lng, lat: lat + i * 1e-6, fixAt: at });
  }
  return { cameras, patrols };
}

/** resolves with the next `event` payload matching `predicate` */
export function nextEvent<E extends keyof ServerToClientEvents>(
  socket: TestClient,
  event: E,
  predicate: (payload: Parameters<ServerToClientEvents[E]>[0]) => boolean = () => true,
  // only a hang: on a loaded 2-core machine an event that should take milliseconds can take seconds
  timeoutMs = 30_000,
): Promise<Parameters<ServerToClientEvents[E]>[0]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off(event, handler as never);
      reject(new Error(`no ${String(event)} within ${timeoutMs} ms`));
    }, timeoutMs);
    const handler = (payload: Parameters<ServerToClientEvents[E]>[0]) => {
      if (!predicate(payload)) return;
      clearTimeout(timer);
      socket.off(event, handler as never);
      resolve(payload);
    };
    socket.on(event, handler as never);
  });
}
