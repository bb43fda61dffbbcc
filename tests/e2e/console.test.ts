/**
 * The operator console end to end: the real hub (started with ADMIN_PASSWORD, so it creates the
 * admin on its empty store) serving the built app to Debian's Chromium in two browser contexts.
 * An operator signs in at /console and registers and dispatches a fresh case with the keyboard
 * only; the wall in the other context — read-only, not signed in, and saying so — shows the step
 * in its live ticker. A video platform raises an AI alarm; the operator confirms it with the
 * keyboard in the confirm queue and the case it became appears in the case queue. No console
 * error, no request leaving the machine.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { SignInResult } from '@shared/schemas/auth';
import type { Camera } from '@shared/schemas/camera';
import type { Incident } from '@shared/schemas/incident';
import type { VideoAlarm } from '@shared/schemas/videoAlarm';
import { announceSkip, chromiumAvailable, launch, watchedPage, type WatchedPage } from './support/browser';
import { createHubProcess, type HubProcess } from './support/hubProcess';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const shots = fileURLToPath(new URL('./screenshots/', import.meta.url));
const ADMIN_PASSWORD = 'e2e-admin-password-1';
const OPERATOR = { username: 'op-e2e', password: 'e2e-operator-password-1' };
/** only to catch hangs: every wait below ends on the event itself */
const WAIT = { timeout: 90_000 }; // waits end on their event; this only catches a hang on a busy machine

announceSkip();

