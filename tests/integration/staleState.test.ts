/**
 * Two real hubs on one database (one shared PGlite store, as nodes share a database; or one
 * PostgreSQL schema with a store per hub — skipped loudly when unreachable, a failure with
 * REQUIRE_POSTGRES=1), their memory not following the log (followLog off), so each one's memory
 * is stale about what the other wrote. The store's version check refuses such a decision whole (STALE_STATE,
 * 409): a case number the other node issued meanwhile, and a step decided on a case the other node
 * moved on; the stored case stays the other node's, and after the refused node reloaded it, its
 * retry is decided on the stored state.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { HTTP_STATUS, HubError } from '@shared/errors';
import { twoNodeTargets } from './twoNodeStores';
import { grids, startTestHub, type TestHub } from './harness';

const operator = { kind: 'operator', id: 'op-1', name: '值班员甲' } as const;
const dept = { kind: 'department', id: 'dept-sz', name: '市政公用' } as const;
// far apart and of different categories: no report joins another case (duplicate fusion)
const gs = grids();
const report = (i: number, category: string) => ({
  source: 'patrol',
  category,
  severity: 1,
  title: `case ${i}`,
  location: { lng: gs[(i * 7) % gs.length]!.center[0], lat: gs[(i * 7) % gs.length]!.center[1] },
  reporter: { kind: 'patrol' },
});

const targets = await twoNodeTargets('stale state', 'stale_test');

async function refusal(change: Promise<unknown>): Promise<HubError> {
  const error = await change.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(HubError);
  expect(error).toMatchObject({ code: 'STALE_STATE' });
  return error as HubError;
}

for (const target of targets) {
  describe(`stale state: two hubs on one ${target.name} database`, () => {
    const hubs: TestHub[] = [];
    let cleanup: (() => Promise<void>) | null = null;
    afterEach(async () => {
      for (const t of hubs.splice(0)) await t.close().catch(() => undefined);
      await cleanup?.();
      cleanup = null;
    });

    /** node a reports a case before node b starts (b loads it), so both hold it at version 1 */
    async function twoNodes() {
      const opened = await target.open();
      cleanup = opened.cleanup;
      // the guard itself, with memory not following the log (which would catch up and decide again: logFollow.test.ts)
      const common = { keepStore: true, coordination: { rules: [] }, followLog: false };
      const hubA = await startTestHub({ ...common, store: opened.stores[0], nodeId: 'node-a' });
      hubs.push(hubA);
      const shared = (await hubA.hub.report(report(1, 'sanitation'))).incident;
      const hubB = await startTestHub({ ...common, store: opened.stores[1], nodeId: 'node-b' });
      hubs.push(hubB);
      expect(hubB.hub.incidents.get(shared.id)?.incident.version).toBe(1);
      return { hubA, hubB, shared };
    }

    it('a case number the other node issued meanwhile: refused, the stored case kept; the retry takes the next number', async () => {
      const { hubA, hubB } = await twoNodes();
      // b reads the day's highest number from the store (a's first case) and issues the next
      const onB = (await hubB.hub.report(report(2, 'public_order'))).incident;
      // a's own counter still stands at its first case: it issues the same number for another case
      const seqBefore = await hubA.store.lastSeq();
      const error = await refusal(hubA.hub.report(report(3, 'traffic')));
      expect(error.details).toEqual({ incidentIds: [onB.id], videoAlarmIds: [] });
      expect(HTTP_STATUS[error.code]).toBe(409);
      expect(error.message).toBe('This case was changed elsewhere a moment ago; nothing was done — look again and retry.');
      expect(await hubA.store.lastSeq()).toBe(seqBefore);
      expect(await hubA.store.getIncident(onB.id)).toEqual(onB);
      // a reloaded the case b wrote: its memory holds it as stored, its counter is past it
      expect(hubA.hub.incidents.get(onB.id)?.incident).toEqual(onB);
      expect(hubA.hub.incidents.get(onB.id)?.entries.map((e) => e.type)).toEqual(['reported']);

      const retried = (await hubA.hub.report(report(3, 'traffic'))).incident;
      expect(retried.id).not.toBe(onB.id);
      expect(await hubA.store.getIncident(retried.id)).toEqual(retried);
      expect(await hubA.store.getIncident(onB.id)).toEqual(onB);
    });

    it('a step decided on a case the other node moved on: refused, the stored case is the other node’s; the retry is decided on it', async () => {
      const { hubA, hubB, shared } = await twoNodes();
      const registered = await hubA.hub.command(shared.id, { action: 'register' }, { actor: operator });
      expect(registered.version).toBe(2);
      // b still holds version 1 (stage reported) and registers it too
      const seqBefore = await hubB.store.lastSeq();
      const error = await refusal(hubB.hub.command(shared.id, { action: 'register' }, { actor: operator }));
      expect(error.details).toEqual({ incidentIds: [shared.id], videoAlarmIds: [] });
      expect(await hubB.store.lastSeq()).toBe(seqBefore);
      expect(await hubB.store.getIncident(shared.id)).toEqual(registered);
      expect((await hubB.store.readEvents({ aggregateId: shared.id })).map((e) => e.type)).toEqual(['reported', 'register']);
      expect(hubB.hub.incidents.get(shared.id)?.incident).toEqual(registered);

      // the retry sees the stored stage: registering again is refused by the lifecycle, dispatching goes through
      await expect(hubB.hub.command(shared.id, { action: 'register' }, { actor: operator })).rejects.toMatchObject({ code: 'ILLEGAL_TRANSITION' });
      const dispatched = await hubB.hub.command(shared.id, { action: 'dispatch', assignee: { id: dept.id, name: dept.name } }, { actor: operator });
      expect(dispatched).toMatchObject({ stage: 'dispatched', version: 3 });
      expect(await hubB.store.getIncident(shared.id)).toEqual(dispatched);
      expect((await hubB.store.readEvents({ aggregateId: shared.id })).map((e) => e.type)).toEqual(['reported', 'register', 'dispatch']);
    });
  });
}
