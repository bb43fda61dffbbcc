/**
 * createApp(deps): the HTTP server, Socket.IO and the hub wired together, with no side effects on
 * import. index.ts is the composition root that reads the configuration and calls it; the
 * integration tests call it with port 0 and their own store and clock.
 */
import { createServer, type Server as HttpServer } from 'node:http';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import express from 'express';
import { Server } from 'socket.io';
import type { Catalog } from '@shared/schemas/catalog';
import type { FusionPolicy } from './domain/fusion';
import type { SlaPolicy } from './domain/sla';
import { Hub } from './hub/hub';
import type { GeoContext } from './hub/geoContext';
import { startMaintenance } from './hub/maintenance';
import { ClusterLease, CLUSTER_DUTIES, DEFAULT_LEASE_TERM_MS } from './hub/clusterLease';
import { followLease, type DutyRunner } from './hub/clusterDuties';
import type { StoreHealthOptions } from './hub/storeHealth';
import { ReadModel } from './hub/readModel';
import type { Logger } from './lib/log';
import type { Store } from './store/types';
import { Accounts } from './auth/accounts';
import { AccessKeys } from './auth/accessKeys';
import { accessKeyRoutes, kioskEntryRoutes } from './transport/http/accessRoutes';
import { DEFAULT_INGEST_RATES, ingestGate, type IngestRates } from './transport/http/ingestGate';
import { httpWriteLimit } from './transport/http/writeLimits';
import { identify, requireRead, type AnonymousPolicy } from './transport/http/auth';
import { createMetrics } from './transport/http/metrics';
import { auditRoutes } from './transport/http/auditRoutes';
import { authRoutes } from './transport/http/authRoutes';
import { errorHandler, notFound } from './transport/http/errors';
import { importRoutes } from './transport/http/importRoutes';
import { createImporter, type ImportSettings } from './import';
import type { Importer } from './import/service';
import { feedRoutes } from './transport/http/feedRoutes';
import { healthHandler } from './transport/http/health';
import { basemapRoutes } from './transport/http/basemapRoutes';
import type { Basemap } from './basemap/pmtilesFile';
import { incidentRoutes } from './transport/http/incidentRoutes';
import { nearbyRoutes } from './transport/http/nearbyRoutes';
import { coordinationRoutes } from './transport/http/coordinationRoutes';
import { webAppRoutes } from './transport/http/webApp';
import { originGuard, securityHeaders, socketOriginCheck } from './transport/http/origins';
import type { SocketLimits } from './transport/socket/limits';
import { connectionCaps, DEFAULT_CONNECTION_CAPS, type ConnectionCapsSettings } from './transport/socket/connectionCaps';
import { DEFAULT_NEARBY_SETTINGS, NearbyFinder, type NearbySettings } from './hub/nearbyFinder';
import { Coordination, type CoordinationOptions } from './hub/coordination';
import { coordinationOptions } from './hub/coordinationOptions';
import { open311Routes } from './transport/http/open311/routes';
import { regionRoutes } from './transport/http/regionRoutes';
import { videoAlarmRoutes } from './transport/http/videoAlarmRoutes';
import { createPositionFanout, startBroadcastLoops } from './transport/socket/broadcastLoops';
import { attachLiveGateway, type HubServer } from './transport/socket/liveGateway';
import { attachCleanPackets, cleanPacketParser } from './transport/socket/cleanPackets';
import { cleanBody, cleanUrl, refuseDeepJson } from './transport/cleanInput';
import { DEFAULT_SNAPSHOT_BUDGET, type SnapshotBudget } from './hub/snapshotLayers';
import { startCluster, type ClusterOptions } from './cluster';

/** positions ticks: 4 Hz (POSITION_TICK_MS) */
export const DEFAULT_POSITION_TICK_MS = 250;

/** messages at least this large are compressed on the wire (permessage-deflate): snapshots, not deltas */
export const SNAPSHOT_DEFLATE_THRESHOLD = 256 * 1024;

