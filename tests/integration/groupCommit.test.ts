/**
 * Group commit end to end, on a real hub and real stores (PGlite, and PostgreSQL from
 * TEST_DATABASE_URL: skipped loudly when unreachable, a failure with REQUIRE_POSTGRES=1). A group
 * of known size is built by holding the store's transaction at the door: the first report waits
 * there (the transaction "in flight"), the next ones gather; releasing it commits the first alone
 * and then the gathered ones in ONE transaction.
 */
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { PROTOCOL_VERSION, type Ack } from '@shared/events';
import type { Incident } from '@shared/schemas/incident';
import type { Delta } from '@shared/schemas/live';
import { openPgliteClient } from '../../server/store/pgliteStore';
import { openPostgresClient, whyPostgresUnreachable } from '../../server/store/postgresStore';
import { reportBody } from '../support/reportBodies';
import { controlledStore, type ControlledStore } from './controlledStore';
import { connectClient, grids, signedInUser, startTestHub, type TestClient, type TestHub, type TestUser, UNLIMITED_SOCKETS } from './harness';

/** no trigger → action rules: an alert is a transaction of its own, and these tests count the reports' transactions */
const NO_RULES = { rules: [] };
/**
 * these tests hold a transaction at the door as long as a busy machine takes to gather a group:
 * that is not a stalled store (storeHealth.ts has tests of its own, storeHealth.test.ts)
 */
const PATIENT_STORE = { stallMs: 120_000 };

const PG_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const REQUIRE_POSTGRES = process.env.REQUIRE_POSTGRES === '1';
const pgUnreachable = await whyPostgresUnreachable(PG_URL);
const centers = grids().map((g) => g.center);

interface Target {
  name: string;
  open(): Promise<{ controlled: ControlledStore; cleanup(): Promise<void> }>;
}

