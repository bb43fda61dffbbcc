/**
 * History identity (issue 17, part 5; server/hub/history.ts): a store restored from an older
 * backup reissues sequence numbers, and a wall that held a later number of the lost timeline must
 * take a fresh snapshot, never be resumed into the new one. Real Socket.IO clients, PGlite on a
 * data directory; the backup is a copy of that directory taken while the hub is stopped.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '@shared/events';
import type { SubscribeResult } from '@shared/schemas/live';
import { createPgliteStore } from '../../server/store/pgliteStore';
import { HISTORY_META_KEY, HistoryIdentity } from '../../server/hub/history';
import type { Store } from '../../server/store/types';
import { connectClient, grids, startTestHub, type TestHub } from './harness';

const root = mkdtempSync(join(tmpdir(), 'hub-history-'));
const dataDir = join(root, 'data');
const backupDir = join(root, 'backup');
afterAll(() => rmSync(root, { recursive: true, force: true }));

let n = 0;
function body() {
  n++;
  const [lng, lat] = grids()[(n * 7) % grids().length]!.center;
  return { source: 'hotline', category: 'municipal_facility', severity: 2, title: `井盖缺失${n}`, location: { lng, lat }, reporter: { kind: 'citizen', name: '市民', phone: '13800138000' } };
}

async function start(): Promise<TestHub> {
  return startTestHub({ store: await createPgliteStore({ dataDir }), fusion: 'off' });
}

/** one fresh connection subscribes to the root region; `held` is what the wall kept from before */
async function subscribeAs(t: TestHub, held?: { lastSeq: number; historyId?: string }): Promise<{ result: SubscribeResult; helloHistory: string | undefined }> {
  const { socket, rootRegion, hello } = await connectClient(t.url);
  try {
    const result = await new Promise<SubscribeResult>((resolve, reject) =>
      socket.emit('subscribe', { protocolVersion: PROTOCOL_VERSION, region: rootRegion, layers: ['incidents'], ...(held ?? {}) }, (ack) =>
        ack.ok ? resolve(ack.data) : reject(new Error(ack.message)),
      ),
    );
    return { result, helloHistory: hello.historyId };
  } finally {
    socket.disconnect();
  }
}

function held(result: SubscribeResult): { lastSeq: number; historyId: string } {
  if (result.mode !== 'snapshot') throw new Error('expected a snapshot');
  return { lastSeq: result.snapshot.seq, historyId: result.snapshot.historyId! };
}