export interface AppDeps {
  store: Store;
  geo: GeoContext;
  policy: SlaPolicy;
  catalog: Catalog;
  log: Logger;
  clock?: () => number;
  nodeId?: string;
  /** the command centre's name, sent to walls in hello */
  centreName?: string;
  tzOffsetMinutes?: number;
  resumeBuffer?: number;
  memoryDays?: number;
  positionTickMs?: number;
  statsIntervalMs?: number;
  overdueSweepMs?: number;
  trackSampleMs?: number;
  trackRetentionHours?: number;
  /** folder of the built web app; served when it exists */
  webRoot?: string;
  /** what /healthz says about the simulator */
  simulatorStatus?: () => unknown;
  /** how long a sign-in lasts (hours) */
  sessionHours?: number;
  /** who may read without signing in (WALL_ANONYMOUS) */
  anonymous?: AnonymousPolicy;
  /** duplicate fusion rules (the shipped category table's when absent) */
  fusion?: FusionPolicy;
  /** where imported tables and geography are kept (docs/import.md) */
  imports?: ImportSettings;
  /** what a snapshot sends item by item before it summarises per area (docs/protocol.md) */
  snapshotBudget?: Partial<SnapshotBudget>;
  /** changes that may wait for the store at once (DEFAULT_QUEUE_LIMIT); more get HUB_BUSY */
  queueLimit?: number;
  /** when a slow or failing store counts as unavailable and how often it is probed (DEFAULT_STORE_HEALTH) */
  storeHealth?: Partial<StoreHealthOptions>;
  /** the deployment's own basemap archive (BASEMAP_FILE), opened by the caller; absent: the demo basemap */
  basemap?: Basemap | null;
  /** nearest units: speeds, detour factor, how often the patrol index is rebuilt (DEFAULT_NEARBY_SETTINGS) */
  nearby?: NearbySettings;
  /** other sites whose pages may use the hub (ALLOWED_ORIGINS): CORS and WebSockets; none by default */
  allowedOrigins?: readonly string[];
  /** degrees around the geography in which GPS fixes are still taken (POSITION_MARGIN_DEG; 0.2 by default) */
  positionMarginDeg?: number;
  /** command rates and unread output per socket connection (DEFAULT_SOCKET_LIMITS) */
  socketLimits?: SocketLimits;
  /** live socket connections per address and per signed-in user or kiosk link (DEFAULT_CONNECTION_CAPS) */
  socketConnections?: Partial<ConnectionCapsSettings>;
  /** origins of the video platform's web players, allowed in frames of the wall (VIDEO_FRAME_ORIGINS) */
  videoFrameOrigins?: readonly string[];
  /** focus and alerts: the rules' plan, alert timing (issue 16); absent: the shipped default rules */
  coordination?: Partial<CoordinationOptions>;
  /** requests a second per ingest key and kind (DEFAULT_INGEST_RATES) */
  ingestRates?: Partial<IngestRates>;
  /** a deployment's first ingest key (INGEST_KEY): every scope, the whole geography */
  bootstrapIngestKey?: string;
  /** HTTP writes a second per session or address (DEFAULT_HTTP_WRITES_PER_SECOND) */
  httpWritesPerSecond?: number;
  /** how often open connections' sessions and kiosk links are checked again (15 s) */
  sessionRecheckMs?: number;
  /** the cluster lease's term (LEASE_TERM_MS): a node that stops renewing is taken over after it (DEFAULT_LEASE_TERM_MS) */
  leaseTermMs?: number;
  /**
   * memory follows the store's log, installing what other hub nodes append (server/hub/logFollower.ts):
   * only on PostgreSQL (PGlite is one process's); index.ts turns it on with REDIS_URL (several nodes)
   */
  followLog?: boolean | { pollMs: number };
  /** hub nodes on one Redis (REDIS_URL, CLUSTER_NAME): positions relayed between them (server/cluster); absent, a single node */
  cluster?: Pick<ClusterOptions, 'redisUrl' | 'clusterName' | 'link'>;
}

