/**
 * The behaviour every Store must have, written once and run against each database by
 * store.test.ts. Opening PGlite costs ~1.5 s, so each database is opened once per suite; every test
 * writes rows under its own id prefix (and far-apart times) and reads only those back, so the
 * tests stay independent of each other and of their order.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Camera } from '@shared/schemas/camera';
import { Incident } from '@shared/schemas/incident';
import { Patrol } from '@shared/schemas/patrol';
import { IdempotencyConflictError, type EventKind, type NewEvent, type Store } from '../../server/store/types';
import { makeCamera, makeEvent, makeIncident, makePatrol, MINUTE, T0, uniquePrefix } from './storeFixtures';
import { leaseContract } from './storeLeaseContract';
import { staleStateContract } from './storeStaleContract';

export interface StoreHarness {
  /** opens the database for this suite, empty and migrated */
  open(): Promise<Store>;
  /** opens the same database again after the store was closed (persistent databases only) */
  reopen?: () => Promise<Store>;
  /** runs raw SQL beside the store, for checks the Store interface cannot express */
  raw?: (sql: string) => Promise<unknown>;
  cleanup?: () => Promise<void>;
}

export function storeContract(name: string, harness: StoreHarness): void {
  describe(name, () => {
    let store: Store;
    let initialLastSeq = -1;
    const own = <T extends { id: string }>(items: T[], prefix: string) => items.filter((x) => x.id.startsWith(prefix));

    beforeAll(async () => {
      store = await harness.open();
      initialLastSeq = await store.lastSeq();
    });
    afterAll(async () => {
      await store?.close();
      await harness.cleanup?.();
    });

    it('fixtures are valid domain objects', () => {
      expect(() => Incident.parse(makeIncident({ id: 'i-1' }))).not.toThrow();
      expect(() => Camera.parse(makeCamera({ id: 'c-1' }))).not.toThrow();
      expect(() => Patrol.parse(makePatrol({ id: 'p-1', idx: 0 }))).not.toThrow();
    });

    it('starts empty: lastSeq is 0', () => {
      expect(initialLastSeq).toBe(0);
    });

    it('migrate twice is a no-op that keeps the data', async () => {
      const p = uniquePrefix('mig');
      const [written] = await store.append([makeEvent({ aggregateId: p })], {});
      await store.migrate();
      await store.migrate();
      expect(await store.readEvents({ aggregateId: p })).toEqual([written]);
    });

    it('append returns the events with increasing seqs in input order, and lastSeq follows', async () => {
      const p = uniquePrefix('order');
      const input = [0, 1, 2].map((i) => makeEvent({ aggregateId: `${p}-${i}`, type: `t${i}`, at: T0 + i, payload: { i } }));
      const first = await store.append(input, {});
      const second = await store.append([makeEvent({ aggregateId: `${p}-3` })], {});

      expect(first.map((e) => e.aggregateId)).toEqual(input.map((e) => e.aggregateId));
      expect(first.map((e) => e.payload)).toEqual([{ i: 0 }, { i: 1 }, { i: 2 }]);
      const seqs = [...first, ...second].map((e) => e.seq);
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
      expect(new Set(seqs).size).toBe(4);
      expect(Number.isSafeInteger(first[0]?.recordedAt)).toBe(true);
      expect(await store.lastSeq()).toBe(second[0]?.seq);
      expect(await store.readEvents({ afterSeq: (first[0]?.seq ?? 0) - 1, limit: 4 })).toEqual([...first, ...second]);
    });

    it('append writes the state rows in the same call', async () => {
      const p = uniquePrefix('state');
      const incident = makeIncident({ id: `${p}-i` });
      await store.append([makeEvent({ aggregateId: incident.id })], { incidents: [incident] });
      expect(await store.getIncident(incident.id)).toEqual(incident);
      expect(await store.getIncident(`${p}-missing`)).toBeNull();
    });

    it('a reused idempotency key is refused and the original record kept', async () => {
      const p = uniquePrefix('idem');
      const record = { key: `${p}-key`, incidentId: `${p}-i`, requestHash: 'sha256:aaa' };
      await store.append([makeEvent({ aggregateId: record.incidentId })], {}, record);
      const reuse = store.append([makeEvent({ aggregateId: `${p}-other` })], {}, { ...record, requestHash: 'sha256:bbb' });

      await expect(reuse).rejects.toBeInstanceOf(IdempotencyConflictError);
      await expect(reuse).rejects.toMatchObject({ key: record.key });
      expect(await store.findIdempotencyKey(record.key)).toEqual(record);
      expect(await store.findIdempotencyKey(`${p}-unknown`)).toBeNull();
    });

    it('several keys in one append: all recorded, or none when one is taken', async () => {
      const p = uniquePrefix('idem-many');
      const records = [1, 2, 3].map((i) => ({ key: `${p}-k${i}`, incidentId: `${p}-i${i}`, requestHash: `h${i}` }));
      await store.append([makeEvent({ aggregateId: `${p}-i1` })], {}, records.slice(0, 2));
      expect((await store.findIdempotencyKeys(records.map((r) => r.key))).sort((a, b) => a.key.localeCompare(b.key))).toEqual(records.slice(0, 2));
      const before = await store.lastSeq();
      await expect(store.append([makeEvent({ aggregateId: `${p}-i3` })], {}, [records[2]!, records[1]!])).rejects.toMatchObject({ key: records[1]!.key });
      expect(await store.lastSeq()).toBe(before);
      expect(await store.findIdempotencyKey(records[2]!.key)).toBeNull();
      expect(await store.findIdempotencyKeys([])).toEqual([]);
    });

    it('concurrent appends get distinct seqs, and one claim of a key wins', async () => {
      const p = uniquePrefix('concurrent');
      const key = { key: `${p}-key`, incidentId: `${p}-i`, requestHash: 'h' };
      const outcomes = await Promise.allSettled(
        Array.from({ length: 12 }, (_, i) => store.append([makeEvent({ aggregateId: `${p}-i`, payload: { i } })], {}, key)),
      );
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
      const others = await Promise.all(
        Array.from({ length: 12 }, (_, i) => store.append([makeEvent({ aggregateId: `${p}-o`, payload: { i } })], {})),
      );
      const seqs = others.map(([e]) => e?.seq ?? 0);
      expect(new Set(seqs).size).toBe(12);
      expect((await store.readEvents({ aggregateId: `${p}-o` })).map((e) => e.seq)).toEqual([...seqs].sort((a, b) => a - b));
      expect(await store.readEvents({ aggregateId: `${p}-i` })).toHaveLength(1);
    });

    it('an idempotency conflict writes nothing: events and state unchanged', async () => {
      const p = uniquePrefix('atomic-idem');
      const v1 = makeIncident({ id: `${p}-i` });
      const key = { key: `${p}-key`, incidentId: v1.id, requestHash: 'h1' };
      await store.append([makeEvent({ aggregateId: v1.id })], { incidents: [v1] }, key);
      const before = await store.lastSeq();

      const v2 = { ...v1, stage: 'registered' as const, version: 2 };
      const conflicting = store.append([makeEvent({ aggregateId: v1.id, type: 'register' })], { incidents: [v2] }, key);
      await expect(conflicting).rejects.toBeInstanceOf(IdempotencyConflictError);

      expect(await store.lastSeq()).toBe(before);
      expect(await store.readEvents({ aggregateId: v1.id })).toHaveLength(1);
      expect(await store.getIncident(v1.id)).toEqual(v1);
    });

    it('an invalid row rolls the whole append back, idempotency key included', async () => {
      const p = uniquePrefix('atomic-invalid');
      const before = await store.lastSeq();
      const good = makeEvent({ aggregateId: `${p}-i` });
      const badKind = makeEvent({ aggregateId: `${p}-i`, kind: 'bogus' as EventKind });
      const key = { key: `${p}-key`, incidentId: `${p}-i`, requestHash: 'h' };
      const incident = makeIncident({ id: `${p}-i` });

      await expect(store.append([good, badKind], { incidents: [incident] }, key)).rejects.toThrow();
      const { stage: _dropped, ...stageless } = incident; // NOT NULL stage is violated after the events went in
      await expect(store.append([good], { incidents: [stageless as Incident] }, key)).rejects.toThrow();

      expect(await store.lastSeq()).toBe(before);
      expect(await store.readEvents({ aggregateId: `${p}-i` })).toEqual([]);
      expect(await store.getIncident(incident.id)).toBeNull();
      expect(await store.findIdempotencyKey(key.key)).toBeNull();
    });

    it('readEvents filters by afterSeq, toSeq, kind, aggregateId, from/to and limit, ordered by seq', async () => {
      const p = uniquePrefix('read');
      const specs: [EventKind, string, number][] = [
        ['incident', 'a', 0], ['camera', 'b', 1], ['incident', 'a', 2], ['camera', 'a', 3], ['patrol', 'b', 4], ['incident', 'b', 5],
      ];
      const written = await store.append(
        specs.map(([kind, agg, minute]) => makeEvent({ kind, aggregateId: `${p}-${agg}`, at: T0 + minute * MINUTE })),
        {},
      );
      const base = (written[0]?.seq ?? 0) - 1;
      const last = written[5]?.seq ?? 0;
      const mine = { afterSeq: base, toSeq: last };
      const seqsOf = (events: { seq: number }[]) => events.map((e) => e.seq);
      const pick = (...indexes: number[]) => indexes.map((i) => written[i]?.seq);

      expect(seqsOf(await store.readEvents(mine))).toEqual(pick(0, 1, 2, 3, 4, 5));
      expect(seqsOf(await store.readEvents({ afterSeq: written[2]?.seq, toSeq: written[4]?.seq }))).toEqual(pick(3, 4));
      expect(seqsOf(await store.readEvents({ ...mine, kind: 'incident' }))).toEqual(pick(0, 2, 5));
      expect(seqsOf(await store.readEvents({ aggregateId: `${p}-a` }))).toEqual(pick(0, 2, 3));
      expect(seqsOf(await store.readEvents({ aggregateId: `${p}-a`, kind: 'camera' }))).toEqual(pick(3));
      expect(seqsOf(await store.readEvents({ aggregateIds: [`${p}-a`, `${p}-b`], kind: 'incident' }))).toEqual(pick(0, 2, 5));
      expect(await store.readEvents({ aggregateIds: [] })).toEqual([]);
      expect(seqsOf(await store.readEvents({ ...mine, from: T0 + MINUTE, to: T0 + 4 * MINUTE }))).toEqual(pick(1, 2, 3));
      expect(seqsOf(await store.readEvents({ ...mine, limit: 2 }))).toEqual(pick(0, 1));
      expect(await store.readEvents({ ...mine, limit: 0 })).toEqual([]);
      expect(await store.readEvents({ afterSeq: last })).toEqual([]);
    });

    it('loadIncidents returns open incidents and recently updated ones, not old closed ones', async () => {
      const p = uniquePrefix('load');
      const recent = T0 + 60 * MINUTE;
      const closed = { stage: 'closed' as const, deadline: null };
      const incidents = [
        makeIncident({ id: `${p}-open-old`, updatedAt: T0 }),
        makeIncident({ id: `${p}-handling-old`, stage: 'handling', updatedAt: T0 }),
        makeIncident({ id: `${p}-closed-recent`, ...closed, updatedAt: recent }),
        makeIncident({ id: `${p}-closed-old`, ...closed, updatedAt: T0 }),
        makeIncident({ id: `${p}-rejected-old`, stage: 'rejected', rejectReason: 'duplicate', deadline: null, updatedAt: T0 }),
      ];
      await store.append([], { incidents });
      const loaded = own(await store.loadIncidents(T0 + 30 * MINUTE), p).map((i) => i.id);
      expect(loaded.sort()).toEqual([`${p}-closed-recent`, `${p}-handling-old`, `${p}-open-old`]);
      expect(own(await store.loadIncidents(T0), p)).toHaveLength(5);
    });

    it('incidentsForWindow pages the cases of a region a past window may need: open, or changed since its start, reported before its end', async () => {
      const p = uniquePrefix('window');
      const closed = { stage: 'closed' as const, deadline: null };
      const otherStreet = ['330200', '330203', '330203002', '330203002001', '330203002001001'];
      await store.append([], {
        incidents: [
          makeIncident({ id: `${p}-1-open-old`, updatedAt: T0 }),
          makeIncident({ id: `${p}-2-closed-in`, ...closed, updatedAt: T0 + 90 * MINUTE }),
          makeIncident({ id: `${p}-3-closed-before`, ...closed, updatedAt: T0 + 10 * MINUTE }),
          makeIncident({ id: `${p}-4-reported-after`, reportedAt: T0 + 200 * MINUTE, updatedAt: T0 + 200 * MINUTE }),
          makeIncident({ id: `${p}-5-elsewhere`, regionPath: otherStreet, gridCode: otherStreet[4]!, updatedAt: T0 + 90 * MINUTE, ...closed }),
          makeIncident({ id: `${p}-6-closed-after`, ...closed, updatedAt: T0 + 300 * MINUTE }),
        ],
      });
      const query = { regionCode: '330203001', from: T0 + 60 * MINUTE, asOf: T0 + 120 * MINUTE, afterId: `${p}-`, limit: 100 };
      const ids = own(await store.incidentsForWindow(query), p).map((i) => i.id);
      expect(ids).toEqual([`${p}-1-open-old`, `${p}-2-closed-in`, `${p}-6-closed-after`]); // ordered by id
      const page = own(await store.incidentsForWindow({ ...query, limit: 1 }), p);
      expect(page.map((i) => i.id)).toEqual([`${p}-1-open-old`]);
      const next = own(await store.incidentsForWindow({ ...query, afterId: page[0]!.id, limit: 1 }), p);
      expect(next.map((i) => i.id)).toEqual([`${p}-2-closed-in`]);
    });

    it('incidentsReported pages cases of a reporting range newest first, ties broken by id', async () => {
      const p = uniquePrefix('reported');
      const at = (minutes: number) => T0 + 1000 * MINUTE + minutes * MINUTE; // clear of other tests' cases
      await store.append([], {
        incidents: [
          makeIncident({ id: `${p}-a`, reportedAt: at(1), updatedAt: at(1) }),
          makeIncident({ id: `${p}-b`, reportedAt: at(2), updatedAt: at(2) }),
          makeIncident({ id: `${p}-c`, reportedAt: at(2), updatedAt: at(2) }),
          makeIncident({ id: `${p}-d`, reportedAt: at(3), updatedAt: at(3) }),
          makeIncident({ id: `${p}-e`, reportedAt: at(9), updatedAt: at(9) }),
        ],
      });
      const range = { from: at(1), to: at(9) };
      const first = own(await store.incidentsReported({ ...range, after: null, limit: 2 }), p);
      expect(first.map((i) => i.id)).toEqual([`${p}-d`, `${p}-c`]);
      const last = first[first.length - 1]!;
      const next = own(await store.incidentsReported({ ...range, after: { reportedAt: last.reportedAt, id: last.id }, limit: 10 }), p);
      expect(next.map((i) => i.id)).toEqual([`${p}-b`, `${p}-a`]); // e lies at `to`, outside the range
    });

    it('finds the greatest incident id with a prefix, treating % and _ literally', async () => {
      const p = uniquePrefix('ids').replace(/[^A-Za-z0-9]/g, 'x');
      const ids = [`${p}-00002`, `${p}-00010`, `${p}-00009`, `${p}x-99999`];
      await store.append(
        ids.map((id) => makeEvent({ aggregateId: id })),
        { incidents: ids.map((id) => makeIncident({ id })) },
      );
      expect(await store.highestIncidentId(`${p}-`)).toBe(`${p}-00010`);
      expect(await store.highestIncidentId(`${p}_`)).toBeNull();
      expect(await store.highestIncidentId(`${p}-%`)).toBeNull();
    });

    it('reserves case numbers in blocks: a day\'s first above its stored ids, each above the one before, none twice when asked at once', async () => {
      const p = uniquePrefix('blocks').replace(/[^A-Za-z0-9]/g, 'x');
      const ids = [`${p}-00007`, `${p}-00003`, `${p}x-99999`];
      await store.append(
        ids.map((id) => makeEvent({ aggregateId: id })),
        { incidents: ids.map((id) => makeIncident({ id })) },
      );
      // the first block starts above the day's highest stored number (7), not above 9999 of another prefix
      expect(await store.reserveIncidentNumbers(`${p}-`, 4)).toBe(11);
      // eight nodes at once: consecutive blocks, no number twice
      const lasts = await Promise.all(Array.from({ length: 8 }, () => store.reserveIncidentNumbers(`${p}-`, 4)));
      const numbers = lasts.flatMap((last) => [last - 3, last - 2, last - 1, last]);
      expect(new Set(numbers).size).toBe(32);
      expect(Math.min(...numbers)).toBe(12);
      expect(Math.max(...numbers)).toBe(43);
      // later blocks move the day's row on without looking at the stored ids again (a scan per block would grow with the day)
      expect(await store.reserveIncidentNumbers(`${p}-`, 4)).toBe(47);
      // another day: its first block again starts above that day's stored ids
      await store.append([makeEvent({ aggregateId: `${p}y-00100` })], { incidents: [makeIncident({ id: `${p}y-00100` })] });
      expect(await store.reserveIncidentNumbers(`${p}y-`, 4)).toBe(104);
      expect(await store.reserveIncidentNumbers(`${p}%`, 1)).toBe(1); // % taken literally: no such ids
    });

    it('upserts replace the stored rows; within one batch the last copy wins', async () => {
      const p = uniquePrefix('upsert');
      const incident = makeIncident({ id: `${p}-i` });
      await store.append([], { incidents: [incident] });
      const registered = { ...incident, stage: 'registered' as const, version: 2, updatedAt: T0 + MINUTE };
      await store.append([], { incidents: [registered] });
      expect(await store.getIncident(incident.id)).toEqual(registered);

      const camera = makeCamera({ id: `${p}-c` });
      await store.upsertCameras([camera]);
      await store.upsertCameras([{ ...camera, status: 'offline' }, { ...camera, status: 'fault' }]);
      expect(own(await store.loadCameras(), p)).toEqual([{ ...camera, status: 'fault' }]);

      const patrol = makePatrol({ id: `${p}-p`, idx: 7 });
      await store.append([], { patrols: [patrol] });
      await store.upsertPatrols([{ ...patrol, status: 'responding', lng: null, lat: null, fixAt: null }]);
      expect(own(await store.loadPatrols(), p)).toEqual([{ ...patrol, status: 'responding', lng: null, lat: null, fixAt: null }]);
    });

    it('takes large batches: 10,000 events in one append, 5,000 patrols and cameras in one upsert', async () => {
      const p = uniquePrefix('large');
      const events: NewEvent[] = Array.from({ length: 10_000 }, (_, i) =>
        makeEvent({ kind: 'patrol', aggregateId: `${p}-${i % 50}`, type: 'status', at: T0 + i, payload: { i } }),
      );
      const written = await store.append(events, {});
      expect(written).toHaveLength(10_000);
      expect(written.every((e, i) => i === 0 || e.seq > (written[i - 1]?.seq ?? Infinity))).toBe(true);
      const read = await store.readEvents({ afterSeq: (written[0]?.seq ?? 0) - 1, toSeq: written[9_999]?.seq });
      expect(read.map((e) => (e.payload as { i: number }).i)).toEqual(events.map((_, i) => i));

      const patrols = Array.from({ length: 5_000 }, (_, i) => makePatrol({ id: `${p}-p${i}`, idx: 100_000 + i }));
      await store.upsertPatrols(patrols);
      expect(own(await store.loadPatrols(), p)).toEqual(patrols);
      const cameras = Array.from({ length: 5_000 }, (_, i) => makeCamera({ id: `${p}-c${String(i).padStart(4, '0')}` }));
      await store.upsertCameras(cameras);
      expect(own(await store.loadCameras(), p)).toEqual(cameras);
    });

    it('saves, reads and prunes track samples', async () => {
      const p = uniquePrefix('track');
      const base = Date.UTC(2001, 0, 1); // older than anything other tests write, so prune counts only these
      const samples = Array.from({ length: 12_000 }, (_, i) => ({
        patrolId: `${p}-${i % 3}`, at: base + Math.floor(i / 3) * 1000, lng: 121.5 + i * 1e-6, lat: 29.8,
      }));
      await store.saveTrackSamples(samples);
      await store.saveTrackSamples(samples.slice(0, 10)); // a repeated fix is dropped, not doubled

      const one = await store.readTrackSamples(`${p}-1`, base, base + 10_000);
      expect(one).toEqual(samples.filter((s) => s.patrolId === `${p}-1` && s.at < base + 10_000));
      expect(one).toHaveLength(10);
      expect(await store.readTrackSamples(`${p}-1`, base + 5_000, base + 5_000)).toEqual([]);

      expect(await store.pruneTrackSamples(base + 2_000)).toBe(6);
      expect(await store.readTrackSamples(`${p}-0`, base, base + 3_000)).toEqual([samples[6]]);
      expect(await store.pruneTrackSamples(base + 2_000)).toBe(0);
    });

    it('round-trips meta values as JSON', async () => {
      const p = uniquePrefix('meta');
      const simulator = { seed: 42, running: true, rates: [1.5, 2], nested: { at: T0 } };
      await store.setMeta(`${p}-sim`, simulator);
      await store.setMeta(`${p}-text`, 'hello');
      await store.setMeta(`${p}-n`, 7);
      expect(await store.getMeta(`${p}-sim`)).toEqual(simulator);
      expect(await store.getMeta<string>(`${p}-text`)).toBe('hello');
      expect(await store.getMeta<number>(`${p}-n`)).toBe(7);
      await store.setMeta(`${p}-n`, 8);
      expect(await store.getMeta<number>(`${p}-n`)).toBe(8);
      expect(await store.getMeta(`${p}-missing`)).toBeNull();
      // the first value written stays: two nodes making a signing key at once both get the first
      expect(await store.setMetaIfAbsent(`${p}-first`, 'a')).toBe('a');
      expect(await store.setMetaIfAbsent(`${p}-first`, 'b')).toBe('a');
      expect(await store.getMeta<string>(`${p}-first`)).toBe('a');
    });

    it('keeps users and sessions; a taken name is refused; ending sessions returns them', async () => {
      const p = uniquePrefix('user').toLowerCase();
      const user = { username: `${p}-op`, displayName: '值班员', role: 'operator' as const, regionCode: '330203', disabled: false, createdAt: T0, passwordChangedAt: T0, passwordHash: 'scrypt$17$8$1$c2FsdA$aGFzaA' };
      await store.createUser(user);
      await expect(store.createUser(user)).rejects.toThrow(/exists/);
      expect(await store.getUser(user.username)).toEqual(user);
      expect((await store.listUsers()).some((u) => u.username === user.username)).toBe(true);
      expect(await store.updateUser(user.username, { disabled: true, role: 'supervisor' })).toMatchObject({ disabled: true, role: 'supervisor', passwordHash: user.passwordHash });
      expect(await store.updateUser(`${p}-nobody`, { disabled: true })).toBeNull();
      const client = { channel: 'http' as const, address: '127.0.0.1', userAgent: 'test' };
      for (const n of [1, 2]) await store.createSession({ tokenHash: `${p}-t${n}`, username: user.username, kind: 'cookie', createdAt: T0, expiresAt: T0 + 1000, endedAt: null, client });
      expect(await store.getSession(`${p}-t1`)).toMatchObject({ username: user.username, expiresAt: T0 + 1000, endedAt: null, client });
      await store.endSession(`${p}-t1`, T0 + 5);
      expect((await store.getSession(`${p}-t1`))?.endedAt).toBe(T0 + 5);
      expect(await store.endSessionsOf(user.username, T0 + 6)).toEqual([`${p}-t2`]);
      expect(await store.countUsers()).toBeGreaterThan(0);
    });

    it('writes audit rows with an append (taking its seq) or alone, and reads them newest first by person, case, window and region', async () => {
      const p = uniquePrefix('audit');
      const row = {
        at: T0, actor: `${p}-op`, role: 'operator' as const, client: { channel: 'socket' as const, address: null, userAgent: null }, action: 'register',
        outcome: 'ok' as const, error: null, message: null, incidentId: `${p}-i`, subject: null, stageBefore: 'reported' as const, stageAfter: 'registered' as const,
        reason: '立案', stepMs: 60_000, regionPath: ['330200', '330203', '330203001'],
      };
      const [event] = await store.append([makeEvent({ aggregateId: `${p}-i` })], {}, undefined, [{ ...row, eventIndex: 0 }]);
      await store.appendAudit([{ ...row, at: T0 + 10, action: 'close', outcome: 'refused', error: 'ILLEGAL_TRANSITION', message: 'no', stageAfter: 'reported' }]);
      const rows = await store.readAudit({ actor: `${p}-op`, limit: 10 });
      expect(rows.map((r) => r.action)).toEqual(['close', 'register']);
      expect(rows[1]).toMatchObject({ ...row, seq: event!.seq });
      expect(rows[0]).toMatchObject({ seq: null, error: 'ILLEGAL_TRANSITION' });
      expect(await store.readAudit({ incidentId: `${p}-i`, from: T0 + 1, to: T0 + 11, limit: 10 })).toHaveLength(1);
      expect(await store.readAudit({ actor: `${p}-op`, withinRegion: '330203001', limit: 10 })).toHaveLength(2);
      expect(await store.readAudit({ actor: `${p}-op`, withinRegion: '330203002', limit: 10 })).toHaveLength(0);
      expect(await store.readAudit({ actor: `${p}-op`, before: rows[0]!.id, limit: 10 })).toHaveLength(1);
    });

    it('rolls the audit rows back with a refused append', async () => {
      const p = uniquePrefix('audit-rollback');
      const key = { key: `${p}-k`, incidentId: `${p}-i`, requestHash: 'h' };
      await store.append([makeEvent({ aggregateId: `${p}-i` })], {}, key);
      const row = {
        at: T0, actor: `${p}-op`, role: 'operator' as const, client: { channel: 'http' as const, address: null, userAgent: null }, action: 'report', outcome: 'ok' as const,
        error: null, message: null, incidentId: `${p}-i`, subject: null, stageBefore: null, stageAfter: 'reported' as const, reason: null, stepMs: null, regionPath: ['330200'], eventIndex: 0,
      };
      await expect(store.append([makeEvent({ aggregateId: `${p}-i` })], {}, key, [row])).rejects.toThrow();
      expect(await store.readAudit({ actor: `${p}-op`, limit: 10 })).toHaveLength(0);
    });

    // Registered only where the harness can run raw SQL / reopen, so nothing shows up as skipped.
    leaseContract(() => store);
    staleStateContract(() => store);

    if (harness.raw) it('refuses UPDATE and DELETE on the event log', async () => {
      const raw = harness.raw!;
      await store.append([makeEvent({ aggregateId: uniquePrefix('append-only') })], {});
      await expect(raw(`UPDATE events SET type = 'changed'`)).rejects.toThrow(/append-only/);
      await expect(raw(`DELETE FROM events`)).rejects.toThrow(/append-only/);
      await store.appendAudit([
        { at: T0, actor: 'x', role: null, client: { channel: 'cli', address: null, userAgent: null }, action: 'sign_in', outcome: 'ok', error: null, message: null, incidentId: null, subject: null, stageBefore: null, stageAfter: null, reason: null, stepMs: null, regionPath: [] },
      ]);
      await expect(raw(`UPDATE audit SET actor = 'someone-else'`)).rejects.toThrow(/append-only/);
      await expect(raw(`DELETE FROM audit`)).rejects.toThrow(/append-only/);
    });

    if (harness.reopen) it('keeps everything across a restart (close, open the same database)', async () => {
      const p = uniquePrefix('restart');
      const key = { key: `${p}-key`, incidentId: `${p}-i`, requestHash: 'h' };
      const incident = makeIncident({ id: `${p}-i` });
      const camera = makeCamera({ id: `${p}-c` });
      const patrol = makePatrol({ id: `${p}-p`, idx: 9_000_000 });
      const written = await store.append([makeEvent({ aggregateId: incident.id })], { incidents: [incident], cameras: [camera], patrols: [patrol] }, key);
      await store.setMeta(`${p}-meta`, { kept: true });
      await store.saveTrackSamples([{ patrolId: patrol.id, at: T0, lng: 121.5, lat: 29.8 }]);

      await store.close();
      store = await harness.reopen!();
      await store.migrate();

      expect(await store.readEvents({ aggregateId: incident.id })).toEqual(written);
      expect(await store.getIncident(incident.id)).toEqual(incident);
      expect(own(await store.loadCameras(), p)).toEqual([camera]);
      expect(own(await store.loadPatrols(), p)).toEqual([patrol]);
      expect(await store.getMeta(`${p}-meta`)).toEqual({ kept: true });
      expect(await store.findIdempotencyKey(key.key)).toEqual(key);
      expect(await store.readTrackSamples(patrol.id, T0, T0 + 1)).toHaveLength(1);
      const [next] = await store.append([makeEvent({ aggregateId: incident.id })], {});
      expect(next?.seq).toBeGreaterThan(written[0]?.seq ?? Infinity);
    });
  });
}
