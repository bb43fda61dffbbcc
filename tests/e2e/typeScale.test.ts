/**
 * The wall read from across the room (issue 15): the real hub serving the built wall to Chromium
 * at 1920×1080, 3840×2160 and 7680×2160, in Chinese and in English, and at 1920×1080 set for a
 * 65" screen read from 5 m. In each, every rendered text is measured: none under the type scale's
 * floor (24 design px × the unit), none cut; the map's small legend covers no district name (asked
 * of MapLibre's own placement); the wide wall fills its width. Screenshots in
 * tests/e2e/screenshots/typescale-*.png — look at them after a change to the wall.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { announceSkip, chromiumAvailable, launch, watchedPage } from './support/browser';
import { createHubProcess, type HubProcess } from './support/hubProcess';
import { describeTexts, measureText } from './support/textSizes';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const shots = fileURLToPath(new URL('./screenshots/', import.meta.url));
const FLOOR = 24;

announceSkip();

describe.runIf(chromiumAvailable)('the type scale in Chromium', () => {
  let hub: HubProcess;
  let browser: Browser;

  beforeAll(async () => {
    execFileSync('npx', ['vite', 'build', '--logLevel', 'warn'], { cwd: repo, stdio: 'inherit' });
    mkdirSync(shots, { recursive: true });
    hub = await createHubProcess();
    await hub.start();
    browser = await launch();
  });

  afterAll(async () => {
    await browser?.close();
    await hub?.dispose();
  });

  async function open(width: number, height: number, query: string): Promise<{ page: Page; errors: string[]; foreign: string[]; close(): Promise<void> }> {
    // reduced motion: the wall's figures, rings and patrols stand still (it honours the setting), so
    // that a 7680×2160 page on a software renderer is measured once still, not after minutes of frames
    const watched = await watchedPage(browser, width, height, 1, true);
    const { page } = watched;
    await page.goto(`${hub.url}/${query}`, { waitUntil: 'domcontentloaded' });
    // live, with the figures in and the fonts loaded
    await page.waitForFunction(() => /实时|Live/.test(document.querySelector('.header .status')?.textContent ?? ''), null, { timeout: 120_000 });
    await page.waitForFunction(() => document.querySelectorAll('[data-waiting]').length === 0, null, { timeout: 120_000 });
    await page.evaluate(() => document.fonts.ready);
    // the map loaded (its status line gone), at rest after its fit, with the district names placed
    // (isStyleLoaded() is false whenever a source re-tiles, every second for the patrols: not a signal)
    await page.waitForFunction(
      () => {
        const map = (window as unknown as { __wallMap?: { isMoving(): boolean; queryRenderedFeatures(o: { layers: string[] }): unknown[] } }).__wallMap;
        if (!map || document.querySelector('.wall-map__status') || map.isMoving()) return false;
        try {
          return map.queryRenderedFeatures({ layers: ['district-label'] }).length > 0;
        } catch {
          return false;
        }
      },
      null,
      { timeout: 180_000, polling: 500 },
    );
    // reduced motion: nothing glides or fades; two frames let the last change reach the screen
    await page.evaluate(() => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))));
    return { page, errors: watched.consoleErrors, foreign: watched.foreignRequests, close: () => page.context().close() };
  }

  const unitOf = (page: Page) => page.evaluate(() => parseFloat(getComputedStyle(document.documentElement).getPropertyValue('--u')));

  /** district names MapLibre placed under the legend's box (its own collision index answers) */
  const labelsUnderLegend = (page: Page) =>
    page.evaluate(() => {
      const map = (window as unknown as { __wallMap: { getContainer(): HTMLElement; queryRenderedFeatures(box: [[number, number], [number, number]], o: { layers: string[] }): { properties: { name?: string } }[] } }).__wallMap;
      const legend = document.querySelector('[data-legend]');
      if (!legend) return [];
      const c = map.getContainer().getBoundingClientRect();
      const l = legend.getBoundingClientRect();
      const box: [[number, number], [number, number]] = [
        [l.left - c.left, l.top - c.top],
        [l.right - c.left, l.bottom - c.top],
      ];
      return map.queryRenderedFeatures(box, { layers: ['district-label'] }).map((f) => f.properties.name ?? '?');
    });

  const views: [number, number, 'zh' | 'en'][] = [
    [1920, 1080, 'zh'],
    [1920, 1080, 'en'],
    [3840, 2160, 'zh'],
    [3840, 2160, 'en'],
    [7680, 2160, 'zh'],
    [7680, 2160, 'en'],
  ];
  for (const [width, height, lang] of views) {
    it(`${width}×${height} ${lang}: no text under ${FLOOR} design px, none cut, no district name under the legend`, async () => {
      const { page, errors, foreign, close } = await open(width, height, `?lang=${lang}`);
      try {
        const u = await unitOf(page);
        expect(u).toBeCloseTo(Math.min(width / 1920, height / 1080), 5);
        const texts = await measureText(page);
        expect(texts.length).toBeGreaterThan(40);
        const small = texts.filter((t) => t.fontPx < FLOOR * u - 0.05);
        const cut = texts.filter((t) => t.cut);
        await page.screenshot({ path: `${shots}typescale-${width}x${height}-${lang}.png` });
        expect(small, `under ${FLOOR * u} px:\n${describeTexts(small)}`).toEqual([]);
        expect(cut, `cut:\n${describeTexts(cut)}`).toEqual([]);
        // the headline figures are far larger than the floor
        const kpi = await page.locator('[data-kpi] .figure').first().evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
        expect(kpi).toBeGreaterThanOrEqual(2.5 * FLOOR * u);
        // the key is there to be checked (no legend would pass the next line by itself)
        expect(await page.locator('[data-legend]').count()).toBe(1);
        expect(await labelsUnderLegend(page)).toEqual([]);
        if (width / height > 3) {
          // the wide wall fills its width: the map and the columns reach both edges
          const body = await page.locator('.wall > main.body').boundingBox();
          const map = await page.locator('.map-slot').boundingBox();
          expect(body!.width).toBeGreaterThan(width * 0.99);
          expect(map!.width).toBeGreaterThan(width * 0.45);
        }
        expect(errors).toEqual([]);
        expect(foreign).toEqual([]);
      } finally {
        await close();
      }
      // a 7680×2160 page on a software renderer, on a busy 2-core machine: minutes, not seconds
    }, 900_000);
  }

  it('a 65" screen read from 5 m: text grows with the distance, fewer panels, none under the floor', async () => {
    const { page, close } = await open(1920, 1080, '?diagonal=65&distance=5');
    try {
      const u = await unitOf(page);
      // 20′ at 5 m is a 29 mm character; on a 65" 1080p screen (0.75 mm a pixel) that is 24 × u with u ≈ 1.9
      expect(u).toBeGreaterThan(1.7);
      expect(await page.evaluate(() => document.documentElement.dataset.layout)).toBe('compact');
      // fewer, larger items: the four KPIs and the map; no panel of the standard six fits here
      expect(await page.locator('[data-panel]').count()).toBeLessThan(6);
      expect(await page.locator('[data-kpi]').count()).toBe(4);
      expect(await page.locator('.ticker').count()).toBe(0);
      const texts = await measureText(page);
      const small = texts.filter((t) => t.fontPx < FLOOR * u - 0.05);
      const cut = texts.filter((t) => t.cut);
      await page.screenshot({ path: `${shots}typescale-1920x1080-65in-5m.png` });
      expect(small, describeTexts(small)).toEqual([]);
      expect(cut, describeTexts(cut)).toEqual([]);
    } finally {
      await close();
    }
  }, 600_000);
});
