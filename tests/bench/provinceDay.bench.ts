/**
 * Flat memory over a province day (issue 14): the real hub at province scale in a process of its
 * own, a full day of the province's activity replayed in DAY_REPLAY_MINUTES (10) by a loader in
 * another process, the built wall in Chromium on the province root and on a district; the hub's
 * RSS and heap and the walls' JS heap sampled all along. Target: ≤ 10 % growth after warm-up.
 *
 * How the day is driven — replayed over the public paths, not a faster simulator:
 *   - The day is the simulator's own (support/dayPlan.ts: the same arrival model, case plans, video
 *     alarms and false detections as SIM_RATE=1 over the last working day: ~70,400 cases and
 *     ~239,000 loop steps at province scale), so the volume and mix are what the simulator makes.
 *   - It goes in the way every real source does: reports, loop steps and alarm decisions over
 *     Socket.IO by three signed-in users (centre, departments, verifiers — the hub refuses a
 *     verification by whoever handled the case), alarms at POST /api/video-alarms, GPS fixes of
 *     the whole roster as binary batches at POST /api/positions. So sessions, audit rows,
 *     idempotency keys, the transports and the walls' deltas are all in the measurement.
 *   - A faster simulator would have needed a faster hub clock (sessions expiring in minutes, every
 *     SLA deadline and the walls' "today" read against a clock running 144× — not the product),
 *     or steps stamped ahead of the hub's clock, which the hub rightly refuses; and it would move
 *     patrols 144× faster. Here the hub's clock is real and stamps every change: in the hub's time
 *     the day lasts the replay, so no SLA deadline falls due during it (the overdue sweep finds
 *     nothing; the plan's own 督办 steps still come) and no day boundary is crossed.
 *   - The hub starts with the simulator once to write the province roster (SIM_RATE=0, no
 *     history: a day of history takes minutes at this scale and would overlap the replayed day),
 *     then again with SIM=0 on the same data, so the loader's fixes are the only ones.
 *
 * The hub runs with --inspect on loopback: each sample forces a full GC there and reads the heap
 * still reachable, beside RSS and heapUsed from /metrics. Warm-up is the first DAY_REPLAY_WARMUP
 * of the replay and lasts at least until the resume buffer (RESUME_BUFFER deltas, a ring of fixed
 * size) is full. The case store grows with the day's cases by design (every case changed within
 * MEMORY_DAYS, 35, stays in memory with its log; open ones are also in the fusion index): its size
 * is estimated apart (support/caseStoreSize.ts: the hub's own cases rebuilt in this process, per
 * stage) and the hub's growth is shown with and without it. The walls hold the region's cases
 * (open, and closed within 24 h; at most 1,000 where the hub summarises the region) and 7 days of
 * heat points by design: each sample shows how many.
 *
 * The replay stops at 1.2 × DAY_REPLAY_MINUTES whatever is left, counted as not sent: on a machine
 * that cannot take a province's day at that pace (the hub's store writes on its own thread, and a
 * shared 2-core machine short of CPU gives it ~150 changes a second, not the ~530 a 10-minute day
 * asks for), the figures cover the part of the day that went in, and say how far it got.
 *
 *   npm run bench -- provinceDay                        (province, 10 minutes: ~15 minutes in all)
 *   DAY_REPLAY_SCALE=city DAY_REPLAY_MINUTES=2 npm run bench -- provinceDay
 *
 * Knobs: DAY_REPLAY_SCALE (province | city | district), DAY_REPLAY_MINUTES (10), DAY_REPLAY_SAMPLE_S
 * (30), DAY_REPLAY_WARMUP (0.2: the share of the replay counted as warm-up), DAY_REPLAY_FIXES
 * (5,000 fixes a second, the simulator's fleet cap), DAY_REPLAY_INFLIGHT (256 changes waiting at
 * most), DAY_REPLAY_DISTRICT (1: a second wall on a district), DAY_REPLAY_RESUME_BUFFER (50,000,
 * the hub's default), DAY_REPLAY_HEAP_SNAPSHOTS=<dir> (hub heap snapshots after warm-up and at the
 * end, for Chrome's DevTools; writing one raises the hub's RSS by itself), DAY_REPLAY_HUB_PROFILE=<file>
 * (a CPU profile of the hub for 30 s from the first sample after a minute). Needs /usr/bin/chromium
 * and a built wall for the walls (npm run build); without them the hub is measured alone.
 * Prints figures and writes bench-results/provinceDay.json; asserts nothing.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Browser, CDPSession, Page } from 'playwright-core';
import type { Region } from '@shared/schemas/region';
import { CHROMIUM, launch } from '../e2e/support/browser';
import { createHubProcess, type HubProcess } from '../e2e/support/hubProcess';
import { writeBenchResult } from './support/benchResults';
import type { DayLoaderConfig, DayLoaderMessage } from './support/dayReplayLoader';
import { bytesPerCaseByStage, caseStoreBytes, stageCounts, type StageCounts } from './support/caseStoreSize';
import { Inspector, inspectorUrlIn } from './support/inspector';
import { growthPercent, mb, readHubMetrics, wallHeapAfterGc } from './support/memoryReadings';
import { BENCH_INGEST_ENV, BENCH_SOCKET_ENV } from './support/benchKey';

type Progress = Extract<DayLoaderMessage, { type: 'progress' | 'done' }>;
type Planned = Extract<DayLoaderMessage, { type: 'planned' }>;

interface Wall {
  name: string;
  page: Page;
  cdp: CDPSession;
}

interface Sample {
  atSec: number;
  /** local time of the replayed day reached */
  dayClock: string;
  casesOpened: number;
  steps: number;
  closed: number;
  lagMs: number;
  hubRssMB: number;
  hubHeapUsedMB: number;
  hubHeapAfterGcMB: number | null;
  hubGcMs: number | null;
  incidentsInMemory: number;
  /** cases in memory by stage (the case store's estimate is made from these) */
  stages: StageCounts;
  /** reliable deltas since the replay began: the resume buffer is full once they reach RESUME_BUFFER */
  deltas: number;
  /** the walls were open and read in this sample (they open during warm-up) */
  wallsReady: boolean;
  walls: Record<string, { heapMB: number; domNodes: number; cases: number | null; heatPoints: number | null; status: string | null }>;
}

