/**
 * The load of the province-day benchmark, in a process of its own so that its CPU is not the
 * hub's or the bench's: plans the day (dayPlan.ts), signs in its users (daySessions.ts), replays
 * the day's cases over Socket.IO and HTTP (dayReplay.ts) and sends the roster's GPS fixes
 * (dayPositions.ts) until the day is done. Started by provinceDay.bench.ts with IPC: it receives
 * `start` (and plans the day while the hub starts), answers `planned` with what the day holds,
 * then on `go` with the hub's address replays it, says `progress` every few seconds and `done` at
 * the end, and exits.
 */
import type { CityScale } from '../../../server/geo/generateCity';
import { dayCounts, DAY_MS, lastWorkingDayStart, planDay } from './dayPlan';
import { startPositionFeed, type PositionCounts } from './dayPositions';
import { DayReplayer, type ReplayCounts } from './dayReplay';
import { openSessions } from './daySessions';

export interface DayLoaderConfig {
  adminPassword: string;
  seed: string;
  scale: CityScale;
  /** the day is replayed in this many minutes */
  minutes: number;
  fixesPerSec: number;
  maxInFlight: number;
  connectionsPerUser: number;
  /** the replay stops at minutes × this, whatever is left (the run stays bounded on a slow machine) */
  deadlineFactor: number;
}

export type DayLoaderMessage =
  | { type: 'planned'; from: number; patrols: number; planMs: number; day: ReturnType<typeof dayCounts> }
  | { type: 'started'; speed: number }
  | { type: 'progress' | 'done'; elapsedMs: number; replay: ReplayCounts; positions: PositionCounts };

const PROGRESS_MS = 5_000;

/** resolves once the message is handed to the parent (the last one before exiting must not be lost) */
const send = (m: DayLoaderMessage) => new Promise<void>((resolve) => (process.send ? process.send(m, () => resolve()) : resolve()));

/** the hub's address, once the bench has it */
let go: (url: string) => void = () => undefined;
const hubUrl = new Promise<string>((resolve) => (go = resolve));

async function run(cfg: DayLoaderConfig): Promise<void> {
  const t0 = performance.now();
  const from = lastWorkingDayStart(Date.now());
  const plan = planDay({ seed: cfg.seed, scale: cfg.scale, from });
  void send({ type: 'planned', from, patrols: plan.patrols.length, planMs: Math.round(performance.now() - t0), day: dayCounts(plan) });

  const url = await hubUrl;
  const sessions = await openSessions(url, cfg.adminPassword, plan.rootCode, cfg.connectionsPerUser);
  const speed = DAY_MS / (cfg.minutes * 60_000);
  const replayer = new DayReplayer(plan, sessions, url, { speed, maxInFlight: cfg.maxInFlight });
  const feed = startPositionFeed(url, plan.homes, cfg.fixesPerSec);
  const started = Date.now();
  void send({ type: 'started', speed });
  const report = (type: 'progress' | 'done') => send({ type, elapsedMs: Date.now() - started, replay: { ...replayer.counts, refused: { ...replayer.counts.refused } }, positions: { ...feed.counts } });
  const ticker = setInterval(() => void report('progress'), PROGRESS_MS);
  await replayer.run(started + cfg.minutes * 60_000 * cfg.deadlineFactor);
  clearInterval(ticker);
  await feed.stop();
  sessions.close();
  await report('done');
}

process.on('message', (m: { type: 'start'; config: DayLoaderConfig } | { type: 'go'; url: string }) => {
  if (m.type === 'go') return go(m.url);
  run(m.config).then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`day loader failed: ${error instanceof Error ? error.stack : String(error)}\n`);
      process.exit(1);
    },
  );
});
process.on('disconnect', () => process.exit(0));
