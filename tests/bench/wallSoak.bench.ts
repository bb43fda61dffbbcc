/**
 * Soak of the wall: the real hub with the simulated city at a high arrival rate, the built wall in
 * Chromium, and the page's JS heap (after a forced GC), DOM size and store sizes sampled over a
 * few minutes. A wall that runs for months must show a flat line once it has warmed up.
 *
 *   npx tsx tests/bench/wallSoak.bench.ts            # 3 minutes, SIM_RATE 30
 *   SOAK_MINUTES=30 SOAK_RATE=60 npx tsx tests/bench/wallSoak.bench.ts
 *
 * Needs /usr/bin/chromium and a built wall (npm run build). Prints figures; asserts nothing.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { CHROMIUM } from '../e2e/support/browser';
import { createHubProcess } from '../e2e/support/hubProcess';

interface Sample {
  atSec: number;
  heapMB: number;
  domNodes: number;
}

export default async function run(): Promise<void> {
  const minutes = Number(process.env.SOAK_MINUTES ?? 3);
  const rate = process.env.SOAK_RATE ?? '30';
  const web = fileURLToPath(new URL('../../dist/web/index.html', import.meta.url));
  if (!existsSync(CHROMIUM) || !existsSync(web)) {
    console.log(`wall soak skipped: needs ${CHROMIUM} and a built wall (npm run build)`);
    return;
  }
  const hub = await createHubProcess({ SIM_RATE: rate });
  await hub.start();
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-background-networking', '--enable-unsafe-swiftshader', '--use-angle=swiftshader'],
  });
  try {
    const page = await (await browser.newContext({ viewport: { width: 1920, height: 1080 } })).newPage();
    await page.goto(hub.url);
    await page.waitForFunction(() => !!(window as unknown as { __wallMap?: unknown }).__wallMap, null, { timeout: 120_000 });
    // Chromium's own collector and heap counter, through the DevTools protocol: a reading after a
    // full GC is what is still reachable, i.e. what would accumulate over months.
    const cdp = await page.context().newCDPSession(page);
    const samples: Sample[] = [];
    const started = Date.now();
    const everyMs = Math.max(10_000, (minutes * 60_000) / 12);
    while (Date.now() - started < minutes * 60_000) {
      await page.waitForTimeout(everyMs);
      await cdp.send('HeapProfiler.collectGarbage');
      const usage = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number };
      const s = { heap: usage.usedSize, dom: await page.evaluate(() => document.getElementsByTagName('*').length) };
      const sample = { atSec: Math.round((Date.now() - started) / 1000), heapMB: s.heap / 1e6, domNodes: s.dom };
      samples.push(sample);
      console.log(`  t=${String(sample.atSec).padStart(5)} s   JS heap ${sample.heapMB.toFixed(1).padStart(6)} MB   DOM nodes ${sample.domNodes}`);
    }
    const health = (await (await fetch(`${hub.url}/healthz`)).json()) as { seq: number; simulator: { incidentsGenerated: number } };
    // growth after warm-up: compare the second third with the last third
    const third = Math.max(1, Math.floor(samples.length / 3));
    const mid = samples.slice(third, 2 * third);
    const last = samples.slice(-third);
    const avg = (xs: Sample[]) => xs.reduce((a, b) => a + b.heapMB, 0) / xs.length;
    const spanH = ((last.at(-1)!.atSec + last[0]!.atSec) / 2 - (mid.at(-1)!.atSec + mid[0]!.atSec) / 2) / 3600;
    const slope = spanH > 0 ? (avg(last) - avg(mid)) / spanH : NaN;
    console.log(`\nwall soak: ${minutes} min at SIM_RATE ${rate}, hub seq ${health.seq}`);
    console.log(`  heap after warm-up ${avg(mid).toFixed(1)} MB → ${avg(last).toFixed(1)} MB (${slope.toFixed(1)} MB/h extrapolated; noise dominates short runs)`);
    console.log(`  DOM nodes ${samples[0]!.domNodes} → ${samples.at(-1)!.domNodes}`);
  } finally {
    await browser.close();
    await hub.dispose();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
