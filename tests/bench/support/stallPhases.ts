/**
 * One phase of hubStalls.bench.ts measured from inside the hub (/metrics' event-loop delay,
 * scraped at the phase's start and end, optionally every `scrapeEveryMs` between) and from outside
 * (the /healthz probe), and the first start, measured as it happens. See hubProbes.ts for what each
 * figure means and its one blind spot, which the waits for /healthz answers below keep out of a phase.
 */
import { loadavg } from 'node:os';
import type { HubProcess } from '../../e2e/support/hubProcess';
import { LoopDelayWindow, monotonicUs, probeHealth, scrapeEvery, scrapeLoopDelay, whenListening, type LoopDelay, type PhaseFigures } from './hubProbes';

export interface PhaseContext {
  url: string;
  /** sent with /metrics (readable anonymously from this machine, but a bearer token does no harm) */
  headers: Record<string, string>;
  /** scrapes inside a phase, 0 for none (each is a blind spot: hubProbes.ts) */
  scrapeEveryMs: number;
  /** each phase's row as it ends */
  report(row: PhaseFigures): void;
}

/** runs `work` as one phase; `work` answers what it did, in words */
export async function measurePhase(ctx: PhaseContext, phase: string, work: () => Promise<string>): Promise<PhaseFigures> {
  await scrapeLoopDelay(ctx.url, ctx.headers); // empties the histogram: what came before is not this phase's
  const probe = probeHealth(ctx.url);
  await probe.answers(2); // the histogram's timer has turned since the reset: a stall from the work's first moment counts
  const startUs = monotonicUs();
  const t0 = performance.now();
  const window = new LoopDelayWindow();
  const scraper = scrapeEvery(ctx.url, ctx.headers, ctx.scrapeEveryMs, window);
  let did: string;
  try {
    did = await work();
  } finally {
    await scraper.stop();
  }
  await probe.answers(2); // and has turned after the work's last stall, before the reset
  window.add(await scrapeLoopDelay(ctx.url, ctx.headers));
  const durationMs = Math.round(performance.now() - t0);
  const endUs = monotonicUs();
  const { longestGapMs } = await probe.stop();
  const row: PhaseFigures = {
    phase,
    did,
    durationMs,
    loopMaxMs: window.maxMs,
    loopP99Ms: window.p99Ms,
    scrapes: window.scrapes,
    healthzGapMs: longestGapMs,
    load1: Math.round(loadavg()[0]! * 10) / 10,
    startUs,
    endUs,
  };
  ctx.report(row);
  return row;
}

export interface FirstStart {
  row: PhaseFigures;
  /** from spawn until the port accepted connections: geography, store, the hub's state, the admin (nothing can be probed) */
  beforeListeningMs: number;
  /** from listening until /healthz first answered: over 100 ms, the hub was blocked right after it listened */
  firstAnswerAfterMs: number;
  /** the first scrape, at the first answer: the delays since the metrics were made (before listening, and after it until that answer) */
  firstScrape: LoopDelay | null;
  /** whether that scrape was counted in the phase (the hub was blocked after listening) */
  firstScrapeCounted: boolean;
  /** seconds after spawn: history being written (healthz `backfilling`) seen first and last */
  backfillFromS: number | null;
  backfillToS: number | null;
  incidentsInMemory: number | null;
}

/**
 * Starts the hub (fresh data directory: it writes its history) and measures from the moment it
 * listens until the simulator runs. Before it listens nothing can be probed: that stretch is timed.
 * The first scrape, taken at the first /healthz answer, holds the delays since the metrics registry
 * was made: before listening, and after it until that answer. It is kept apart unless that answer
 * came over 100 ms after the hub listened — then the hub was blocked after listening (a request
 * waited), and the scrape counts in the phase, though it may also hold some of what came before.
 */
export async function measureFirstStart(ctx: PhaseContext, hub: HubProcess): Promise<FirstStart> {
  const t0 = performance.now();
  const sinceSpawnS = () => Math.round((performance.now() - t0) / 100) / 10;
  const giveUp = new AbortController();
  const listenedAt = whenListening(hub.port, giveUp.signal);
  let answeredAt: number | null = null;
  let backfillFromS: number | null = null;
  let backfillToS: number | null = null;
  let incidentsInMemory: number | null = null;
  let answered!: () => void;
  const firstAnswer = new Promise<void>((r) => (answered = r));
  const probe = probeHealth(
    ctx.url,
    (body) => {
      if (answeredAt === null) {
        answeredAt = performance.now();
        answered();
      }
      if (body.backfilling === true) {
        backfillFromS ??= sinceSpawnS();
        backfillToS = sinceSpawnS();
      }
      if (typeof body.incidentsInMemory === 'number') incidentsInMemory = body.incidentsInMemory;
    },
    listenedAt,
  );
  const window = new LoopDelayWindow();
  let firstScrape: LoopDelay | null = null;
  const scraping: { scraper?: { stop(): Promise<void> } } = {};
  const watching = firstAnswer.then(async () => {
    firstScrape = await scrapeLoopDelay(ctx.url, ctx.headers);
    scraping.scraper = scrapeEvery(ctx.url, ctx.headers, ctx.scrapeEveryMs, window);
  });
  try {
    await hub.start();
  } catch (error) {
    giveUp.abort();
    await probe.stop();
    throw error;
  }
  await watching;
  await scraping.scraper?.stop();
  await probe.answers(2);
  window.add(await scrapeLoopDelay(ctx.url, ctx.headers));
  const endMs = performance.now();
  const endUs = monotonicUs();
  const { longestGapMs } = await probe.stop();
  const listened = await listenedAt;
  const beforeListeningMs = Math.round(listened - t0);
  const firstAnswerAfterMs = Math.round((answeredAt ?? endMs) - listened);
  const firstScrapeCounted = firstAnswerAfterMs > 100 && firstScrape !== null;
  if (firstScrapeCounted) window.add(firstScrape!);
  const history = backfillFromS === null ? 'no history written (backfilling never seen)' : `history written ${backfillFromS}–${backfillToS} s after spawn (backfilling seen)`;
  const blocked = firstAnswerAfterMs > 100 ? ` (first /healthz answer ${(firstAnswerAfterMs / 1000).toFixed(1)} s later: blocked)` : '';
  const row: PhaseFigures = {
    phase: '1 first start, writing the history',
    did: `listening ${(beforeListeningMs / 1000).toFixed(1)} s after spawn${blocked}; ${history}; simulator running at ${((endMs - t0) / 1000).toFixed(1)} s; ${incidentsInMemory ?? '?'} incidents in memory`,
    durationMs: Math.round(endMs - listened),
    loopMaxMs: window.maxMs,
    loopP99Ms: window.p99Ms,
    scrapes: window.scrapes,
    healthzGapMs: longestGapMs,
    load1: Math.round(loadavg()[0]! * 10) / 10,
    startUs: endUs - Math.round((endMs - listened) * 1000),
    endUs,
  };
  ctx.report(row);
  return { row, beforeListeningMs, firstAnswerAfterMs, firstScrape, firstScrapeCounted, backfillFromS, backfillToS, incidentsInMemory };
}
