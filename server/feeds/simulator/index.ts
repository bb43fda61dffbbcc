/**
 * The simulated city: the embedded default feed. It behaves like any real source: it talks to the
 * hub's public API only (loadRoster, applyBatch, report/command, ingestPositions, updateCameras,
 * updatePatrolStatuses), never to clients or to the store's tables, and every case goes through
 * the domain's closed loop as hub commands.
 *
 * Start-up: roster (generated from the seed, or the one already stored), history on first start,
 * then one scheduler tick a second for arrivals, case steps, camera changes, patrol statuses and
 * GPS fixes. See server/feeds/README.md for the model and its measured cost.
 */
import type { Camera } from '@shared/schemas/camera';
import type { Patrol } from '@shared/schemas/patrol';
import type { RegionWithGeometry } from '@shared/schemas/region';
import type { Hub } from '../../hub/hub';
import type { Logger } from '../../lib/log';
import { createRng } from '../../lib/rng';
import { CaseDriver } from './caseDriver';
import { CameraNetwork } from './cameraNetwork';
import { buildCaseEnvInSlices } from './cases';
import { errorText, seedHistory, type HistoryResult } from './history';
import { PatrolFleet } from './patrolFleet';
import { dailyVolume } from './profile';
import { generateRosterInSlices } from './roster';
import { sendCameraChanges, sendPatrolChanges, sendPositions } from './send';
import { buildWorldInSlices } from './world';

export type SimulatorScale = 'district' | 'city' | 'province';

import { acknowledgeDueAlerts, type AlertDesk } from './alertDuty';

export interface SimulatorOptions {
  hub: Hub;
  regions: readonly RegionWithGeometry[];
  seed: string;
  scale: SimulatorScale;
  /** arrival multiplier, 1 = realistic */
  rate: number;
  historyDays: number;
  /** on the first start, the share of the history written so far (0…1), for /healthz and the log */
  onHistoryProgress?: (share: number) => void;
  log: Logger;
  clock?: () => number;
  /** scheduler period; 1 s by default */
  tickMs?: number;
  /** the hub's alerts: the simulated duty operator acknowledges each a minute or two after it sounds */
  alerts?: AlertDesk;
}

export interface SimulatorStatus {
  running: boolean;
  scale: SimulatorScale;
  seed: string;
  rate: number;
  patrols: number;
  cameras: number;
  /** incidents the simulator reported, history included */
  incidentsGenerated: number;
  /** simulated cases still open (with steps planned) */
  openNow: number;
  lastTickAt: number | null;
  /** wall time of the last tick, hub calls included, ms */
  lastTickMs: number | null;
  /** mean time of the simulator's own computation per tick, ms */
  computeMsPerTick: number | null;
  history: { days: number; incidents: number; steps: number; ms: number } | null;
  stepsSent: number;
  stepsRefused: number;
  /** GPS fixes sent to the hub since the start */
  positionsSent: number;
  /** patrols by duty status, as the simulator last set them */
  patrolStatuses: Record<string, number>;
  /** share of cameras online, as the simulator last set them */
  cameraOnlineRate: number;
}

export interface SimulatorHandle {
  status(): SimulatorStatus;
  stop(): Promise<void>;
  /** runs one tick now (tests drive the simulator with a fake clock) */
  tick(): Promise<void>;
}

export const SIMULATOR_META_KEY = 'simulator';
const DAY = 86_400_000;

interface SimulatorMeta {
  seed: string;
  scale: SimulatorScale;
  firstStartAt: number;
  historyDays: number;
  historyIncidents: number;
}

