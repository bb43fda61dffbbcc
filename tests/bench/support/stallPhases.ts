/**
 * One phase of hubStalls.bench.ts measured from inside the hub (/metrics' event-loop delay,
 * scraped at the phase's start and end, optionally every `scrapeEveryMs` between) and from outside
 * (the /healthz probe), and the first start, measured as it happens. See hubProbes.ts for what each
 * figure means and its one blind spot, which the waits for /healthz answers below keep out of a phase.
 */
import { loadavg } from 'node:os';
import type { HubProcess } from '../../e2e/support/hubProcess';
import { LoopDelayWindow, monotonicUs, probeHealth, scrapeEvery, scrapeLoopDelay, type LoopDelay, type PhaseFigures } from './hubProbes';

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
  /** from spawn until /healthz first answered: geography, store, the hub's state, the admin (nothing can be probed) */
  beforeListeningMs: number;
  /** the first scrape after listening: the delays since the metrics were made, before the server listened */
  beforeListening: LoopDelay | null;
  /** seconds after spawn: history being written (healthz `backfilling`) seen first and last */
  backfillFromS: number | null;
  backfillToS: number | null;
  incidentsInMemory: number | null;
}

/**
 * Starts the hub (fresh data directory: it writes its history) and measures from spawn until the
 * simulator runs. Before the HTTP server listens nothing can be probed: that stretch is timed and
 * its scrape (the delays since the metrics registry was made) kept apart from the phase's.
 */
export async function measureFirstStart(ctx: PhaseContext, hub: HubProcess): Promise<FirstStart> {
  const startUs = monotonicUs();
  const t0 = performance.now();
  const sinceSpawnS = () => Math.round((performance.now() - t0) / 100) / 10;
  let listenedMs: number | null = null;
  let backfillFromS: number | null = null;
  let backfillToS: number | null = null;
  let incidentsInMemory: number | null = null;
  let listened!: () => void;
  const listening = new Promise<void>((r) => (listened = r));
  const probe = probeHealth(ctx.url, (body) => {
    if (listenedMs === null) {
      listenedMs = performance.now() - t0;
      listened();
    }
    if (body.backfilling === true) {
      backfillFromS ??= sinceSpawnS();
      backfillToS = sinceSpawnS();
    }
    if (typeof body.incidentsInMemory === 'number') incidentsInMemory = body.incidentsInMemory;
  });
  const window = new LoopDelayWindow();
  let beforeListening: LoopDelay | null = null;
  const scraping: { scraper?: { stop(): Promise<void> } } = {};
  // the first scrape as soon as the hub answers: it holds what happened before it listened
  const watching = listening.then(async () => {
    beforeListening = await scrapeLoopDelay(ctx.url, ctx.headers);
    scraping.scraper = scrapeEvery(ctx.url, ctx.headers, ctx.scrapeEveryMs, window);
  });
  try {
    await hub.start();
  } catch (error) {
    await probe.stop();
    throw error;
  }
  await watching;
  await scraping.scraper?.stop();
  await probe.answers(2);
  window.add(await scrapeLoopDelay(ctx.url, ctx.headers));
  const durationMs = Math.round(performance.now() - t0);
  const endUs = monotonicUs();
  const { longestGapMs } = await probe.stop();
  const beforeListeningMs = Math.round(listenedMs ?? durationMs);
  const history = backfillFromS === null ? 'no history written (backfilling never seen)' : `history written ${backfillFromS}–${backfillToS} s after spawn (backfilling seen)`;
  const row: PhaseFigures = {
    phase: '1 first start, writing the history',
    did: `listening ${(beforeListeningMs / 1000).toFixed(1)} s after spawn; ${history}; simulator running at ${(durationMs / 1000).toFixed(1)} s; ${incidentsInMemory ?? '?'} incidents in memory`,
    durationMs: durationMs - beforeListeningMs,
    loopMaxMs: window.maxMs,
    loopP99Ms: window.p99Ms,
    scrapes: window.scrapes,
    healthzGapMs: longestGapMs,
    load1: Math.round(loadavg()[0]! * 10) / 10,
    startUs: startUs + beforeListeningMs * 1000,
    endUs,
  };
  ctx.report(row);
  return { row, beforeListeningMs, beforeListening, backfillFromS, backfillToS, incidentsInMemory };
}
