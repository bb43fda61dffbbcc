/**
 * Focus mode end to end (issue 16): the real hub serving the built app to Debian's Chromium in
 * three browser contexts. An operator signs in at /console and focuses the walls on a case with
 * the keyboard (w, Enter); two touring walls, not signed in, leave their tour, show the rings and
 * the responding patrol, whose distance shrinks as its terminal reports it closer; one key (⇧Q)
 * ends the focus and both walls are back on their tour. No console error, nothing leaves the machine.
 *
 * The simulated city writes the roster and a history at the first start; the hub then runs without
 * the simulator, so that the only fixes are the ones this test sends (the responder's approach).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { SignInResult } from '@shared/schemas/auth';
import type { Incident } from '@shared/schemas/incident';
import type { Patrol } from '@shared/schemas/patrol';
import { announceSkip, chromiumAvailable, launch, watchedPage, type WatchedPage } from './support/browser';
import { createHubProcess, type HubProcess } from './support/hubProcess';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const shots = fileURLToPath(new URL('./screenshots/', import.meta.url));
const ADMIN_PASSWORD = 'e2e-admin-password-1';
const OPERATOR = { username: 'op-focus', password: 'e2e-operator-password-1' };
/** waits end on their event; this only catches a hang on a busy machine */
const WAIT = { timeout: 120_000 };
const M_PER_DEG_LAT = 111_195;

announceSkip();

