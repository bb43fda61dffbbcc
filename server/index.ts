/**
 * Composition root: reads the configuration, opens the store, builds the geography, starts the
 * hub, the wall's files and — on the embedded defaults — the simulated city. Everything else is a
 * factory that takes its dependencies, so tests can build the same thing on port 0.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { RegionWithGeometry } from '@shared/schemas/region';
import { createApp } from './app';
import { loadConfig, type Config } from './config';
import { defaultCatalog } from './domain/catalog';
import { defaultSlaPolicy } from './domain/lifecycle';
import { startSimulator } from './feeds/simulator';
import { generateCity, loadRegionsFromGeoJSON } from './geo';
import { createGeoContext } from './hub/createGeoContext';
import { createLogger, type Logger } from './lib/log';
import { createStore } from './store';
import type { Store } from './store/types';

const webRoot = fileURLToPath(new URL('../dist/web', import.meta.url));

interface GeographyStamp {
  source: string;
  seed?: string;
  scale?: string;
}

function buildGeography(config: Config): { regions: RegionWithGeometry[]; stamp: GeographyStamp } {
  if (config.GEO_FILE) {
    return { regions: loadRegionsFromGeoJSON(JSON.parse(readFileSync(config.GEO_FILE, 'utf8'))), stamp: { source: config.GEO_FILE } };
  }
  return {
    regions: generateCity({ seed: config.SIM_SEED, scale: config.SIM_SCALE }),
    stamp: { source: 'generated', seed: config.SIM_SEED, scale: config.SIM_SCALE },
  };
}

/** a data directory written for one geography must not be read with another: the grid codes would not match */
async function checkGeography(store: Store, stamp: GeographyStamp, log: Logger): Promise<void> {
  const held = await store.getMeta<GeographyStamp>('geography');
  if (!held) {
    await store.setMeta('geography', stamp);
    return;
  }
  // jsonb does not keep key order: compare field by field
  if (held.source !== stamp.source || held.seed !== stamp.seed || held.scale !== stamp.scale) {
    log.error('the store was written for another geography', { store: held, configured: stamp });
    throw new Error(
      `The data in the store belongs to another geography (${JSON.stringify(held)}), not the configured one (${JSON.stringify(stamp)}). ` +
        'Use another DATA_DIR or DATABASE_URL, or the settings it was written with.',
    );
  }
}

async function main(): Promise<void> {
  const config = loadConfig();
  const log = createLogger(config.LOG_LEVEL);
  const t0 = Date.now();
  const { regions, stamp } = buildGeography(config);
  log.info('geography ready', { regions: regions.length, grids: regions.filter((r) => r.level === 'grid').length, ms: Date.now() - t0 });

  const store = await createStore({ dataDir: config.DATA_DIR, ...(config.DATABASE_URL ? { databaseUrl: config.DATABASE_URL } : {}) });
  await checkGeography(store, stamp, log);

  let simulator: Awaited<ReturnType<typeof startSimulator>> | undefined;
  const app = await createApp({
    store,
    geo: createGeoContext(regions),
    policy: defaultSlaPolicy(),
    catalog: defaultCatalog(),
    log,
    nodeId: config.NODE_ID,
    centreName: config.CENTRE_NAME,
    tzOffsetMinutes: config.TZ_OFFSET_MINUTES,
    resumeBuffer: config.RESUME_BUFFER,
    memoryDays: config.MEMORY_DAYS,
    positionTickMs: config.POSITION_TICK_MS,
    statsIntervalMs: config.STATS_INTERVAL_MS,
    overdueSweepMs: config.OVERDUE_SWEEP_MS,
    trackSampleMs: config.TRACK_SAMPLE_MS,
    trackRetentionHours: config.TRACK_RETENTION_HOURS,
    webRoot,
    simulatorStatus: () => simulator?.status() ?? { running: false, enabled: config.SIM },
    sessionHours: config.SESSION_HOURS,
    anonymous: config.WALL_ANONYMOUS,
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

  if (config.SIM) {
    simulator = await startSimulator({
      hub: app.hub,
      regions,
      seed: config.SIM_SEED,
      scale: config.SIM_SCALE,
      rate: config.SIM_RATE,
      historyDays: config.SIM_HISTORY_DAYS,
      log,
    });
  }
  const base = `http://${shown === '127.0.0.1' ? 'localhost' : shown}:${port}`;
  process.stdout.write(`\n  宁波 · command-centre wall:  ${base}\n  operator console:            ${base}/console\n  live stream in a terminal:   npm run tail\n\n`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info('stopping', { signal });
    await simulator?.stop();
    await app.close();
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
