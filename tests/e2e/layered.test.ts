/**
 * The layered snapshot as a person sees it: a hub whose budget makes its root region "too large"
 * (as a province's is), the built wall in Chromium. At the root the map shows one bubble per
 * child area and no patrol markers; a street below the budget shows its patrols one by one.
 * Screenshot in tests/e2e/screenshots/layered-root-1080.png.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { Region } from '@shared/schemas/region';
import type { Patrol } from '@shared/schemas/patrol';
import { announceSkip, chromiumAvailable, launch, watchedPage, type WatchedPage } from './support/browser';
import { createHubProcess, type HubProcess } from './support/hubProcess';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const shots = fileURLToPath(new URL('./screenshots/', import.meta.url));

announceSkip();

/** the features a GeoJSON source of the wall's map holds now (what it was last given) */
async function sourceFeatures(page: Page, id: string): Promise<{ properties: Record<string, unknown> }[]> {
  return page.evaluate(async (source) => {
    const map = (window as unknown as { __wallMap?: { getSource(id: string): { getData(): Promise<{ features: unknown[] }> } | undefined } }).__wallMap;
    const data = await map?.getSource(source)?.getData();
    return (data?.features ?? []) as { properties: Record<string, unknown> }[];
  }, id);
}

describe.runIf(chromiumAvailable)('layered snapshots on the wall', () => {
  let hub: HubProcess;
  let browser: Browser;
  let main: WatchedPage;
  let root: string;
  let children: Region[];

  beforeAll(async () => {
    execFileSync('npx', ['vite', 'build', '--logLevel', 'warn'], { cwd: repo, stdio: 'inherit' });
    mkdirSync(shots, { recursive: true });
    // the simulated district has hundreds of patrols and cameras: a budget of 40 makes its root a "province"
    hub = await createHubProcess({ SNAPSHOT_ITEMS: '40', SNAPSHOT_INCIDENTS: '40', SNAPSHOT_GRIDS: '40', SIM_HISTORY_DAYS: '1' });
    await hub.start();
    const hello = (await (await fetch(`${hub.url}/api/regions`)).json()) as { regions: Region[] };
    root = hello.regions.find((r) => r.parentCode === null)!.code;
    children = hello.regions.filter((r) => r.parentCode === root);
    browser = await launch();
    main = await watchedPage(browser, 1920, 1080);
  });

  afterAll(async () => {
    await browser?.close();
    await hub?.dispose();
  });

  it('at the root: a bubble per child area with its open cases, no patrol markers', async () => {
    const { page } = main;
    await page.goto(hub.url, { waitUntil: 'domcontentloaded' });
    await page.waitForFunction(() => !!(window as unknown as { __wallMap?: unknown }).__wallMap, null, { timeout: 90_000 });
    await page.waitForFunction(
      async (n) => {
        const map = (window as unknown as { __wallMap?: { getSource(id: string): { getData(): Promise<{ features: unknown[] }> } | undefined } }).__wallMap;
        return ((await map?.getSource('areas')?.getData())?.features.length ?? 0) === n;
      },
      children.length,
      { timeout: 90_000, polling: 500 },
    );
    const bubbles = await sourceFeatures(page, 'areas');
    expect(bubbles.map((b) => b.properties.code).sort()).toEqual(children.map((c) => c.code).sort());
    // the counts the hub sends for each area, as the bubbles write them
    const open = (await (await fetch(`${hub.url}/api/incidents?region=${root}&open=true&limit=1`)).json()) as { total: number };
    const drawn = bubbles.reduce((n, b) => n + Number(b.properties.open), 0);
    // cases keep arriving while the wall draws: the sum is close to the hub's count, never far off
    expect(Math.abs(drawn - open.total)).toBeLessThanOrEqual(Math.max(5, open.total * 0.05));
    expect(await sourceFeatures(page, 'patrols')).toEqual([]);
    await page.evaluate(() => document.fonts.ready);
    await page.screenshot({ path: `${shots}layered-root-1080.png` });
  });

  it('in a street below the budget: every patrol, and no bubbles', async () => {
    const patrols = ((await (await fetch(`${hub.url}/api/patrols`)).json()) as { patrols: Patrol[] }).patrols;
    const streets = ((await (await fetch(`${hub.url}/api/regions?level=street`)).json()) as { regions: Region[] }).regions;
    const inStreet = (s: Region) => patrols.filter((p) => p.gridCode.startsWith(s.code) && p.lng !== null);
    // a street with some placed patrols and few enough of them (the budget is 40)
    const street = streets.find((s) => inStreet(s).length > 0 && patrols.filter((p) => p.gridCode.startsWith(s.code)).length <= 40);
    expect(street, 'a street within the budget').toBeTruthy();
    const { page } = main;
    await page.goto(`${hub.url}/?region=${street!.code}`, { waitUntil: 'domcontentloaded' });
    await page.waitForFunction(
      async () => {
        const map = (window as unknown as { __wallMap?: { getSource(id: string): { getData(): Promise<{ features: unknown[] }> } | undefined } }).__wallMap;
        return ((await map?.getSource('patrols')?.getData())?.features.length ?? 0) > 0;
      },
      null,
      { timeout: 90_000, polling: 500 },
    );
    expect(await sourceFeatures(page, 'areas')).toEqual([]);
  });

  it('logged no console error and sent no request off the machine', () => {
    expect(main.consoleErrors).toEqual([]);
    expect(main.foreignRequests).toEqual([]);
  });
});