describe('history identity across a restore from a backup', () => {
  it('sends a wall of the lost timeline to a snapshot, and resumes walls of the same history', async () => {
    // run A: writes up to S1, a wall holds (A, S1); stops cleanly; the data directory is copied
    const a = await start();
    for (let i = 0; i < 3; i++) await a.hub.report(body());
    const s1 = a.hub.seq;
    const first = await subscribeAs(a);
    expect(first.helloHistory).toBe(a.hub.historyId);
    const wallOfA = held(first.result);
    expect(wallOfA).toEqual({ lastSeq: s1, historyId: a.hub.historyId });
    await a.close();
    cpSync(dataDir, backupDir, { recursive: true });

    // run B on the original: a clean restart continues A (A's wall resumes), then writes on to S2
    const b = await start();
    expect(b.hub.historyId).not.toBe(a.hub.historyId);
    const continued = await subscribeAs(b, wallOfA);
    expect(continued.result.mode).toBe('resume');
    if (continued.result.mode === 'resume') expect(continued.result.historyId).toBe(b.hub.historyId);
    for (let i = 0; i < 4; i++) await b.hub.report(body());
    const s2 = b.hub.seq;
    expect(s2).toBeGreaterThan(s1);
    const wallOfB = held((await subscribeAs(b)).result);
    expect(wallOfB).toEqual({ lastSeq: s2, historyId: b.hub.historyId });
    await b.close();

    // the backup is restored; run C writes on until its numbers pass S2 (reissued: other cases)
    rmSync(dataDir, { recursive: true, force: true });
    cpSync(backupDir, dataDir, { recursive: true });
    const c = await start();
    try {
      expect(c.hub.seq).toBe(s1);
      expect(c.hub.historyId).not.toBe(b.hub.historyId);
      while (c.hub.seq <= s2 + 1) await c.hub.report(body());

      // B's wall, at S2 of a timeline that no longer exists: a snapshot of the new history
      const lost = await subscribeAs(c, wallOfB);
      expect(lost.helloHistory).toBe(c.hub.historyId);
      expect(lost.result.mode).toBe('snapshot');
      if (lost.result.mode === 'snapshot') {
        expect(lost.result.snapshot.historyId).toBe(c.hub.historyId);
        expect(lost.result.snapshot.seq).toBe(c.hub.seq);
      }

      // what it guards against: the same wall without its id is resumed by seq alone (the old hole)
      const legacy = await subscribeAs(c, { lastSeq: wallOfB.lastSeq });
      expect(legacy.result.mode).toBe('resume');

      // A's wall: the backup is A's store at S1, and C continued it; everything after S1 is sent
      const ofA = await subscribeAs(c, wallOfA);
      expect(ofA.result.mode).toBe('resume');
      if (ofA.result.mode === 'resume') {
        expect(ofA.result.deltas.length).toBeGreaterThan(0);
        expect(ofA.result.deltas.every((d) => d.seq > s1)).toBe(true);
        expect(ofA.result.historyId).toBe(c.hub.historyId);
      }
      // ...but not from a number beyond S1, which A never wrote in this store
      expect((await subscribeAs(c, { ...wallOfA, lastSeq: s1 + 1 })).result.mode).toBe('snapshot');

      // a wall of C's own history resumes as before
      const ofC = held((await subscribeAs(c)).result);
      await c.hub.report(body());
      const resumed = await subscribeAs(c, ofC);
      expect(resumed.result.mode).toBe('resume');
      if (resumed.result.mode === 'resume') {
        expect(resumed.result.deltas.map((d) => d.seq)).toEqual([c.hub.seq]);
        expect(resumed.result.historyId).toBe(c.hub.historyId);
      }
      // an id the hub never issued: a snapshot
      expect((await subscribeAs(c, { lastSeq: ofC.lastSeq, historyId: 'not-a-history' })).result.mode).toBe('snapshot');
    } finally {
      await c.close();
    }
  });
});

describe('HistoryIdentity', () => {
  function metaStore(record: unknown): Store {
    const meta = new Map<string, unknown>([[HISTORY_META_KEY, record]]);
    return {
      getMeta: async (key: string) => (meta.get(key) ?? null) as never,
      setMeta: async (key: string, value: unknown) => void meta.set(key, value),
    } as Partial<Store> as Store;
  }

  it('continues the recorded history only when the store is exactly as that run left it', async () => {
    const clean = await HistoryIdentity.open(metaStore({ id: 'run-a', seq: 40 }), 40);
    expect(clean.id).not.toBe('run-a');
    expect(clean.accepts('run-a', 40)).toBe(true);
    expect(clean.accepts('run-a', 41)).toBe(false);
    expect(clean.accepts(clean.id, 99)).toBe(true);
    expect(clean.accepts('run-z', 40)).toBe(false);
    expect(clean.accepts(undefined, 40)).toBe(true); // clients without ids: by seq alone

    // written to after the record (a crash, no clean stop) or rolled back before it: no predecessor
    expect((await HistoryIdentity.open(metaStore({ id: 'run-a', seq: 40 }), 45)).accepts('run-a', 40)).toBe(false);
    expect((await HistoryIdentity.open(metaStore({ id: 'run-a', seq: 40 }), 30)).accepts('run-a', 30)).toBe(false);
    expect((await HistoryIdentity.open(metaStore(null), 0)).predecessor).toBeNull();
  });

  it('records its id and seq for the next start', async () => {
    const store = metaStore(null);
    const run = new HistoryIdentity();
    await run.record(store, 12);
    expect(await store.getMeta(HISTORY_META_KEY)).toEqual({ id: run.id, seq: 12 });
    expect((await HistoryIdentity.open(store, 12)).accepts(run.id, 12)).toBe(true);
  });
});