export async function startSimulator(opts: SimulatorOptions): Promise<SimulatorHandle> {
  const { hub, log } = opts;
  const clock = opts.clock ?? (() => hub.now());
  const tz = hub.opts.tzOffsetMinutes;
  const world = await buildWorldInSlices(opts.regions, opts.seed);
  const now0 = clock();

  let patrols: Patrol[];
  let cameras: Camera[];
  if (hub.patrols.size > 0) {
    // a stored roster: the simulator moves only the patrols and cameras of grids it knows
    patrols = hub.patrolsByIdx.filter((p) => p !== undefined && world.byCode.has(p.gridCode)); // in idx order already
    cameras = [...hub.cameras.values()].filter((c) => world.byCode.has(c.gridCode));
    log.info('simulator reuses the stored roster', { patrols: patrols.length, cameras: cameras.length });
  } else {
    const started = performance.now();
    ({ patrols, cameras } = await generateRosterInSlices(world, now0, tz));
    const generatedMs = Math.round(performance.now() - started);
    await hub.loadRoster(cameras, patrols);
    log.info('simulator roster generated', { patrols: patrols.length, cameras: cameras.length, generatedMs, loadedMs: Math.round(performance.now() - started) - generatedMs });
  }

  const env = await buildCaseEnvInSlices({ world, patrols, cameras, policy: hub.opts.policy, dailyVolume: dailyVolume(world.grids.length, opts.rate), tzOffsetMinutes: tz });
  const meta = await hub.store.getMeta<SimulatorMeta>(SIMULATOR_META_KEY);
  let history: HistoryResult | null = null;
  if (meta === null && hub.incidents.size === 0 && opts.historyDays > 0 && opts.rate > 0) {
    try {
      history = await hub.backfill(() => seedHistory(hub, env, now0 - opts.historyDays * DAY, now0, log, opts.onHistoryProgress));
    } finally {
      // written without deltas: walls connected meanwhile take a fresh snapshot
      hub.resyncClients('the simulated city wrote its history');
    }
    await hub.sweepOverdue();
  }
  if (meta === null) {
    const value: SimulatorMeta = { seed: opts.seed, scale: opts.scale, firstStartAt: now0, historyDays: history ? opts.historyDays : 0, historyIncidents: history?.incidents ?? 0 };
    await hub.store.setMeta(SIMULATOR_META_KEY, value);
  }

  const liveRng = createRng(`${opts.seed}/live/${now0}`);
  const network = new CameraNetwork(cameras, now0, liveRng.fork('cameras'));
  const fleet = await PatrolFleet.inSlices(patrols, world, opts.seed, tz, now0, liveRng.fork('patrols'), (p) => hub.positions.get(p.idx));
  const driver = new CaseDriver(hub, env, network, fleet, log, now0);
  if (history) await driver.continueHistory(history.pending, history.ids);
  else log.info('simulator adopted open cases', { cases: await driver.adoptOpenCases(), pendingAlarms: driver.adoptPendingAlarms(now0) });

  let running = true;
  let inFlight: Promise<void> | null = null;
  let lastTickAt: number | null = null;
  let lastTickMs: number | null = null;
  let computeMs = 0;
  let ticks = 0;
  let positionsSent = 0;

  const tickOnce = async (): Promise<void> => {
    const now = clock();
    const started = performance.now();
    let compute = 0;
    try {
      // in slices of time: at province scale a tick walks 384,000 units (the hub's other work goes on between slices)
      const { changes, positions } = await fleet.tickInSlices(now);
      const networkChanges = await network.tickInSlices(now);
      compute += performance.now() - started;
      await sendPositions(hub, positions, log);
      positionsSent += positions.length;
      const alarms = await driver.tick(now);
      if (opts.alerts) await acknowledgeDueAlerts(opts.alerts, env.operators, now, log);
      await sendPatrolChanges(hub, changes, log);
      await sendCameraChanges(hub, [...networkChanges, ...alarms], log);
    } catch (error) {
      log.warn('simulator tick failed', { error: errorText(error) });
    }
    lastTickAt = now;
    lastTickMs = Math.round((performance.now() - started) * 100) / 100;
    computeMs += compute;
    ticks++;
  };

  const tick = (): Promise<void> => {
    if (!running) return Promise.resolve();
    if (inFlight) return inFlight; // a slow tick is not stacked under the next one
    inFlight = tickOnce().finally(() => {
      inFlight = null;
    });
    return inFlight;
  };
  // The fleet's counts and the network's online rate read every unit (384,000 at province scale,
  // ~20 ms): /healthz shows them and may be polled often, so they are read at most once a tick.
  let unitFigures: { at: number; patrolStatuses: ReturnType<typeof fleet.counts>; cameraOnlineRate: number } | null = null;
  const currentUnitFigures = () => {
    if (!unitFigures || unitFigures.at !== ticks) unitFigures = { at: ticks, patrolStatuses: fleet.counts(), cameraOnlineRate: Math.round(network.onlineRate() * 1000) / 1000 };
    return unitFigures;
  };
  const timer = setInterval(() => void tick(), opts.tickMs ?? 1000);
  timer.unref?.();
  log.info('simulator running', { scale: opts.scale, seed: opts.seed, rate: opts.rate, grids: world.grids.length, dailyVolume: Math.round(env.arrivals.dailyVolume) });

  return {
    tick,
    status: () => ({
      running,
      scale: opts.scale,
      seed: opts.seed,
      rate: opts.rate,
      patrols: fleet.size,
      cameras: network.size,
      incidentsGenerated: (history?.incidents ?? 0) + driver.generated,
      openNow: driver.openCount,
      lastTickAt,
      lastTickMs,
      computeMsPerTick: ticks > 0 ? Math.round((computeMs / ticks) * 1000) / 1000 : null,
      history: history ? { days: opts.historyDays, incidents: history.incidents, steps: history.steps, ms: history.ms } : null,
      stepsSent: driver.stepsSent,
      stepsRefused: driver.stepsRefused,
      positionsSent,
      patrolStatuses: currentUnitFigures().patrolStatuses,
      cameraOnlineRate: currentUnitFigures().cameraOnlineRate,
    }),
    async stop() {
      running = false;
      clearInterval(timer);
      if (inFlight) await inFlight;
    },
  };
}