describe.runIf(chromiumAvailable)('focus mode in Chromium: one operator, two walls', () => {
  let hub: HubProcess;
  let browser: Browser;
  let desk: WatchedPage;
  let wallA: WatchedPage;
  let wallB: WatchedPage;
  let adminToken = '';
  let incident: Incident;
  let responder: Patrol;

  async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; body: T }> {
    const res = await fetch(`${hub.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${adminToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (res.status === 204 ? null : await res.json()) as T };
  }

  /** the responder's terminal reports a fix `metres` north of the case */
  async function fixAt(metres: number): Promise<void> {
    const res = await call('POST', '/api/positions', {
      positions: [{ patrolId: responder.id, lng: incident.location.lng, lat: incident.location.lat + metres / M_PER_DEG_LAT, at: Date.now() }],
    });
    expect(res.status).toBe(202);
  }

  /** the distance a wall shows for the responder (metres, as the hub sent it), once it shows one under `below` */
  async function distanceBelow(page: Page, below: number): Promise<number> {
    const row = `[data-testid="focus-responder"][data-patrol-id="${responder.id}"]`;
    await page.waitForFunction(
      ({ row, below }) => {
        const m = Number(document.querySelector(row)?.getAttribute('data-distance-m'));
        return Number.isFinite(m) && m > 0 && m < below;
      },
      { row, below },
      { ...WAIT, polling: 200 },
    );
    return Number(await page.locator(row).getAttribute('data-distance-m'));
  }

  beforeAll(async () => {
    execFileSync('npx', ['vite', 'build', '--logLevel', 'warn'], { cwd: repo, stdio: 'inherit' });
    mkdirSync(shots, { recursive: true });
    hub = await createHubProcess({ ADMIN_PASSWORD });
    // no automatic focus from the shipped rules: this test is about an operator's focus
    const rules = join(hub.dataDir, 'no-rules.json');
    writeFileSync(rules, JSON.stringify({ rules: [] }));
    await hub.start({ RULES_FILE: rules });
    await hub.stop();
    await hub.start({ RULES_FILE: rules, SIM: '0' });
    const login = await fetch(`${hub.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }) });
    expect(login.status).toBe(200);
    adminToken = ((await login.json()) as SignInResult).token;
    const city = await call<{ regions: { code: string }[] }>('GET', '/api/regions?level=city');
    expect((await call('POST', '/api/users', { username: OPERATOR.username, role: 'operator', regionCode: city.body.regions[0]!.code, password: OPERATOR.password })).status).toBe(201);

    // a fresh case, and one on-duty patrol of its grid 2 km away: the only unit with a fix
    const grids = await call<{ regions: { code: string; center: [number, number] }[] }>('GET', '/api/regions?level=grid');
    const grid = grids.body.regions[7]!;
    const reported = await call<Incident>('POST', '/api/incidents', {
      source: 'hotline',
      category: 'public_order',
      severity: 2,
      title: `E2E聚焦·人员聚集${Date.now() % 100000}`,
      location: { lng: grid.center[0], lat: grid.center[1], address: '中山西路8号' },
      reporter: { kind: 'citizen', name: '测试市民' },
    });
    expect(reported.status).toBe(201);
    incident = reported.body;
    const patrols = await call<{ patrols: Patrol[] }>('GET', `/api/patrols?region=${incident.gridCode}&status=on_duty`);
    responder = patrols.body.patrols[0]!;
    expect(responder, 'an on-duty patrol in the grid').toBeTruthy();
    await fixAt(2_000);

    browser = await launch();
    desk = await watchedPage(browser, 1920, 1080);
    wallA = await watchedPage(browser, 1920, 1080);
    wallB = await watchedPage(browser, 1920, 1080);
  });

  afterAll(async () => {
    await browser?.close();
    await hub?.dispose();
  });

  it('two touring walls and a signed-in operator', async () => {
    await wallA.page.goto(`${hub.url}/?tour=1&tourSec=20`, { waitUntil: 'domcontentloaded' });
    await wallB.page.goto(`${hub.url}/?tour=1&tourSec=30&lang=en`, { waitUntil: 'domcontentloaded' });
    for (const { page } of [wallA, wallB]) {
      await page.locator('.wall[data-tour="running"]').waitFor(WAIT);
      expect(await page.locator('.wall[data-focus]').count()).toBe(0);
    }
    const { page } = desk;
    await page.goto(`${hub.url}/console`, { waitUntil: 'domcontentloaded' });
    await page.locator('input[name="username"]:focus').waitFor(WAIT);
    await page.keyboard.type(OPERATOR.username);
    await page.keyboard.press('Tab');
    await page.keyboard.type(OPERATOR.password);
    await page.keyboard.press('Enter');
    await page.locator('[data-who]', { hasText: OPERATOR.username }).waitFor(WAIT);
    await page.locator('[data-status]', { hasText: '实时' }).waitFor(WAIT);
  });

  it('the operator focuses the case (w, Enter); both walls leave their tour and show the rings and the responder closing in', async () => {
    const { page } = desk;
    await page.keyboard.press('/');
    await page.keyboard.type(incident.id);
    await page.keyboard.press('Enter');
    await page.locator(`[data-case="${incident.id}"]`).waitFor(WAIT);
    await page.keyboard.press('w');
    const dialog = page.locator('[role="dialog"][aria-modal="true"]');
    await dialog.waitFor(WAIT);
    // the nearest on-duty patrol is offered, and ticked
    await dialog.locator(`[data-patrol="${responder.id}"].on`).waitFor(WAIT);
    await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'detached', ...WAIT });
    const banner = page.locator('[data-focus]').first();
    await banner.waitFor(WAIT);
    const focusId = await banner.getAttribute('data-focus');
    expect(focusId).toMatch(/^F-/);

    for (const { page: wall } of [wallA, wallB]) {
      await wall.locator(`.wall[data-focus="${focusId}"]`).waitFor(WAIT);
      await wall.locator('[data-testid="focus-panel"]').waitFor(WAIT);
      expect(await wall.locator('.wall').getAttribute('data-tour')).not.toBe('running');
      // the rings are drawn: three circles in the map's focus-rings source, on screen
      await wall.waitForFunction(
        () => {
          const map = (window as unknown as { __wallMap?: { getLayer(id: string): unknown; queryRenderedFeatures(opts: { layers: string[] }): unknown[] } }).__wallMap;
          return !!map?.getLayer('focus-rings') && map.queryRenderedFeatures({ layers: ['focus-rings'] }).length >= 3;
        },
        null,
        { ...WAIT, polling: 250 },
      );
    }

    // the responder's terminal reports it closer and closer: every wall shows the distance shrink
    const seen: number[][] = [[], []];
    for (const metres of [2_000, 1_200, 500]) {
      if (metres !== 2_000) await fixAt(metres);
      for (const [i, { page: wall }] of [wallA, wallB].entries()) seen[i]!.push(await distanceBelow(wall, metres + 50));
    }
    for (const distances of seen) {
      expect(distances[0]).toBeGreaterThan(1_900);
      expect(distances[2]).toBeLessThan(550);
      expect(distances[1]!).toBeLessThan(distances[0]!);
      expect(distances[2]!).toBeLessThan(distances[1]!);
    }
    await wallA.page.screenshot({ path: `${shots}focus-wall-zh-1920x1080.png` });
    await wallB.page.screenshot({ path: `${shots}focus-wall-en-1920x1080.png` });
    await desk.page.screenshot({ path: `${shots}focus-console-1920x1080.png` });
  });

  it('one key ends the focus: both walls are back on their tour', async () => {
    const { page } = desk;
    await page.keyboard.press('Shift+Q');
    await page.locator('[data-focus]').first().waitFor({ state: 'detached', ...WAIT });
    for (const { page: wall } of [wallA, wallB]) {
      await wall.locator('.wall:not([data-focus])').waitFor(WAIT);
      await wall.locator('.wall[data-tour="running"]').waitFor(WAIT);
      expect(await wall.locator('[data-testid="focus-panel"]').count()).toBe(0);
    }
    // audited: who started and ended it
    const audit = await call<{ entries: { action: string; actor: string }[] }>('GET', `/api/audit?actor=${OPERATOR.username}`);
    expect(audit.body.entries.map((e) => e.action)).toEqual(expect.arrayContaining(['focus_start', 'focus_end']));
    for (const w of [desk, wallA, wallB]) {
      expect(w.consoleErrors).toEqual([]);
      expect(w.foreignRequests).toEqual([]);
    }
  });
});
