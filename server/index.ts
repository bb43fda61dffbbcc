/**
 * Composition root: reads the configuration, opens the store, builds the geography, starts the
 * hub, the wall's files and — on the embedded defaults — the simulated city. Everything else is a
 * factory that takes its dependencies, so tests can build the same thing on port 0.
 */
import { fileURLToPath } from 'node:url';
import { createApp } from './app';
import { loadConfig } from './config';
import { buildCatalog, defaultCatalog, fusionPolicyFromTable, slaPolicyFromTable } from './domain/catalog';
import { defaultSlaPolicy } from './domain/lifecycle';
import { DEFAULT_FAST_TRACK } from './domain/sla';
import { storedCategoryTable } from './import/tables/categories';
import { startSimulator } from './feeds/simulator';
import { loadCalendar } from './calendarConfig';
import { buildGeography, checkGeography } from './geography';
import { createGeoContext } from './hub/createGeoContext';
import { createLogger } from './lib/log';
import { createStore } from './store';
import { openBasemap } from './basemap/pmtilesFile';
import { readRulesFile } from './domain/rules';
import { followLease } from './hub/clusterDuties';

const webRoot = fileURLToPath(new URL('../dist/web', import.meta.url));

async function main(): Promise<void> {
  const config = loadConfig();
  const log = createLogger(config.LOG_LEVEL);
  const t0 = Date.now();
  const { regions, stamp } = buildGeography(config);
  log.info('geography ready', { regions: regions.length, grids: regions.filter((r) => r.level === 'grid').length, ms: Date.now() - t0 });

  const centre = loadCalendar({ file: config.CALENDAR_FILE, tzOffsetMinutes: config.TZ_OFFSET_MINUTES });
  log.info('business calendar', { source: centre.source, utcOffsetMinutes: centre.utcOffsetMinutes });

  const store = await createStore({ dataDir: config.DATA_DIR, log, ...(config.DATABASE_URL ? { databaseUrl: config.DATABASE_URL } : {}) });
  await checkGeography(store, stamp, log);
  // a deployment's own category table (npm run import -- categories), else the shipped one
  const table = await storedCategoryTable(store);
  if (table) log.info('category table: imported', { categories: table.categories.length });

  // a missing or unusable file is logged and the wall falls back on the generated basemap
  const basemap = config.BASEMAP_FILE ? await openBasemap(config.BASEMAP_FILE, log) : null;

  // trigger → action rules (docs/rules.md): a bad file stops the start here, naming the rule
  const catalog = table ? buildCatalog(table) : defaultCatalog();
  const regionCodes = new Set(regions.map((r) => r.code));
  const categoryCodes = new Set(catalog.categories.map((c) => c.code));
  const rules = await readRulesFile(config.RULES_FILE, { category: (code) => categoryCodes.has(code), region: (code) => regionCodes.has(code) });
  log.info('rules', { source: config.RULES_FILE ?? 'shipped defaults', rules: rules.length, enabled: rules.filter((r) => r.enabled).length });

  let simulator: Awaited<ReturnType<typeof startSimulator>> | undefined;
  let historyShare: number | null = null;
  let leaseHeld = () => true;
  const app = await createApp({
    store,
    geo: createGeoContext(regions),
    policy: table ? slaPolicyFromTable(table, { calendar: centre.calendar, fastTrack: DEFAULT_FAST_TRACK }) : defaultSlaPolicy(centre.calendar),
    catalog,
    coordination: { rules, timing: { repeatMs: config.ALERT_REPEAT_S * 1000, escalateAfterMs: config.ALERT_ESCALATE_S * 1000 } },
    ...(table ? { fusion: fusionPolicyFromTable(table) } : {}),
    imports: { dataDir: config.DATA_DIR, ...(config.GEO_FILE ? { geoFile: config.GEO_FILE } : {}) },
    log,
    nodeId: config.NODE_ID,
    leaseTermMs: config.LEASE_TERM_MS,
    cluster: { redisUrl: config.REDIS_URL, clusterName: config.CLUSTER_NAME },
    // several nodes (REDIS_URL): memory follows the shared PostgreSQL log; a single node runs as it always did
    followLog: config.REDIS_URL !== undefined,
    centreName: config.CENTRE_NAME,
    tzOffsetMinutes: centre.utcOffsetMinutes,
    resumeBuffer: config.RESUME_BUFFER,
    memoryDays: config.MEMORY_DAYS,
    snapshotBudget: { items: config.SNAPSHOT_ITEMS, incidents: config.SNAPSHOT_INCIDENTS, grids: config.SNAPSHOT_GRIDS },
    positionTickMs: config.POSITION_TICK_MS,
    statsIntervalMs: config.STATS_INTERVAL_MS,
    overdueSweepMs: config.OVERDUE_SWEEP_MS,
    trackSampleMs: config.TRACK_SAMPLE_MS,
    trackRetentionHours: config.TRACK_RETENTION_HOURS,
    webRoot,
    videoFrameOrigins: config.VIDEO_FRAME_ORIGINS,
    allowedOrigins: config.ALLOWED_ORIGINS,
    positionMarginDeg: config.POSITION_MARGIN_DEG,
    // before the simulator runs, /healthz says it is starting and how far its history has got
    simulatorStatus: () =>
      simulator?.status() ?? {
        running: false,
        enabled: config.SIM,
        ...(config.SIM && !leaseHeld() ? { standby: 'another node holds the cluster lease: the simulated city runs there' } : {}),
        ...(historyShare !== null ? { starting: { phase: 'history', percent: Math.round(historyShare * 100) } } : {}),
      },
    sessionHours: config.SESSION_HOURS,
    anonymous: config.WALL_ANONYMOUS,
    basemap,
    ...(config.INGEST_KEY ? { bootstrapIngestKey: config.INGEST_KEY } : {}),
    httpWritesPerSecond: config.HTTP_WRITES_PER_SECOND,
    socketConnections: { perAddress: config.SOCKET_CONNECTIONS_PER_ADDRESS, perUser: config.SOCKET_CONNECTIONS_PER_USER },
    ingestRates: Object.fromEntries(Object.entries(config.INGEST_RATES).filter(([, v]) => v !== undefined)),
  });
  // First start: an admin, never with a default password. A generated one is shown once, here.
  const admin = await app.accounts.bootstrapAdmin(app.hub.geo.rootCode, config.ADMIN_PASSWORD);
  if (admin) {
    log.warn('first start: created the admin user', { username: admin.username, passwordGenerated: admin.generated });
    if (admin.generated) {
      process.stdout.write(
        `\n  First start: an administrator was created. This password is shown only once:\n` +
          `    user name: ${admin.username}\n    password:  ${admin.password}\n` +
          `  Sign in at /console, then add operators (npm run users -- add NAME --role operator --region CODE).\n`,
      );
    }
  }
  const port = await app.listen(config.PORT, config.HOST);
  const shown = config.HOST === '0.0.0.0' || config.HOST === '::' ? 'localhost' : config.HOST;
  log.info('hub listening', { url: `http://${shown}:${port}`, store: store.kind, node: config.NODE_ID });

  leaseHeld = () => app.lease.held;
  // The simulated city is one city however many nodes serve it: it runs on the node holding the
  // cluster lease (server/hub/clusterLease.ts) and moves to another when that node stops holding it.
  const simulation = config.SIM
    ? followLease(
        app.lease,
        [
          {
            name: 'simulator',
            start: async () => {
              simulator = await startSimulator({
                hub: app.hub,
                regions,
                seed: config.SIM_SEED,
                scale: config.SIM_SCALE,
                rate: config.SIM_RATE,
                historyDays: config.SIM_HISTORY_DAYS,
                log,
                onHistoryProgress: (share) => (historyShare = share),
                alerts: app.coordination.alerts,
              });
            },
            stop: async () => {
              const running = simulator;
              simulator = undefined;
              await running?.stop();
            },
          },
        ],
        log,
      )
    : null;
  await simulation?.settled();
  const base = `http://${shown === '127.0.0.1' ? 'localhost' : shown}:${port}`;
  process.stdout.write(`\n  宁波 · command-centre wall:  ${base}\n  operator console:            ${base}/console\n  live stream in a terminal:   npm run tail\n\n`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info('stopping', { signal });
    await simulation?.stop();
    await app.close();
    await basemap?.close();
    await store.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error: unknown) => {
  process.stderr.write(`The hub could not start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
