/**
 * Debian's Chromium driven by playwright-core (never a downloaded browser). When Chromium is not
 * installed the end-to-end tests skip loudly — unless REQUIRE_E2E=1 (CI), where that is a failure.
 * Every request to an address other than this machine fails the test: the wall must work offline.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const chromiumAvailable = existsSync(CHROMIUM);

export function announceSkip(): void {
  if (chromiumAvailable) return;
  const why = `Chromium was not found at ${CHROMIUM} (install it with: apt-get install chromium)`;
  if (process.env.REQUIRE_E2E === '1') throw new Error(`REQUIRE_E2E=1 but ${why}.`);
  console.warn(`\n${'!'.repeat(78)}\n!! END-TO-END WALL TESTS SKIPPED: ${why}.\n${'!'.repeat(78)}\n`);
}

export async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
      '--autoplay-policy=no-user-gesture-required',
      '--enable-unsafe-swiftshader',
      '--use-angle=swiftshader',
      '--ignore-gpu-blocklist',
    ],
  });
}

export interface WatchedPage {
  page: Page;
  consoleErrors: string[];
  foreignRequests: string[];
}

const LOCAL = /^(https?|wss?):\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?\//;

/** a page that records console errors and refuses (and records) any request leaving the machine */
/** `reducedMotion`: the page is told the viewer wants less motion (still pages to measure: the wall honours it) */
export async function watchedPage(browser: Browser, width: number, height: number, deviceScaleFactor = 1, reducedMotion = false): Promise<WatchedPage> {
  const context = await browser.newContext({ viewport: { width, height }, deviceScaleFactor, reducedMotion: reducedMotion ? 'reduce' : 'no-preference' });
  const page = await context.newPage();
  // A busy 2-core CI machine renders a 4K SwiftShader page slowly: Playwright's 30 s default made a
  // screenshot fail by chance. Waits end on their event; this timeout only catches a hang.
  page.setDefaultTimeout(180_000);
  const consoleErrors: string[] = [];
  const foreignRequests: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') consoleErrors.push(msg.text());
  });
  page.on('pageerror', (error) => consoleErrors.push(`pageerror: ${error.message}`));
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (LOCAL.test(url) || url.startsWith('data:') || url.startsWith('blob:')) return route.continue();
    foreignRequests.push(url);
    return route.abort();
  });
  return { page, consoleErrors, foreignRequests };
}

/**
 * Resolves when nothing in `selector` is fading or sliding: no finite CSS transition or animation
 * runs there (the wall's pulses loop forever and are not waited for). For a picture taken after a
 * change on screen, instead of guessing how long the fade lasts.
 */
export async function whenStill(page: Page, selector: string, timeout = 60_000): Promise<void> {
  // two frames first, so that a transition the last change started is already running
  await page.evaluate(() => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))));
  await page.waitForFunction(
    (sel) => {
      const el = document.querySelector(sel);
      return !!el && el.getAnimations({ subtree: true }).every((a) => a.playState !== 'running' || a.effect?.getTiming().iterations === Infinity);
    },
    selector,
    { timeout, polling: 100 },
  );
}