export interface App {
  httpServer: HttpServer;
  io: HubServer;
  hub: Hub;
  views: ReadModel;
  accounts: Accounts;
  accessKeys: AccessKeys;
  importer: Importer;
  coordination: Coordination;
  /** the lease of the duties that run once for the cluster (server/hub/clusterLease.ts) */
  lease: ClusterLease;
  /** those duties on this node, started and stopped with the lease */
  duties: DutyRunner;
  listen(port: number, host?: string): Promise<number>;
  close(): Promise<void>;
}

export async function createApp(deps: AppDeps): Promise<App> {
  const clock = deps.clock ?? Date.now;
  const tz = deps.tzOffsetMinutes ?? 480;
  const nodeId = deps.nodeId ?? 'hub';
  const startedAt = Date.now();
  const simulatorStatus = deps.simulatorStatus ?? (() => ({ running: false }));

  const metrics = createMetrics();
  const hub = await Hub.open({
    store: metrics.timedStore(deps.store),
    geo: deps.geo,
    policy: deps.policy,
    clock,
    log: deps.log,
    resumeBuffer: deps.resumeBuffer ?? 50_000,
    memoryDays: deps.memoryDays ?? 35,
    tzOffsetMinutes: tz,
    knownCategories: new Set(deps.catalog.categories.map((c) => c.code)),
    ...(deps.fusion ? { fusion: deps.fusion } : {}),
    ...(deps.queueLimit ? { queueLimit: deps.queueLimit } : {}),
    ...(deps.storeHealth ? { storeHealth: deps.storeHealth } : {}),
    ...(deps.positionMarginDeg !== undefined ? { positionMarginDeg: deps.positionMarginDeg } : {}),
    ...followOption(deps),
  });
  // from here on a store that stalls or fails is a state (storeHealth.ts): changes refused at once, reads go on
  hub.startWatchingStore();
  const views = new ReadModel(hub, deps.catalog, tz, deps.policy, { ...DEFAULT_SNAPSHOT_BUDGET, ...deps.snapshotBudget });
  views.warm();
  // a loaded roster is indexed by region in slices of its own, not on the next subscriber's path
  const detachWarm = hub.onRosterLoaded(() => {
    views.warmInSlices().catch((error: unknown) => deps.log.warn('indexing the loaded roster failed', { error: String(error) }));
  });
  const anonymous = deps.anonymous ?? 'localhost';
  // sessions and keys are looked up on requests: refused at once while the store is unavailable, not left hanging
  const accounts = new Accounts({ store: hub.storeHealth.guarded(deps.store), clock, log: deps.log, sessionHours: deps.sessionHours ?? 12, regionPath: (code) => views.pathOf(code) });
  const accessKeys = new AccessKeys({ store: hub.storeHealth.guarded(deps.store), clock, log: deps.log, regionPath: (code) => views.pathOf(code) });
  accounts.useKioskLinks(accessKeys);
  if (deps.bootstrapIngestKey) await accessKeys.ensureBootstrapKey(deps.bootstrapIngestKey, hub.geo.rootCode);
  const gate = ingestGate(accessKeys, { ...DEFAULT_INGEST_RATES, ...deps.ingestRates });

  const importer = createImporter({ hub, log: deps.log, utcOffsetMinutes: tz, ...(deps.imports ?? {}) });
  const nearby = new NearbyFinder(hub, deps.nearby);
  const coordination = new Coordination(hub, nearby, coordinationOptions(deps, (deps.nearby ?? DEFAULT_NEARBY_SETTINGS).eta), deps.log);
  await coordination.load();
  // every book has loaded: what other nodes append from here on is installed as it commits
  hub.startFollowing();
  // until (unless) this node holds the lease, its walls hear waiting alerts sound again
  coordination.startStandbySounding();
  // Duties that run once for the cluster (issue 18): the rule triggers here, the overdue sweep in
  // startMaintenance, the simulated city in index.ts. A lone node takes the lease now and runs
  // them from the start, as it always did; another node holding it, this one stands by.
  // an embedded store is one process's alone: a restart after kill -9 takes its duties back at once
  const lease = new ClusterLease(hub.store, { name: CLUSTER_DUTIES, nodeId, termMs: deps.leaseTermMs ?? DEFAULT_LEASE_TERM_MS, exclusiveStore: hub.store.kind === 'pglite' }, deps.log);
  await lease.start();
  const duties = followLease(lease, [coordination.leaseDuty()], deps.log);
  await duties.settled();

  const web = express();
  web.disable('x-powered-by');
  web.set('query parser', 'simple');
  const allowedOrigins = deps.allowedOrigins ?? [];
  web.use(securityHeaders);
  web.use(originGuard(allowedOrigins));
  const httpServer = createServer(web);
  const io: HubServer = new Server(httpServer, {
    serveClient: false,
    maxHttpBufferSize: 2e6,
    // a WebSocket opened by another site's page is refused at the handshake (origins.ts)
    allowRequest: socketOriginCheck(allowedOrigins),
    // refuses a packet nested deeper than the protocol ever nests before it is parsed (cleanPackets.ts)
    parser: cleanPacketParser,
    // Snapshots are megabytes of JSON that compress about 8:1; deltas and position frames are small
    // and sent often. Only messages above the threshold are deflated (zlib runs on libuv's pool,
    // not the event loop), so walls open faster on a busy network at no cost to the live stream.
    // `ws` honours the threshold only without context takeover: with it (its default) every
    // message — each acknowledgement, delta and position frame — was deflated once per socket
    // (a third of the hub's CPU at 2,500 reports a second, tests/bench/intake).
    perMessageDeflate: { threshold: SNAPSHOT_DEFLATE_THRESHOLD, serverNoContextTakeover: true },
  });

  // Redis (REDIS_URL): the positions each node takes in reach every node's walls; its health in /healthz, /metrics and hub:status
  const cluster = startCluster({ ...deps.cluster, nodeId, hub, log: deps.log, tickMs: deps.positionTickMs ?? DEFAULT_POSITION_TICK_MS, registry: metrics.registry });
  web.get('/healthz', healthHandler({ hub, nodeId, startedAt, clients: () => io.engine.clientsCount, simulator: () => simulatorStatus(), basemap: deps.basemap?.info ?? null, lease: () => lease.status(), redis: () => cluster.health() }));
  // Prometheus scrapes from the centre's network: readable as the wall is (WALL_ANONYMOUS), else signed in
  web.get('/metrics', identify(accounts), requireRead(anonymous), metrics.handler);
  const unwatchMetrics = metrics.watch(hub, io);
  metrics.watchLease(() => lease.status());
  const api = express.Router();
  // NUL, other control characters and lone surrogates in a path or query are refused before any route (cleanInput.ts)
  api.use(cleanUrl);
  api.use(identify(accounts));
  api.use(httpWriteLimit(deps.httpWritesPerSecond));
  // before the JSON body parser: an import's body is a file, read as a stream
  api.use('/import', importRoutes(importer, deps.log));
  // a body nested deeper than the protocol ever nests is refused on its bytes, before JSON.parse;
  // bad text in any field, before a schema or the store sees it (cleanInput.ts)
  api.use(express.json({ limit: '4mb', verify: refuseDeepJson }));
  api.use(cleanBody);
  api.use('/', authRoutes(accounts, anonymous));
  api.use('/', accessKeyRoutes(accessKeys));
  api.use('/', auditRoutes(views));
  api.use('/incidents', incidentRoutes(hub, views, anonymous, gate));
  api.use('/video-alarms', videoAlarmRoutes(hub, views, anonymous, gate));
  api.use('/', feedRoutes(hub, views, anonymous, gate));
  api.use('/', regionRoutes(hub, views, deps.catalog, tz, anonymous));
  api.use('/', basemapRoutes(deps.basemap ?? null, anonymous));
  api.use('/', nearbyRoutes(nearby, views, anonymous));
  api.use('/', coordinationRoutes(coordination, views, anonymous));
  api.use(notFound('API endpoint'));
  web.use('/api', api);
  web.use('/open311/v2', open311Routes({ hub, gate, accounts, anonymous, catalog: deps.catalog, tzOffsetMinutes: tz, log: deps.log }));
  web.use(kioskEntryRoutes(accessKeys));

  if (deps.webRoot && existsSync(join(deps.webRoot, 'index.html'))) {
    web.use(webAppRoutes(deps.webRoot, deps.videoFrameOrigins ?? []));
  } else {
    web.get('/', (_req, res) => {
      res.type('text/plain').send('The hub is running. Build the wall with `npm run build` (npm start does it) to see it here.\n');
    });
  }
  web.use(errorHandler(deps.log));

  const positionTickMs = deps.positionTickMs ?? DEFAULT_POSITION_TICK_MS;
  const positions = createPositionFanout(io, hub, views, (bytes, count, recipients) => metrics.observeFrame(bytes, count, recipients));
  metrics.watchPositionGroups(() => positions.fanout.groupCount);
  metrics.watchIngestRefusals(gate.refused);
  // before the gateway's handlers: refuses unclean arguments of every event
  const detachClean = attachCleanPackets(io, deps.log);
  // connections per address and per user (connectionCaps.ts): a full address is refused before
  // the gateway looks its credential up; the count is taken after it, once the user is known
  const caps = connectionCaps({ ...DEFAULT_CONNECTION_CAPS, ...deps.socketConnections });
  metrics.watchConnectionRefusals(caps.refused);
  io.use(caps.screen);
  const detachGateway = attachLiveGateway(
    io,
    hub,
    views,
    { nodeId, centreName: deps.centreName ?? '社会治理指挥中心', accounts, anonymous, positions: { fanout: positions.fanout, tickMs: positionTickMs }, coordination, cluster, ...(deps.socketLimits ? { limits: deps.socketLimits } : {}), ...(deps.sessionRecheckMs ? { recheckMs: deps.sessionRecheckMs } : {}) },
    deps.log,
  );
  // last of the handshake's middlewares: nothing after it may refuse a connection it counted
  io.use(caps.admit);
  const stopLoops = startBroadcastLoops(
    io,
    hub,
    views,
    positions.fanout,
    { positionTickMs, statsIntervalMs: deps.statsIntervalMs ?? 2000, onPositionsTick: (seconds) => metrics.observePositionsTick(seconds) },
    deps.log,
  );
  const stopMaintenance = startMaintenance(
    hub,
    { overdueSweepMs: deps.overdueSweepMs ?? 15_000, trackSampleMs: deps.trackSampleMs ?? 30_000, trackRetentionHours: deps.trackRetentionHours ?? 72, holdsLease: () => lease.held },
    deps.log,
  );

  return {
    httpServer,
    io,
    hub,
    views,
    accounts,
    accessKeys,
    importer,
    coordination,
    lease,
    duties,
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(port, host, () => {
          const address = httpServer.address();
          resolve(typeof address === 'object' && address ? address.port : port);
        });
      }),
    async close() {
      hub.stopWatchingStore();
      await hub.stopFollowing();
      stopLoops();
      await cluster.close();
      positions.detach();
      unwatchMetrics();
      stopMaintenance();
      await duties.stop();
      coordination.close();
      detachGateway();
      detachClean();
      detachWarm();
      await new Promise<void>((resolve) => io.close(() => resolve()));
      if (httpServer.listening) await new Promise<void>((resolve) => httpServer.close(() => resolve()));
      await hub.queue.idle();
      // the duties' last writes are in: another node may take over at once
      await lease.stop();
      // the next start on this store may resume this run's clients (server/hub/history.ts)
      await hub.recordHistory();
    },
  };
}


/** whether memory follows the shared log (AppDeps.followLog), as the hub's option */
function followOption(deps: AppDeps): { follow?: { pollMs?: number } } {
  const wanted = deps.followLog ?? false;
  if (!wanted || deps.store.kind !== 'postgres') return {};
  return { follow: typeof wanted === 'object' ? { pollMs: wanted.pollMs } : {} };
}