describe.runIf(chromiumAvailable)('the operator console in Chromium against the real hub', () => {
  let hub: HubProcess;
  let browser: Browser;
  let desk: WatchedPage;
  let wall: WatchedPage;
  let adminToken = '';
  /** the video platform's ingest key (INGEST_KEY: the deployment's first key) */
  const PLATFORM_KEY = 'gk_e2e-video-platform-key-000000000000';

  async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; body: T }> {
    const res = await fetch(`${hub.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${adminToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json()) as T };
  }

  beforeAll(async () => {
    execFileSync('npx', ['vite', 'build', '--logLevel', 'warn'], { cwd: repo, stdio: 'inherit' });
    mkdirSync(shots, { recursive: true });
    hub = await createHubProcess({ ADMIN_PASSWORD, INGEST_KEY: PLATFORM_KEY });
    await hub.start();
    const login = await fetch(`${hub.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
    });
    expect(login.status).toBe(200);
    adminToken = ((await login.json()) as SignInResult).token;
    const city = await call<{ regions: { code: string }[] }>('GET', '/api/regions?level=city');
    const added = await call('POST', '/api/users', { username: OPERATOR.username, role: 'operator', regionCode: city.body.regions[0]!.code, password: OPERATOR.password });
    expect(added.status).toBe(201);
    browser = await launch();
    desk = await watchedPage(browser, 1920, 1080);
    wall = await watchedPage(browser, 1920, 1080);
  });

  afterAll(async () => {
    await browser?.close();
    await hub?.dispose();
  });

  async function reportCase(title: string): Promise<Incident> {
    const grids = await call<{ regions: { center: [number, number] }[] }>('GET', '/api/regions?level=grid');
    const [lng, lat] = grids.body.regions[11]!.center;
    const res = await call<Incident>('POST', '/api/incidents', {
      source: 'hotline',
      category: 'sanitation',
      severity: 1,
      title,
      location: { lng, lat, address: '中山西路1号' },
      reporter: { kind: 'citizen', name: '测试市民' },
    });
    expect(res.status).toBe(201);
    return res.body;
  }

  /** records every ticker line the wall ever shows, so a line that scrolls on is not missed */
  async function recordTicker(page: Page): Promise<void> {
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { __tickerSeen: string[] }).__tickerSeen = seen;
      const note = (n: Node) => {
        if (n instanceof HTMLElement) for (const li of [n, ...n.querySelectorAll('li')]) if (li.matches('.ticker li')) seen.push(li.textContent ?? '');
      };
      document.querySelectorAll('.ticker li').forEach(note);
      new MutationObserver((records) => records.forEach((r) => r.addedNodes.forEach(note))).observe(document.body, { childList: true, subtree: true });
    });
  }

  it('the wall, not signed in, says it is read-only', async () => {
    const { page } = wall;
    await page.goto(hub.url, { waitUntil: 'domcontentloaded' });
    await page.locator('.header [data-readonly]').waitFor({ timeout: 90_000 });
    expect(await page.locator('.header [data-readonly]').innerText()).toContain('只读');
    await page.waitForFunction(() => document.querySelector('.header')?.textContent?.includes('实时'), null, WAIT);
    await recordTicker(page);
  });

  it('an operator signs in, registers and dispatches a case with the keyboard only; the wall shows it', async () => {
    const { page } = desk;
    await page.goto(`${hub.url}/console`, { waitUntil: 'domcontentloaded' });
    await page.locator('input[name="username"]:focus').waitFor(WAIT);
    await page.keyboard.type(OPERATOR.username);
    await page.keyboard.press('Tab');
    await page.keyboard.type(OPERATOR.password);
    await page.keyboard.press('Enter');
    await page.locator('[data-who]', { hasText: OPERATOR.username }).waitFor(WAIT);
    await page.locator('[data-status]', { hasText: '实时' }).waitFor(WAIT);

    const incident = await reportCase(`E2E值班台暴露垃圾${Date.now() % 100000}`);
    await page.locator(`[data-incident-id="${incident.id}"]`).waitFor(WAIT);

    // find it: / focuses the search, Enter opens the first match and gives the keys back to the queue
    await page.keyboard.press('/');
    await page.keyboard.type(incident.id);
    await page.keyboard.press('Enter');
    const card = page.locator(`[data-case="${incident.id}"]`);
    await page.locator(`[data-case="${incident.id}"][data-stage="reported"]`).waitFor(WAIT);

    await page.keyboard.press('r');
    await page.locator(`[data-case="${incident.id}"][data-stage="registered"]`).waitFor(WAIT);
    await page.locator('[data-toast]').waitFor(WAIT);

    await page.keyboard.press('d');
    const dialog = page.locator('[role="dialog"]');
    await dialog.locator('[role="option"][aria-selected="true"]').waitFor(WAIT);
    const chosen = await dialog.locator('[role="option"][aria-selected="true"] .name').innerText();
    await page.keyboard.press('Enter');
    await page.locator(`[data-case="${incident.id}"][data-stage="dispatched"]`).waitFor(WAIT);
    await dialog.waitFor({ state: 'detached', ...WAIT });
    expect(await card.locator('[data-card-assignee]').innerText()).toBe(chosen);
    // the timeline names the operator for both steps (log merged with the audit)
    for (const step of ['register', 'dispatch']) {
      await card.locator(`[data-timeline] li[data-entry="${step}"]`, { hasText: OPERATOR.username }).waitFor(WAIT);
    }
    await page.screenshot({ path: `${shots}console-1920x1080.png` });

    // the wall, in the other browser context, shows the step in its ticker
    await wall.page.waitForFunction(
      ({ title }) => (window as unknown as { __tickerSeen: string[] }).__tickerSeen.some((line) => line.includes(title) && line.includes('派遣')),
      { title: incident.title },
      { ...WAIT, polling: 250 },
    );
  });

  it('an AI alarm from a video platform: the operator confirms it with the keyboard and its case appears in the queue', async () => {
    const { page } = desk;
    // a platform posts a detection with its ingest key (no person signs in), on a camera the hub knows
    const cameras = (await (await fetch(`${hub.url}/api/cameras`)).json()) as { cameras: Camera[] };
    const camera = cameras.cameras.find((c) => c.status === 'online') ?? cameras.cameras[0]!;
    const raised = await fetch(`${hub.url}/api/video-alarms`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'X-Api-Key': PLATFORM_KEY },
      body: JSON.stringify({ cameraId: camera.id, alarmType: 'flooding', confidence: 0.88, snapshotUrl: 'https://video.example.invalid/snap/e2e.jpg', externalRef: `E2E-${Date.now()}` }),
    });
    expect(raised.status).toBe(201);
    const { alarm } = (await raised.json()) as { alarm: VideoAlarm };

    // 2: the confirm queue; the new alarm arrives over the socket
    await page.keyboard.press('2');
    const row = page.locator(`[data-alarm-queue] [data-alarm-id="${alarm.id}"][data-alarm-status="pending"]`);
    await row.waitFor(WAIT);
    expect(await row.innerText()).toContain(camera.name);
    // j/k until the cursor is on it (the simulated city raises alarms of its own meanwhile)
    for (let guard = 0; guard < 200; guard++) {
      if ((await page.locator('[data-alarm]').getAttribute('data-alarm').catch(() => null)) === alarm.id) break;
      const order = await page.locator('[data-alarm-queue] [data-alarm-id]').evaluateAll((els) => els.map((e) => e.getAttribute('data-alarm-id')));
      const cursor = await page.locator('[data-alarm-queue] [aria-selected="true"]').getAttribute('data-alarm-id');
      await page.keyboard.press(order.indexOf(alarm.id) > order.indexOf(cursor) ? 'j' : 'k');
    }
    const card = page.locator(`[data-alarm="${alarm.id}"]`);
    await card.waitFor(WAIT);
    // the platform's snapshot is a link, never an image loaded from outside the hub
    expect(await card.locator('a[data-snapshot]').getAttribute('rel')).toContain('noopener');
    expect(await card.locator('img').count()).toBe(0);

    // y opens the confirm dialog; 2 sets 较大; Enter confirms
    await page.keyboard.press('y');
    const dialog = page.locator('[role="dialog"][aria-modal="true"]');
    await dialog.locator('[data-alarm-dialog="confirm"]').waitFor(WAIT);
    await page.keyboard.press('2');
    await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'detached', ...WAIT });
    await page.locator(`[data-alarm="${alarm.id}"][data-alarm-status="confirmed"]`).waitFor(WAIT);
    const became = await card.locator('[data-became]').innerText();
    const caseId = /E\d{8}-\d{5}/.exec(became)?.[0];
    expect(caseId, became).toBeTruthy();
    await page.screenshot({ path: `${shots}console-ai-alarm-1920x1080.png` });

    // Enter: the case it became (or joined) in the case queue and on the card
    await page.keyboard.press('Enter');
    await page.locator(`[data-incident-id="${caseId}"]`).waitFor(WAIT);
    await page.locator(`[data-case="${caseId}"]`).waitFor(WAIT);
    const stored = await call<Incident>('GET', `/api/incidents/${caseId}`);
    expect(stored.status).toBe(200);
    expect(stored.body.source === 'video_ai' || (stored.body.reports?.bySource.video_ai ?? 0) > 0).toBe(true);
  });

  it('the body text of the console is readable at a desk (≥ 14 px)', async () => {
    const sizes = await desk.page.evaluate(() => {
      const px = (sel: string) => [...document.querySelectorAll(sel)].map((el) => parseFloat(getComputedStyle(el).fontSize));
      return [...px('[data-incident-id] .title'), ...px('[data-card-stage]'), ...px('[data-timeline] li'), ...px('[data-action]')];
    });
    expect(sizes.length).toBeGreaterThan(0);
    expect(Math.min(...sizes)).toBeGreaterThanOrEqual(14);
  });

  it('logged no console error and sent no request off the machine', () => {
    expect(desk.consoleErrors).toEqual([]);
    expect(desk.foreignRequests).toEqual([]);
    expect(wall.consoleErrors).toEqual([]);
    expect(wall.foreignRequests).toEqual([]);
  });
});