const openOf = (s: Pick<Sample, 'stages'>) => Object.entries(s.stages).reduce((n, [stage, count]) => (stage === 'closed' || stage === 'rejected' ? n : n + count), 0);
const env = (name: string, fallback: number) => (process.env[name] ? Number(process.env[name]) : fallback);
const ADMIN_PASSWORD = 'province-day-bench-1';

function dayClock(at: number, tzOffsetMinutes = 480): string {
  if (!at) return '--:--';
  return new Date(at + tzOffsetMinutes * 60_000).toISOString().slice(11, 16);
}

async function openWall(browser: Browser, url: string, name: string): Promise<Wall> {
  const page = await (await browser.newContext({ viewport: { width: 1920, height: 1080 } })).newPage();
  page.setDefaultTimeout(300_000);
  await page.goto(url);
  // open once it shows live figures and the map has its style, as snapshot.bench.ts waits, and its
  // subscription has been answered (a district's snapshot comes after the map on a busy hub)
  await page.waitForFunction(
    () => {
      const map = (window as unknown as { __wallMap?: { isStyleLoaded(): boolean } }).__wallMap;
      if (!map || !map.isStyleLoaded() || !document.body.innerText.includes('实时')) return false;
      // the live store through the Vue app's Pinia (internals: when they move, the map and 实时 suffice)
      type Live = { status?: string; subscribed?: boolean };
      const app = (document.querySelector('#app') as (Element & { __vue_app__?: { config: { globalProperties: { $pinia?: { _s?: Map<string, Live> } } } } }) | null)?.__vue_app__;
      const live = app?.config.globalProperties.$pinia?._s?.get('live');
      return !live || (live.subscribed === true && live.status === 'live');
    },
    null,
    { timeout: 300_000, polling: 250 },
  );
  return { name, page, cdp: await page.context().newCDPSession(page) };
}

/** closes the browser; one that does not close within a minute is left to the caller's process exit, and said so */
async function closeBrowser(browser: Browser | null): Promise<void> {
  if (!browser) return;
  await Promise.all(browser.contexts().map((c) => c.close().catch(() => undefined)));
  let timer: NodeJS.Timeout | undefined;
  const closed = await Promise.race([browser.close().then(() => true), new Promise<boolean>((r) => (timer = setTimeout(() => r(false), 60_000)))]);
  clearTimeout(timer);
  if (!closed) console.log('  (Chromium did not close within a minute)');
}

