/**
 * Measures the simulator's cost against a real hub (in-memory PGlite, no HTTP): roster generation,
 * history seeding, and CPU per live tick. Prints one JSON object. Run it with
 *
 *   npx tsx server/feeds/simulator/measure.ts [scale=city] [historyDays=7] [liveSeconds=60] [rate=1] [localHour]
 *
 * With `localHour` (0–23, +08:00) the clock is shifted so that the run starts at that hour today
 * (e.g. 10 for the mid-morning peak, when most patrols are on duty).
 *
 * Live ticks are driven at the real one-second period with the real clock, so the figures include
 * the hub's own work (validation, store writes) caused by the simulator.
 */
import { defaultCatalog } from '../../domain/catalog';
import { defaultSlaPolicy } from '../../domain/lifecycle';
import { generateCity, type CityScale } from '../../geo/generateCity';
import { createGeoContext } from '../../hub/createGeoContext';
import { Hub } from '../../hub/hub';
import { createLogger } from '../../lib/log';
import { createPgliteStore } from '../../store/pgliteStore';
import { startSimulator } from './index';

async function main(): Promise<void> {
  const [scaleArg = 'city', daysArg = '7', secondsArg = '60', rateArg = '1', hourArg] = process.argv.slice(2);
  const realNow = Date.now();
  const offset = hourArg === undefined ? 0 : localHourToday(Number(hourArg), realNow) - realNow;
  const clock = () => Date.now() + offset;
  const scale = scaleArg as CityScale;
  const log = createLogger((process.env.LOG_LEVEL as 'info' | undefined) ?? 'warn');
  const t0 = performance.now();
  const regions = generateCity({ seed: 'ningbo', scale });
  const geoMs = performance.now() - t0;
  const store = await createPgliteStore({});
  await store.migrate();
  const catalog = defaultCatalog();
  const hub = await Hub.open({
    store,
    geo: createGeoContext(regions),
    policy: defaultSlaPolicy(),
    clock,
    log,
    resumeBuffer: 50_000,
    memoryDays: 35,
    tzOffsetMinutes: 480,
    knownCategories: new Set(catalog.categories.map((c) => c.code)),
  });

  const cpu0 = process.cpuUsage();
  const s0 = performance.now();
  const sim = await startSimulator({ hub, regions, seed: 'ningbo', scale, rate: Number(rateArg), historyDays: Number(daysArg), log, clock });
  const startMs = performance.now() - s0;
  const startCpu = process.cpuUsage(cpu0);
  const afterStart = sim.status();

  const cpu1 = process.cpuUsage();
  const l0 = performance.now();
  let maxTickMs = 0;
  const seconds = Number(secondsArg);
  for (let i = 0; i < seconds; i++) {
    await new Promise((r) => setTimeout(r, 1000));
    maxTickMs = Math.max(maxTickMs, sim.status().lastTickMs ?? 0);
  }
  await sim.stop();
  await hub.queue.idle();
  const liveCpu = process.cpuUsage(cpu1);
  const liveWall = performance.now() - l0;
  const end = sim.status();
  console.log(
    JSON.stringify(
      {
        scale,
        startedAtLocal: new Date(clock() + 8 * 3_600_000).toISOString().slice(0, 16),
        grids: regions.filter((r) => r.level === 'grid').length,
        geoMs: Math.round(geoMs),
        patrols: end.patrols,
        cameras: end.cameras,
        startMs: Math.round(startMs),
        startCpuMs: Math.round((startCpu.user + startCpu.system) / 1000),
        history: afterStart.history,
        live: {
          seconds,
          cpuPercentOfOneCore: Math.round(((liveCpu.user + liveCpu.system) / 1000 / liveWall) * 1000) / 10,
          computeMsPerTick: end.computeMsPerTick,
          lastTickMs: end.lastTickMs,
          maxTickMs,
          incidentsReported: end.incidentsGenerated - (afterStart.history?.incidents ?? 0),
          stepsSent: end.stepsSent,
          stepsRefused: end.stepsRefused,
          openNow: end.openNow,
          positionsPerSecond: Math.round(end.positionsSent / seconds),
          patrolStatuses: end.patrolStatuses,
          cameraOnlineRate: end.cameraOnlineRate,
        },
        memoryMB: Math.round(process.memoryUsage().rss / 1e6),
      },
      null,
      2,
    ),
  );
  await store.close();
}

/** today's (UTC+8) instant at `hour`:00 local */
function localHourToday(hour: number, now: number): number {
  const day = Math.floor((now + 8 * 3_600_000) / 86_400_000) * 86_400_000 - 8 * 3_600_000;
  return day + hour * 3_600_000;
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