const targets: Target[] = [
  {
    name: 'PGlite',
    async open() {
      return { controlled: controlledStore('pglite', await openPgliteClient()), cleanup: async () => undefined };
    },
  },
];
if (pgUnreachable === null) {
  targets.push({
    name: 'PostgreSQL',
    async open() {
      const schema = `group_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
      const controlled = controlledStore('postgres', await openPostgresClient({ url: PG_URL, schema }));
      return {
        controlled,
        async cleanup() {
          const admin = new pg.Client({ connectionString: PG_URL });
          await admin.connect();
          await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
          await admin.end();
        },
      };
    },
  });
} else if (REQUIRE_POSTGRES) {
  describe('group commit on PostgreSQL', () => {
    it('reaches PostgreSQL (REQUIRE_POSTGRES=1)', () => expect.fail(`PostgreSQL is unreachable (${pgUnreachable})`));
  });
} else {
  console.warn(`\n!! group commit on PostgreSQL DID NOT RUN: ${pgUnreachable}. Set REQUIRE_POSTGRES=1 to make this a failure.\n`);
}

for (const target of targets) {
  describe(`group commit on ${target.name}`, () => {
    let t: TestHub;
    let c: ControlledStore;
    let cleanup: () => Promise<void>;
    let op: TestUser;
    const open: TestClient[] = [];
    let serial = 0;

    beforeAll(async () => {
      ({ controlled: c, cleanup } = await target.open());
      t = await startTestHub({ store: c.store, fusion: 'off', coordination: NO_RULES, socketLimits: UNLIMITED_SOCKETS, storeHealth: PATIENT_STORE });
      op = await signedInUser(t, 'op-group', 'operator');
    });
    afterAll(async () => {
      await t.close();
      await cleanup();
    });
    afterEach(() => {
      while (open.length) open.pop()!.close();
    });

    const body = () => reportBody(serial++, centers, target.name);

    /** a signed-in client subscribed to the whole city, collecting every incident delta */
    async function watcher(): Promise<{ socket: TestClient; deltas: Delta[] }> {
      const { socket, rootRegion } = await connectClient(t.url, op.token);
      open.push(socket);
      const deltas: Delta[] = [];
      socket.on('incident:reported', (d) => deltas.push(d));
      socket.on('incident:updated', (d) => deltas.push(d));
      await new Promise<void>((resolve, reject) =>
        socket.emit('subscribe', { protocolVersion: PROTOCOL_VERSION, region: rootRegion, layers: ['incidents'] }, (ack) => (ack.ok ? resolve() : reject(new Error(ack.message)))),
      );
      return { socket, deltas };
    }

    const reportOverSocket = (socket: TestClient, incident: unknown, idempotencyKey?: string) =>
      new Promise<Ack<Incident>>((resolve) => socket.emit('incident:report', { incident: incident as never, ...(idempotencyKey ? { idempotencyKey } : {}) }, resolve));

    const reportOverHttp = async (incident: unknown, idempotencyKey?: string) => {
      const res = await fetch(`${t.url}/api/incidents`, {
        method: 'POST',
        headers: { ...op.headers, 'content-type': 'application/json', ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}) },
        body: JSON.stringify(incident),
      });
      return { status: res.status, body: (await res.json()) as Incident & { error?: string } };
    };

    /** holds the next transaction, runs `first` (which takes it), then `rest` gathers behind it */
    async function inOneGroup<T>(first: () => Promise<unknown>, rest: (() => Promise<T>)[]): Promise<{ firstDone: Promise<unknown>; results: T[] }> {
      const gate = c.holdNext();
      const firstDone = first();
      await gate.waiting;
      const pending = rest.map((r) => r());
      await vi.waitFor(() => expect(t.hub.groupCommits.gathered).toBe(rest.length), { timeout: 20_000, interval: 5 });
      gate.release();
      return { firstDone, results: await Promise.all(pending) };
    }

    async function expectMemoryEqualsStore(): Promise<void> {
      const stored = await t.store.loadIncidents(0);
      const inMemory = [...t.hub.incidents.values()].map((r) => r.incident);
      expect(new Map(inMemory.map((i) => [i.id, i]))).toEqual(new Map(stored.map((i) => [i.id, i])));
      expect(t.hub.seq).toBe(await t.store.lastSeq());
    }

    it('writes the reports that arrive during a transaction in the next one: each acknowledged after it, all stored, deltas in seq order', async () => {
      const { socket, deltas } = await watcher();
      const appendsBefore = c.appends.length;
      const seqBefore = t.hub.seq;
      const n = 30;
      const { firstDone, results } = await inOneGroup(
        () => reportOverSocket(socket, body()),
        Array.from({ length: n }, (_, i) => () => (i % 2 === 0 ? reportOverSocket(socket, body()).then((a) => (a.ok ? a.data : a)) : reportOverHttp(body()).then((r) => r.body))),
      );
      const first = await firstDone;
      expect(first).toMatchObject({ ok: true });
      expect(results.every((r) => 'id' in r && r.stage === 'reported')).toBe(true);

      // two transactions: the first report alone, then all thirty together
      const appends = c.appends.slice(appendsBefore);
      expect(appends.map((a) => a.outcome)).toEqual(['committed', 'committed']);
      expect(appends.map((a) => a.statements.filter((s) => /INSERT INTO events/.test(s)).length)).toEqual([1, 1]);

      // stored: one 'reported' event each, seqs contiguous after the first
      const events = await t.store.readEvents({ afterSeq: seqBefore });
      expect(events.map((e) => e.seq)).toEqual(Array.from({ length: n + 1 }, (_, i) => seqBefore + 1 + i));
      const ids = results.map((r) => (r as Incident).id);
      expect(new Set(events.slice(1).map((e) => e.aggregateId))).toEqual(new Set(ids));
      for (const id of ids) expect(await t.store.getIncident(id)).not.toBeNull();

      // the client got every delta once, in strictly increasing seq order
      await vi.waitFor(() => expect(deltas.length).toBe(n + 1), { timeout: 20_000, interval: 5 });
      expect(deltas.map((d) => d.seq)).toEqual(events.map((e) => e.seq));
      await expectMemoryEqualsStore();
    });

    it('answers a refused change alone: the others of its group are written', async () => {
      const { socket } = await watcher();
      const appendsBefore = c.appends.length;
      const outside = { ...body(), location: { lng: 10, lat: 10 } };
      const noTitle = { ...body(), title: '' };
      const { results } = await inOneGroup(
        () => reportOverHttp(body()),
        [
          () => reportOverHttp(body()),
          () => reportOverHttp(noTitle),
          () => reportOverHttp(outside),
          () => reportOverHttp({ ...body(), category: 'no_such_category' }),
          () =>
            new Promise<Ack<Incident>>((resolve) => socket.emit('incident:command', { incidentId: 'E20990101-00001', command: { action: 'register' } }, resolve)).then((a) => ({
              status: a.ok ? 200 : 404,
              body: (a.ok ? a.data : { error: a.error }) as Incident & { error?: string },
            })),
          () => reportOverHttp(body()),
        ],
      );
      expect(results.map((r) => r.status)).toEqual([201, 400, 422, 422, 404, 201]);
      expect(results.map((r) => r.body.error)).toEqual([undefined, 'VALIDATION_FAILED', 'OUT_OF_AREA', 'UNKNOWN_CATEGORY', 'NOT_FOUND', undefined]);
      const groupAppend = c.appends.slice(appendsBefore)[1]!;
      expect(groupAppend.outcome).toBe('committed');
      for (const r of [results[0]!, results[5]!]) expect(await t.store.getIncident(r.body.id)).toMatchObject({ id: r.body.id });
      // the two case numbers follow each other: the refused ones reserved none, or gave theirs back
      const [a, b] = [results[0]!.body.id, results[5]!.body.id].map((id) => Number(id.split('-')[1]));
      expect(b! - a!).toBe(1);
      await expectMemoryEqualsStore();
    });

    it('takes one idempotency key once within a group: the same report twice is one case, another body is refused', async () => {
      const key = `group-key-${target.name}`;
      const report = body();
      const { results } = await inOneGroup(() => reportOverHttp(body()), [
        () => reportOverHttp(report, key),
        () => reportOverHttp(report, key),
        () => reportOverHttp(body(), key),
      ]);
      expect(results.map((r) => r.status)).toEqual([201, 200, 422]);
      expect(results[1]!.body.id).toBe(results[0]!.body.id);
      expect(results[2]!.body.error).toBe('IDEMPOTENCY_KEY_REUSED');
      expect(await t.store.findIdempotencyKey(key)).toMatchObject({ key, incidentId: results[0]!.body.id });
      const events = await t.store.readEvents({ aggregateId: results[0]!.body.id });
      expect(events.map((e) => e.type)).toEqual(['reported']);
    });

    it('refuses only the change whose key another writer took meanwhile (the group is decided again)', async () => {
      const key = `raced-key-${target.name}`;
      const gate = c.holdNext();
      const first = reportOverHttp(body());
      await gate.waiting;
      const pending = [reportOverHttp(body()), reportOverHttp(body(), key), reportOverHttp(body())];
      await vi.waitFor(() => expect(t.hub.groupCommits.gathered).toBe(3), { timeout: 20_000, interval: 5 });
      // another hub node claims the key after this group looked it up, before it is written
      await c.bare.append([], {}, { key, incidentId: 'E20990101-99999', requestHash: 'another request' });
      gate.release();
      expect((await first).status).toBe(201);
      const results = await Promise.all(pending);
      expect(results.map((r) => r.status)).toEqual([201, 422, 201]);
      expect(results[1]!.body.error).toBe('IDEMPOTENCY_KEY_REUSED');
      await expectMemoryEqualsStore();
    });

    it('fails exactly the group whose transaction breaks: every change of it gets the error, nothing of it is in memory, announced or stored', async () => {
      const { socket, deltas } = await watcher();
      const seqBefore = t.hub.seq;
      const gate = c.holdNext();
      const first = reportOverHttp(body());
      await gate.waiting;
      const doomed = [reportOverHttp(body()), reportOverSocket(socket, body()).then((a) => ({ status: a.ok ? 201 : 503, body: (a.ok ? a.data : { error: a.error }) as Incident & { error?: string } })), reportOverHttp(body())];
      await vi.waitFor(() => expect(t.hub.groupCommits.gathered).toBe(3), { timeout: 20_000, interval: 5 });
      // the group's transaction breaks after its events were inserted, before its cases (the first
      // report's own transaction, released first, passes)
      c.failNext(/INSERT INTO incidents/, 1);
      gate.release();
      const firstResult = await first;
      expect(firstResult.status).toBe(201);
      const results = await Promise.all(doomed);
      expect(results.map((r) => [r.status, r.body.error])).toEqual([
        [503, 'STORE_UNAVAILABLE'],
        [503, 'STORE_UNAVAILABLE'],
        [503, 'STORE_UNAVAILABLE'],
      ]);
      expect(c.appends.slice(-1)[0]!.outcome).toBe('failed');
      await expectMemoryEqualsStore();
      const stored = await t.store.readEvents({ afterSeq: seqBefore });
      const acknowledged = [firstResult.body.id];
      expect(stored.map((e) => e.aggregateId)).toEqual(acknowledged);
      // walls were told of the acknowledged reports only, in seq order, after which the hub goes on
      const after = await reportOverHttp(body());
      expect(after.status).toBe(201);
      await vi.waitFor(() => expect(deltas.map((d) => (d as { incident: Incident }).incident.id)).toContain(after.body.id), { timeout: 20_000, interval: 5 });
      expect(deltas.map((d) => (d as { incident: Incident }).incident.id)).toEqual([...acknowledged, after.body.id]);
      const seqs = deltas.map((d) => d.seq);
      expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
      expect(new Set(seqs).size).toBe(seqs.length);
      await expectMemoryEqualsStore();
    });

    it('refuses a change beyond the queue bound with 503 HUB_BUSY, at once, and takes the waiting ones', async () => {
      const own = await target.open();
      const c = own.controlled;
      const busy = await startTestHub({ store: c.store, fusion: 'off', queueLimit: 4, coordination: NO_RULES, socketLimits: UNLIMITED_SOCKETS, storeHealth: PATIENT_STORE });
      try {
        const user = await signedInUser(busy, 'op-busy', 'operator');
        const post = (incident: unknown) =>
          fetch(`${busy.url}/api/incidents`, { method: 'POST', headers: { ...user.headers, 'content-type': 'application/json' }, body: JSON.stringify(incident) }).then(async (res) => ({
            status: res.status,
            body: (await res.json()) as Incident & { error?: string; details?: unknown },
          }));
        const gate = c.holdNext();
        const waiting = [post(body())];
        await gate.waiting;
        waiting.push(post(body()), post(body()), post(body()));
        await vi.waitFor(() => expect(busy.hub.queue.size).toBe(4), { timeout: 20_000, interval: 5 });
        const refused = await post(body());
        expect(refused.status).toBe(503);
        expect(refused.body).toMatchObject({ error: 'HUB_BUSY', details: { waiting: 4, limit: 4 } });
        const { socket } = await connectClient(busy.url, user.token);
        open.push(socket);
        const ack = await new Promise<Ack<Incident>>((resolve) => socket.emit('incident:report', { incident: body() as never }, resolve));
        expect(ack).toMatchObject({ ok: false, error: 'HUB_BUSY' });
        gate.release();
        expect((await Promise.all(waiting)).map((r) => r.status)).toEqual([201, 201, 201, 201]);
        expect((await post(body())).status).toBe(201); // room again
        // busy refusals leave no audit rows: the hub never looked at them
        expect((await busy.store.readAudit({ actor: 'op-busy', outcome: 'refused', limit: 10 })).length).toBe(0);
      } finally {
        await busy.close();
        await own.cleanup();
      }
    });
  });
}
