/**
 * PGlite in a worker thread (server/store/workerStore.ts): what the boundary itself must keep.
 * The store's behaviour is store.test.ts's contract, run against the worker store too; here:
 * errors rebuilt as their classes with their fields, calls started in call order, the bound on
 * calls in flight, close() after the calls made before it, fsyncs told before the answer, and a
 * worker that dies — terminated, or out of memory — failing every waiting and later call at once
 * with STORE_UNAVAILABLE, in the store and through a real hub.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { PROTOCOL_VERSION } from '@shared/events';
import { HubError } from '@shared/errors';
import { isStoreUnavailable } from '../../server/transport/http/errors';
import { IdempotencyConflictError, UserExistsError, type StoredUser } from '../../server/store/types';
import { StoreUnavailableError } from '../../server/store/workerErrors';
import { createWorkerStore, StoreBusyError, type WorkerStore } from '../../server/store/workerStore';
import { reportBody } from '../support/reportBodies';
import { connectClient, grids, nextEvent, signedInUser, startTestHub } from './harness';
import { makeEvent, T0, uniquePrefix } from './storeFixtures';

const user = (username: string): StoredUser => ({
  username,
  displayName: username,
  role: 'operator',
  regionCode: '330203',
  passwordHash: 'scrypt$x',
  disabled: false,
  createdAt: T0,
  passwordChangedAt: T0,
});

const failure = (promise: Promise<unknown>) => promise.then(
  () => null,
  (error: unknown) => error as Error & { code?: string },
);

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('PGlite in a worker thread', () => {
  let store: WorkerStore;
  beforeAll(async () => {
    store = await createWorkerStore({ maxInFlight: 8 });
    await store.migrate();
  });
  afterAll(() => store?.close());

  it('rebuilds the errors callers test with instanceof, with their fields', async () => {
    const p = uniquePrefix('idem');
    const claim = { key: `${p}-key`, incidentId: `${p}-i`, requestHash: 'h1' };
    await store.append([makeEvent({ aggregateId: `${p}-i` })], {}, claim);
    const conflict = await failure(store.append([makeEvent({ aggregateId: `${p}-j` })], {}, claim));
    expect(conflict).toBeInstanceOf(IdempotencyConflictError);
    expect(conflict).toMatchObject({ name: 'IdempotencyConflictError', key: claim.key, message: `idempotency key ${claim.key} already used` });

    await store.createUser(user(`${p}-u`));
    const exists = await failure(store.createUser(user(`${p}-u`)));
    expect(exists).toBeInstanceOf(UserExistsError);
    expect(exists).toMatchObject({ username: `${p}-u` });

    const range = await failure(store.readTrackSamples('p', 1.5, 2));
    expect(range).toBeInstanceOf(RangeError);
    expect(range?.message).toBe('from must be a safe integer, got 1.5');
  });

  it("keeps a database error's SQLSTATE and fields, and where it was thrown", async () => {
    const orphan = { tokenHash: uniquePrefix('t'), username: uniquePrefix('nobody'), kind: 'bearer' as const, createdAt: T0, expiresAt: T0 + 1, endedAt: null, client: { channel: 'http' as const, address: null, userAgent: null } };
    const error = await failure(store.createSession(orphan));
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ code: '23503', constraint: 'sessions_username_fkey', table: 'sessions' });
    expect(error?.stack).toMatch(/thrown in the store's worker thread/);
    expect(isStoreUnavailable(error)).toBe(false);
  });

  it('starts calls in the order they are made: appends made together get seqs in that order', async () => {
    const p = uniquePrefix('order');
    const calls = Array.from({ length: 8 }, (_, i) => store.append([makeEvent({ aggregateId: `${p}-${i}` })], {}));
    const seqs = (await Promise.all(calls)).map(([event]) => event!.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(8);
  });

  it('refuses a call beyond the bound at once with HUB_BUSY, and takes calls again once answers came', async () => {
    const calls = Array.from({ length: 11 }, () => failure(store.ping()));
    expect(store.inFlight).toBe(8);
    const outcomes = await Promise.all(calls);
    expect(outcomes.filter((e) => e === null)).toHaveLength(8);
    const refused = outcomes.filter((e) => e !== null);
    expect(refused).toHaveLength(3);
    for (const error of refused) {
      expect(error).toBeInstanceOf(StoreBusyError);
      expect(error).toBeInstanceOf(HubError);
      expect(error).toMatchObject({ code: 'HUB_BUSY', inFlight: 8, limit: 8 });
    }
    expect(store.inFlight).toBe(0);
    await expect(store.ping()).resolves.toBeUndefined();
  });
});

describe('PGlite on disk in a worker thread', () => {
  it('tells each fsync before the answer of the append that made it, finishes earlier calls before closing, and they are there after a reopen', { timeout: 180_000 }, async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'store-worker-disk-'));
    dirs.push(dataDir);
    const timeline: string[] = [];
    const store = await createWorkerStore({ dataDir, onFsync: (path) => timeline.push(path.includes('/pg_wal/') ? 'wal fsync' : 'fsync') });
    await store.migrate();
    const p = uniquePrefix('disk');

    timeline.length = 0;
    await store.append([makeEvent({ aggregateId: `${p}-a` })], {});
    timeline.push('answer');
    expect(timeline.indexOf('wal fsync')).toBeGreaterThanOrEqual(0);
    expect(timeline.indexOf('wal fsync')).toBeLessThan(timeline.indexOf('answer'));

    // made before close() and not awaited: answered, and durable, before PGlite shuts down
    const last = store.append([makeEvent({ aggregateId: `${p}-b` })], {});
    await store.close();
    const [written] = await last;
    await expect(store.ping()).rejects.toMatchObject({ name: 'StoreUnavailableError', code: '08003' });

    const again = await createWorkerStore({ dataDir }); // the lock was released
    try {
      expect(await again.readEvents({ aggregateId: `${p}-b` })).toEqual([written]);
    } finally {
      await again.close();
    }
  });
});

describe('a worker that dies', () => {
  it('fails every call waiting and every later one with STORE_UNAVAILABLE, logs once, and closes', { timeout: 180_000 }, async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'store-worker-death-'));
    dirs.push(dataDir);
    const log = { error: vi.fn() };
    const store = await createWorkerStore({ dataDir, log });
    await store.migrate();
    const samples = Array.from({ length: 5_000 }, (_, i) => ({ patrolId: `p-${i}`, lng: 121.5, lat: 29.8, at: T0 }));
    const waiting = [failure(store.saveTrackSamples(samples)), failure(store.ping()), failure(store.lastSeq())];
    expect(store.inFlight).toBe(3);
    await store.thread.terminate(); // as if it had crashed

    for (const error of await Promise.all(waiting)) {
      expect(error).toBeInstanceOf(StoreUnavailableError);
      expect(error).toMatchObject({ code: '08006' });
      expect(error?.message).toMatch(/worker thread ended \(exit code 1/);
      expect(isStoreUnavailable(error)).toBe(true);
    }
    const later = await failure(store.getUser('anyone'));
    expect(later).toBeInstanceOf(StoreUnavailableError);
    expect(log.error).toHaveBeenCalledTimes(1);
    expect(log.error.mock.calls[0]![1]).toMatchObject({ exitCode: 1, callsWaiting: 3 });

    await store.close();
    const again = await createWorkerStore({ dataDir }); // close released the lock of the dead store
    await again.close();
    expect(log.error).toHaveBeenCalledTimes(1);
  });

  it('out of memory: the call that ran it out and those behind it fail, the process lives on', async () => {
    const log = { error: vi.fn() };
    const store = await createWorkerStore({ resourceLimits: { maxOldGenerationSizeMb: 32 }, log });
    await store.migrate();
    const huge = Array.from({ length: 1_000_000 }, (_, i) => ({ i, s: 'abcdefgh' }));
    const outcomes = await Promise.all([failure(store.setMeta('huge', huge)), failure(store.ping())]);
    for (const error of outcomes) expect(error).toMatchObject({ name: 'StoreUnavailableError', code: '08006' });
    expect(outcomes[0]?.message).toMatch(/memory/);
    expect(log.error).toHaveBeenCalledTimes(1);
    await store.close();
  });

  it('under a running hub: a report is answered 503 STORE_UNAVAILABLE and /healthz says why, nothing hangs', async () => {
    const log = { error: vi.fn() };
    const t = await startTestHub({ store: await createWorkerStore({ log }), fusion: 'off' });
    try {
      const op = await signedInUser(t, 'op-worker', 'operator');
      const centers = grids().map((g) => g.center);
      const post = () => fetch(`${t.url}/api/incidents`, { method: 'POST', headers: { ...op.headers, 'content-type': 'application/json' }, body: JSON.stringify(reportBody(0, centers, 'dead')) });
      expect((await post()).status).toBe(201);
      expect((await fetch(`${t.url}/healthz`)).status).toBe(200);

      const { socket: wall, rootRegion } = await connectClient(t.url);
      const down = nextEvent(wall, 'hub:status', (s) => s.writes === 'unavailable');
      await (t.store as WorkerStore).thread.terminate();
      const refused = await post();
      expect(refused.status).toBe(503);
      expect(((await refused.json()) as { error: string }).error).toBe('STORE_UNAVAILABLE');
      // the hub knows (the failed write, then a ping that fails too): every client is told why, the
      // next change is refused by the hub itself, and the wall still reads from memory
      const status = await down;
      expect(status.reason).toMatch(/worker thread ended/);
      const again = (await (await post()).json()) as { error: string; details: { reason: string } };
      expect(again).toMatchObject({ error: 'STORE_UNAVAILABLE', details: { reason: status.reason } });
      const snapshot = await new Promise<{ ok: boolean }>((resolve) => wall.emit('subscribe', { protocolVersion: PROTOCOL_VERSION, region: rootRegion, layers: ['incidents'] }, resolve));
      expect(snapshot.ok).toBe(true);
      wall.close();
      const health = await fetch(`${t.url}/healthz`);
      expect(health.status).toBe(503);
      const body = (await health.json()) as { store: { ok: boolean; error: string } };
      expect(body.store).toMatchObject({ ok: false, kind: 'pglite' });
      expect(body.store.error).toMatch(/worker thread ended/);
      expect(log.error).toHaveBeenCalledTimes(1);
    } finally {
      await t.close();
    }
  });
});
