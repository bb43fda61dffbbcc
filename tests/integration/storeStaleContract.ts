/**
 * The stale-state part of the store contract, run by storeContract.ts inside each database's
 * suite: an append names the version each incident and video-alarm row had when its node decided
 * (`state.expected`, null for a new row); a row stored at another version — changed by another
 * node, or created where the node expected none — refuses the whole append with StaleStateError
 * naming the ids, and nothing of it is written. Every test writes rows under its own id prefix.
 */
import { expect, it } from 'vitest';
import type { VideoAlarm } from '@shared/schemas/videoAlarm';
import { StaleStateError, type Store } from '../../server/store/types';
import { makeEvent, makeIncident, T0, uniquePrefix } from './storeFixtures';

function makeAlarm(id: string, version = 1): VideoAlarm {
  return {
    id,
    cameraId: `${id}-cam`,
    cameraName: 'Gate camera',
    alarmType: 'crowd',
    confidence: 0.9,
    snapshotUrl: null,
    at: T0,
    location: { lng: 121.55, lat: 29.87 },
    gridCode: '330203001001001',
    regionPath: ['330200', '330203', '330203001', '330203001001', '330203001001001'],
    category: 'environment',
    subcategory: null,
    title: 'Crowd',
    externalRef: null,
    status: 'pending',
    decidedBy: null,
    decidedAt: null,
    reason: null,
    incidentId: null,
    version,
  };
}

async function refusal(write: Promise<unknown>): Promise<StaleStateError> {
  const error = await write.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StaleStateError);
  return error as StaleStateError;
}

export function staleStateContract(store: () => Store): void {
  it('stale state: an append whose expected versions match is written; one naming an older version is refused whole, with the ids', async () => {
    const p = uniquePrefix('stale');
    const v1 = makeIncident({ id: `${p}-a` });
    const other = makeIncident({ id: `${p}-b` });
    await store().append([makeEvent({ aggregateId: v1.id }), makeEvent({ aggregateId: other.id })], {
      incidents: [v1, other],
      expected: { incidents: [{ id: v1.id, version: null }, { id: other.id, version: null }] },
    });
    // node A moves the case on from version 1
    const v2 = { ...v1, stage: 'registered' as const, version: 2 };
    await store().append([makeEvent({ aggregateId: v1.id, type: 'register' })], { incidents: [v2], expected: { incidents: [{ id: v1.id, version: 1 }] } });
    const before = await store().lastSeq();

    // node B still holds version 1 of the first case: its append (with a fine change to the other) is refused
    const stale = { ...v1, stage: 'closed' as const, version: 2 };
    const otherNext = { ...other, stage: 'registered' as const, version: 2 };
    const error = await refusal(
      store().append([makeEvent({ aggregateId: v1.id, type: 'close' }), makeEvent({ aggregateId: other.id, type: 'register' })], {
        incidents: [stale, otherNext],
        expected: { incidents: [{ id: v1.id, version: 1 }, { id: other.id, version: 1 }] },
      }),
    );
    expect(error.incidentIds).toEqual([v1.id]);
    expect(error.videoAlarmIds).toEqual([]);
    expect(await store().lastSeq()).toBe(before);
    expect(await store().getIncident(v1.id)).toEqual(v2);
    expect(await store().getIncident(other.id)).toEqual(other);
    expect(await store().readEvents({ aggregateId: other.id })).toHaveLength(1);
  });

  it('stale state: a row that exists where the node expected none (the same new case number on two nodes) is refused', async () => {
    const p = uniquePrefix('stale-new');
    const mine = makeIncident({ id: `${p}-E1`, title: 'node A' });
    await store().append([makeEvent({ aggregateId: mine.id })], { incidents: [mine], expected: { incidents: [{ id: mine.id, version: null }] } });
    const theirs = { ...mine, title: 'node B' };
    const error = await refusal(store().append([makeEvent({ aggregateId: mine.id })], { incidents: [theirs], expected: { incidents: [{ id: mine.id, version: null }] } }));
    expect(error.incidentIds).toEqual([mine.id]);
    expect(await store().getIncident(mine.id)).toEqual(mine);
    expect(await store().readEvents({ aggregateId: mine.id })).toHaveLength(1);
    // expecting a version of a row that is not there is stale too
    const ghost = makeIncident({ id: `${p}-ghost`, version: 2 });
    expect((await refusal(store().append([], { incidents: [ghost], expected: { incidents: [{ id: ghost.id, version: 1 }] } }))).incidentIds).toEqual([ghost.id]);
    expect(await store().getIncident(ghost.id)).toBeNull();
  });

  it('stale state: video alarm rows are checked the same way', async () => {
    const p = uniquePrefix('stale-alarm');
    const alarm = makeAlarm(`${p}-va`);
    await store().append([], { videoAlarms: [alarm], expected: { videoAlarms: [{ id: alarm.id, version: null }] } });
    const dismissed = { ...alarm, status: 'dismissed' as const, version: 2 };
    await store().append([], { videoAlarms: [dismissed], expected: { videoAlarms: [{ id: alarm.id, version: 1 }] } });
    const confirmed = { ...alarm, status: 'confirmed' as const, version: 2 };
    const error = await refusal(store().append([], { videoAlarms: [confirmed], expected: { videoAlarms: [{ id: alarm.id, version: 1 }] } }));
    expect(error.videoAlarmIds).toEqual([alarm.id]);
    expect(error.incidentIds).toEqual([]);
    const [stored] = (await store().loadVideoAlarms(T0 - 1)).filter((a) => a.id === alarm.id);
    expect(stored).toEqual(dismissed);
  });
}
