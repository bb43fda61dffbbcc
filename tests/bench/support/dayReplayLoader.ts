/**
 * The load of the province-day benchmark, in a process of its own so that its CPU is not the
 * hub's or the bench's: plans the day (dayPlan.ts), signs in its users (daySessions.ts), replays
 * the day's cases over Socket.IO and HTTP (dayReplay.ts) and sends the roster's GPS fixes
 * (dayPositions.ts) until the day is done. Started by provinceDay.bench.ts with IPC: it receives
 * one `start`, answers `planned` with what the day holds, `progress` every few seconds and `done`
 * at the end, then exits.
 */
import type { CityScale } from '../../../server/geo/generateCity';
import { dayCounts, DAY_MS, lastWorkingDayStart, planDay } from './dayPlan';
import { startPositionFeed, type PositionCounts } from './dayPositions';
import { DayReplayer, type ReplayCounts } from './dayReplay';
import { openSessions } from './daySessions';

export interface DayLoaderConfig {
  url: string;
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

async function run(cfg: DayLoaderConfig): Promise<void> {
  const t0 = performance.now();
  const from = lastWorkingDayStart(Date.now());
  const plan = planDay({ seed: cfg.seed, scale: cfg.scale, from });
  void send({ type: 'planned', from, patrols: plan.patrols.length, planMs: Math.round(performance.now() - t0), day: dayCounts(plan) });

  const sessions = await openSessions(cfg.url, cfg.adminPassword, plan.rootCode, cfg.connectionsPerUser);
  const speed = DAY_MS / (cfg.minutes * 60_000);
  const replayer = new DayReplayer(plan, sessions, cfg.url, { speed, maxInFlight: cfg.maxInFlight });
  const feed = startPositionFeed(cfg.url, plan.homes, cfg.fixesPerSec);
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

process.once('message', (m: { type: string; config: DayLoaderConfig }) => {
  if (m.type !== 'start') return;
  run(m.config).then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`day loader failed: ${error instanceof Error ? error.stack : String(error)}\n`);
      process.exit(1);
    },
  );
});
process.on('disconnect', () => process.exit(0));