async function firstDistrict(url: string): Promise<Region> {
  const all = ((await (await fetch(`${url}/api/regions?level=district`)).json()) as { regions: Region[] }).regions;
  return all.sort((a, b) => a.code.localeCompare(b.code))[0]!;
}

function startLoader(config: DayLoaderConfig): { child: ChildProcess; go: (url: string) => void; planned: Promise<Planned>; started: Promise<number>; done: Promise<Progress>; latest: () => Progress | null } {
  const child = fork(new URL('./support/dayReplayLoader.ts', import.meta.url).pathname, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let latest: Progress | null = null;
  let onPlanned: (m: Planned) => void = () => undefined;
  let onStarted: (t: number) => void = () => undefined;
  let onDone: (m: Progress) => void = () => undefined;
  const planned = new Promise<Planned>((resolve) => (onPlanned = resolve));
  const started = new Promise<number>((resolve) => (onStarted = resolve));
  const done = new Promise<Progress>((resolve, reject) => {
    onDone = resolve;
    child.once('exit', (code) => reject(new Error(`the day loader exited (${code}) before it was done`)));
  });
  // awaited later (the hub starts first): an early exit must not be an unhandled rejection meanwhile
  done.catch(() => undefined);
  child.on('message', (m: DayLoaderMessage) => {
    if (m.type === 'planned') onPlanned(m);
    else if (m.type === 'started') onStarted(Date.now());
    else {
      latest = m;
      if (m.type === 'done') onDone(m);
    }
  });
  child.send({ type: 'start', config });
  return { child, go: (url) => child.send({ type: 'go', url }), planned, started, done, latest: () => latest };
}

export default async function run(): Promise<void> {
  const scale = (process.env.DAY_REPLAY_SCALE ?? 'province') as DayLoaderConfig['scale'];
  const minutes = env('DAY_REPLAY_MINUTES', 10);
  const sampleMs = env('DAY_REPLAY_SAMPLE_S', 30) * 1000;
  const warmupShare = env('DAY_REPLAY_WARMUP', 0.2);
  const snapshotDir = process.env.DAY_REPLAY_HEAP_SNAPSHOTS;
  // the hub's default, set explicitly: warm-up lasts until this ring of deltas is full
  const resumeBuffer = env('DAY_REPLAY_RESUME_BUFFER', 50_000);
  // the hub's default (server/config.ts), set explicitly: the walls open once the province holds more
  const snapshotIncidents = 2_500;
  const withWall = existsSync(CHROMIUM) && existsSync(fileURLToPath(new URL('../../dist/web/index.html', import.meta.url)));
  const config: DayLoaderConfig = {
    adminPassword: ADMIN_PASSWORD,
    seed: 'ningbo',
    scale,
    minutes,
    fixesPerSec: env('DAY_REPLAY_FIXES', 5_000),
    maxInFlight: env('DAY_REPLAY_INFLIGHT', 256),
    connectionsPerUser: 2,
    // a bounded run on a machine that cannot keep up: what is left at 1.2 × the replay is counted, not sent
    deadlineFactor: 1.2,
  };

  console.log(`province day: ${scale} scale, a day replayed in ${minutes} min, a sample every ${sampleMs / 1000} s, warm-up the first ${Math.round(warmupShare * 100)} %`);
  const t0 = Date.now();
  let hub: HubProcess | null = null;
  let browser: Browser | null = null;
  let inspector: Inspector | null = null;
  let loader: ChildProcess | null = null;
  try {
    // the loader plans the day (a minute at province scale) while the hub starts
    const l = startLoader(config);
    loader = l.child;
    hub = await createHubProcess(
      { ...BENCH_INGEST_ENV, ...BENCH_SOCKET_ENV, SIM_SCALE: scale, SIM_HISTORY_DAYS: '0', SIM_RATE: '0', ADMIN_PASSWORD, LOG_LEVEL: 'warn', RESUME_BUFFER: String(resumeBuffer), SNAPSHOT_INCIDENTS: String(snapshotIncidents) },
      { healthyWithinMs: 900_000 },
    );
    await hub.start();
    await hub.stop();
    await hub.start({ SIM: '0', NODE_OPTIONS: '--inspect=127.0.0.1:0' });
    const health = (await (await fetch(`${hub.url}/healthz`)).json()) as { patrols: number; cameras: number };
    const inspectorUrl = inspectorUrlIn(hub.log());
    inspector = inspectorUrl ? await Inspector.connect(inspectorUrl) : null;
    console.log(`  hub ready in ${Math.round((Date.now() - t0) / 1000)} s (roster written, then restarted without the simulator): ${health.patrols.toLocaleString('en')} patrols, ${health.cameras.toLocaleString('en')} cameras${inspector ? '' : ' — no inspector: no heap after GC'}`);

    // The walls open during warm-up, once the province holds more cases than the hub's snapshot
    // budget (SNAPSHOT_INCIDENTS; a smaller city's day never does: half-way through warm-up), so that the root is summarised, as on
    // a hub that has been running. A wall that subscribed while its region held fewer keeps every
    // case by delta as the region grows past the budget, until it subscribes again (INCIDENTS_CAP,
    // 50,000, bounds it): from an empty hub the root wall would measure that, not a day.
    const walls: Wall[] = [];
    let wallsOpened = !withWall;
    let wallsOpening: Promise<void> | null = null;
    /** the walls join the samples once all of them are open */
    let wallsReady = !withWall;
    const openWalls = async () => {
      wallsOpened = true;
      const opened: Wall[] = [];
      browser = await launch();
      opened.push(await openWall(browser, hub!.url, 'root'));
      if (process.env.DAY_REPLAY_DISTRICT !== '0') {
        const district = await firstDistrict(hub!.url);
        opened.push(await openWall(browser, `${hub!.url}/?region=${district.code}`, `district ${district.code}`));
      }
      walls.push(...opened);
      wallsReady = true;
      console.log(`  walls open: ${walls.map((w) => w.name).join(', ')}`);
    };
    if (!withWall) console.log(`  walls skipped: needs ${CHROMIUM} and a built wall (npm run build)`);

    l.go(hub.url);
    const planned = await Promise.race([l.planned, l.done.then(() => Promise.reject(new Error('the loader ended before planning')))]);
    const day = planned.day;
    console.log(
      `  the day (${new Date(planned.from + 8 * 3_600_000).toISOString().slice(0, 10)}, planned in ${Math.round(planned.planMs / 1000)} s): ${day.cases.toLocaleString('en')} cases (${day.confirmedAlarms.toLocaleString('en')} from video alarms), ` +
        `${day.steps.toLocaleString('en')} loop steps (${day.byAction.close?.toLocaleString('en') ?? 0} closes), ${day.falseAlarms.toLocaleString('en')} false detections; positions for ${planned.patrols.toLocaleString('en')} patrols`,
    );
    const startedAt = await Promise.race([l.started, l.done.then(() => Date.now())]);
    const seq0 = (await readHubMetrics(hub.url)).seq;

    const samples: Sample[] = [];
    const snapshots: string[] = [];
    const warmupEndSec = warmupShare * minutes * 60;
    const isWarm = (x: Sample) => x.atSec >= warmupEndSec && x.deltas >= resumeBuffer && x.wallsReady;
    let finished = false;
    void l.done.then(() => (finished = true), () => (finished = true));
    const sample = async (): Promise<Sample> => {
      const p = l.latest();
      const metrics = await readHubMetrics(hub!.url);
      const gc = inspector ? await inspector.heapAfterGc() : null;
      const wallReadings: Sample['walls'] = {};
      const withWalls = wallsReady;
      for (const w of withWalls ? walls : []) {
        const r = await wallHeapAfterGc(w.cdp, w.page);
        wallReadings[w.name] = { heapMB: mb(r.heapBytes), domNodes: r.domNodes, cases: r.cases, heatPoints: r.heatPoints, status: r.status };
      }
      const s: Sample = {
        atSec: Math.round((Date.now() - startedAt) / 1000),
        dayClock: dayClock(p?.replay.dayAt ?? 0),
        casesOpened: (p?.replay.reported ?? 0) + (p?.replay.alarmsConfirmed ?? 0) - (p?.replay.joined ?? 0),
        steps: p?.replay.steps ?? 0,
        closed: p?.replay.closed ?? 0,
        lagMs: p?.replay.lagMs ?? 0,
        hubRssMB: mb(metrics.rssBytes),
        hubHeapUsedMB: mb(metrics.heapUsedBytes),
        hubHeapAfterGcMB: gc ? mb(gc.usedBytes) : null,
        hubGcMs: gc ? Math.round(gc.gcMs) : null,
        incidentsInMemory: metrics.incidentsInMemory,
        stages: await stageCounts(hub!.url),
        deltas: metrics.seq - seq0,
        wallsReady: withWalls,
        walls: wallReadings,
      };
      const wallText = Object.entries(s.walls).map(([name, w]) => `${name} ${w.heapMB.toFixed(1)} MB (${w.status ?? '?'}, cases ${w.cases ?? '—'}, heat ${w.heatPoints ?? '—'})`).join(', ');
      console.log(
        `  t=${String(s.atSec).padStart(4)} s  day ${s.dayClock}  cases ${s.casesOpened.toLocaleString('en').padStart(6)} (closed ${s.closed.toLocaleString('en')})  steps ${s.steps.toLocaleString('en').padStart(7)}  lag ${(s.lagMs / 1000).toFixed(1)} s` +
          `  │ hub RSS ${s.hubRssMB.toFixed(0)} MB, heapUsed ${s.hubHeapUsedMB.toFixed(0)} MB, after GC ${s.hubHeapAfterGcMB?.toFixed(0) ?? '—'} MB (GC ${s.hubGcMs ?? '—'} ms), cases in memory ${s.incidentsInMemory.toLocaleString('en')} (open ${openOf(s).toLocaleString('en')}), deltas ${s.deltas.toLocaleString('en')}` +
          (wallText ? `  │ wall heap ${wallText}` : ''),
      );
      samples.push(s);
      return s;
    };
    const snapshot = async (label: string) => {
      if (!snapshotDir || !inspector) return;
      mkdirSync(snapshotDir, { recursive: true });
      const path = join(snapshotDir, `hub-${label}-${Date.now()}.heapsnapshot`);
      await inspector.writeHeapSnapshot(path);
      snapshots.push(path);
      console.log(`  hub heap snapshot: ${path}`);
    };

    let snappedWarm = false;
    // DAY_REPLAY_HUB_PROFILE=<file>: a CPU profile of the hub from the first sample after a minute, for 30 s
    const profilePath = process.env.DAY_REPLAY_HUB_PROFILE;
    let profiling: 'no' | 'running' | 'done' = profilePath && inspector ? 'no' : 'done';
    let profileFrom = 0;
    for (let next = startedAt + sampleMs; !finished; next += sampleMs) {
      // a sample on the cadence, or at once when the loader is done
      await Promise.race([new Promise((r) => setTimeout(r, Math.max(0, next - Date.now()))), l.done.catch(() => undefined)]);
      if (finished) break;
      const s = await sample();
      // opened beside the sampling: a wall takes minutes to open on a machine short of CPU, and the hub's samples go on
      const rootSummarised = s.incidentsInMemory > snapshotIncidents || (day.cases <= snapshotIncidents && s.atSec >= warmupEndSec / 2);
      if (!wallsOpened && rootSummarised) wallsOpening = openWalls();
      if (profiling === 'no' && s.atSec >= 60) {
        await inspector!.startProfile();
        [profiling, profileFrom] = ['running', s.atSec];
      } else if (profiling === 'running' && s.atSec >= profileFrom + 30) {
        await inspector!.stopProfile(profilePath!);
        profiling = 'done';
        console.log(`  hub CPU profile (t=${profileFrom}–${s.atSec} s): ${profilePath}`);
      }
      if (!snappedWarm && isWarm(s)) {
        snappedWarm = true;
        await snapshot('warm');
      }
    }
    const done = await l.done;
    await wallsOpening;
    await sample();
    await snapshot('end');

    // warm-up: the first share of the replay, and until the resume buffer is full (a ring of fixed
    // size that fills with the first RESUME_BUFFER deltas); at city scale a day never fills it
    const warm =
      samples.find(isWarm) ??
      // a resume buffer that never fills (a city's day is ~7,000 deltas) grows in the figures, and is said so below
      samples.find((x) => x.atSec >= warmupEndSec && x.wallsReady) ??
      samples.find((x) => x.atSec >= warmupEndSec) ??
      samples[0]!;
    const bufferFull = warm.deltas >= resumeBuffer;
    const end = samples.at(-1)!;
    // the case store apart: bytes per case of each stage, rebuilt from the hub's own cases
    const perCase = await bytesPerCaseByStage(hub.url);
    const storeWarmMB = mb(caseStoreBytes(warm.stages, perCase));
    const storeEndMB = mb(caseStoreBytes(end.stages, perCase));
    const r = done.replay;
    const pos = done.positions;
    const opened = r.reported + r.alarmsConfirmed - r.joined;
    // a wall that opened after the last sample of warm-up has no reading to grow from: left out, and said so
    const wallGrowth = Object.fromEntries(
      Object.keys(end.walls)
        .filter((name) => warm.walls[name] !== undefined)
        .map((name) => [name, { afterWarmupMB: warm.walls[name]!.heapMB, endMB: end.walls[name]!.heapMB, growthPercent: growthPercent(warm.walls[name]!.heapMB, end.walls[name]!.heapMB) }]),
    );
    const lateWalls = Object.keys(end.walls).filter((name) => warm.walls[name] === undefined);
    const hubRssGrowth = growthPercent(warm.hubRssMB, end.hubRssMB);
    const hubHeapGrowth = warm.hubHeapAfterGcMB !== null && end.hubHeapAfterGcMB !== null ? growthPercent(warm.hubHeapAfterGcMB, end.hubHeapAfterGcMB) : null;
    const storeGrowthMB = storeEndMB - storeWarmMB;
    // what grew besides the case store: RSS less the store's growth, and the heap other than the store
    const rssNetGrowth = growthPercent(warm.hubRssMB, end.hubRssMB - storeGrowthMB);
    const heapRest = warm.hubHeapAfterGcMB !== null && end.hubHeapAfterGcMB !== null ? { afterWarmupMB: warm.hubHeapAfterGcMB - storeWarmMB, endMB: end.hubHeapAfterGcMB - storeEndMB } : null;
    const heapRestGrowth = heapRest ? growthPercent(heapRest.afterWarmupMB, heapRest.endMB) : null;
    const worstWall = Math.max(...Object.values(wallGrowth).map((w) => w.growthPercent), -Infinity);
    const pct = (x: number) => `${x >= 0 ? '+' : ''}${x.toFixed(1)} %`;
    const verdict = (x: number) => (x <= 10 ? 'within 10 %' : 'over 10 %');

    console.log(
      `\nprovince day: ${scale} scale, ${Math.round(done.elapsedMs / 1000)} s of replay (asked: ${minutes * 60} s), warm-up ended at t=${warm.atSec} s (day ${warm.dayClock}; ` +
        `${bufferFull ? `the resume buffer full: ${warm.deltas.toLocaleString('en')} deltas ≥ RESUME_BUFFER ${resumeBuffer.toLocaleString('en')}` : `the resume buffer never filled: ${end.deltas.toLocaleString('en')} deltas < ${resumeBuffer.toLocaleString('en')}, so it grows in the figures below`})`,
    );
    console.log(
      `  the day: ${opened.toLocaleString('en')} cases opened of ${day.cases.toLocaleString('en')} planned (${r.joined.toLocaleString('en')} reports joined to open cases), ` +
        `${r.steps.toLocaleString('en')} loop steps of ${day.steps.toLocaleString('en')}, ${r.closed.toLocaleString('en')} closed of ${(day.byAction.close ?? 0).toLocaleString('en')}, ` +
        `${r.alarmsRaised.toLocaleString('en')} video alarms raised, ${r.alarmsDismissed.toLocaleString('en')} dismissed; reached day ${dayClock(r.dayAt)}; ` +
        `not sent at the deadline ${r.notSent.toLocaleString('en')}; worst lag ${(r.maxLagMs / 1000).toFixed(1)} s; refused ${JSON.stringify(r.refused)}`,
    );
    console.log(`  positions: ${pos.accepted.toLocaleString('en')} ingested (${pos.ignored.toLocaleString('en')} ignored as older, ${pos.dropped.toLocaleString('en')} dropped by the loader, ${pos.refused.toLocaleString('en')} refused${pos.refused ? ` ${JSON.stringify(pos.refusedBy)}` : ''}) of ${pos.sent.toLocaleString('en')} sent`);
    console.log(`  hub RSS ${warm.hubRssMB.toFixed(0)} MB after warm-up → ${end.hubRssMB.toFixed(0)} MB at the end: ${pct(hubRssGrowth)} (${verdict(hubRssGrowth)})`);
    if (hubHeapGrowth !== null) console.log(`  hub heap after GC ${warm.hubHeapAfterGcMB!.toFixed(0)} MB → ${end.hubHeapAfterGcMB!.toFixed(0)} MB: ${pct(hubHeapGrowth)}`);
    console.log(
      `  the case store (every case changed within MEMORY_DAYS stays in memory, by design): ${warm.incidentsInMemory.toLocaleString('en')} → ${end.incidentsInMemory.toLocaleString('en')} cases, ` +
        `${storeWarmMB.toFixed(0)} → ${storeEndMB.toFixed(0)} MB estimated (per case by stage, rebuilt from the hub's own cases: ${Object.entries(perCase).map(([k, v]) => `${k} ${((v ?? 0) / 1000).toFixed(1)} kB`).join(', ')})`,
    );
    console.log(`  hub RSS less the case store's growth: ${pct(rssNetGrowth)} (${verdict(rssNetGrowth)})`);
    if (heapRest && heapRestGrowth !== null) console.log(`  hub heap after GC other than the case store ${heapRest.afterWarmupMB.toFixed(0)} MB → ${heapRest.endMB.toFixed(0)} MB: ${pct(heapRestGrowth)} (${verdict(heapRestGrowth)})`);
    if (lateWalls.length > 0) console.log(`  walls without a reading after warm-up (they opened too late on this machine): ${lateWalls.join(', ')}; at the end: ${lateWalls.map((n) => `${n} ${end.walls[n]!.heapMB.toFixed(1)} MB`).join(', ')}`);
    for (const [name, w] of Object.entries(wallGrowth)) {
      console.log(`  wall (${name}) JS heap after GC ${w.afterWarmupMB.toFixed(1)} MB → ${w.endMB.toFixed(1)} MB: ${pct(w.growthPercent)} (${verdict(w.growthPercent)}); DOM nodes ${warm.walls[name]?.domNodes ?? '—'} → ${end.walls[name]?.domNodes ?? '—'}, cases held ${warm.walls[name]?.cases ?? '—'} → ${end.walls[name]?.cases ?? '—'}, heat points ${warm.walls[name]?.heatPoints ?? '—'} → ${end.walls[name]?.heatPoints ?? '—'}`);
    }

    const path = writeBenchResult('provinceDay', {
      scale,
      minutes,
      replaySeconds: Math.round(done.elapsedMs / 1000),
      warmupEndSec: warm.atSec,
      warmupDayClock: warm.dayClock,
      resumeBuffer: { size: resumeBuffer, fullAtWarmupEnd: bufferFull },
      day: { planned: day, casesOpened: opened, joined: r.joined, steps: r.steps, closed: r.closed, alarmsRaised: r.alarmsRaised, alarmsDismissed: r.alarmsDismissed, reachedDayClock: dayClock(r.dayAt), notSent: r.notSent, maxLagMs: r.maxLagMs, refused: r.refused },
      positions: pos,
      hub: {
        rss: { afterWarmupMB: warm.hubRssMB, endMB: end.hubRssMB, growthPercent: hubRssGrowth },
        heapAfterGc: hubHeapGrowth === null ? null : { afterWarmupMB: warm.hubHeapAfterGcMB, endMB: end.hubHeapAfterGcMB, growthPercent: hubHeapGrowth },
        incidentsInMemory: { afterWarmup: warm.incidentsInMemory, end: end.incidentsInMemory },
        caseStore: { afterWarmupMB: storeWarmMB, endMB: storeEndMB, bytesPerCaseByStage: perCase },
        rssLessCaseStoreGrowthPercent: rssNetGrowth,
        heapAfterGcOtherThanCaseStore: heapRest && { ...heapRest, growthPercent: heapRestGrowth },
      },
      walls: wallGrowth,
      worstWallGrowthPercent: Number.isFinite(worstWall) ? worstWall : null,
      heapSnapshots: snapshots,
      samples,
    });
    console.log(`figures in ${path}`);
  } finally {
    loader?.kill();
    inspector?.close();
    // closed page by page first: a wall still busy with a flood of deltas held browser.close() for minutes
    await closeBrowser(browser);
    await hub?.dispose();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await run();
