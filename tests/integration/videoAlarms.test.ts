/**
 * The AI confirm queue through the real hub: a platform's alarms wait for a person; a wall sees
 * them arrive; an operator confirms one (a case, or a join to an open one) or dismisses it with a
 * reason, audited; refusals change nothing; precision per type is confirmed ÷ decided, recomputed
 * here from what the test decided.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION, type Ack } from '@shared/events';
import type { Incident } from '@shared/schemas/incident';
import type { AiPrecision, VideoAlarm } from '@shared/schemas/videoAlarm';
import { INGEST_HEADERS, connectClient, nextEvent, signedInUser, smallRoster, startTestHub, type TestClient, type TestHub, type TestUser } from './harness';

let now = Date.UTC(2026, 10, 24, 2, 0);
let t: TestHub;
let op: TestUser;
let opSocket: TestClient;
const cameras = smallRoster(6, now).cameras;

beforeAll(async () => {
  t = await startTestHub({ clock: () => now });
  const roster = smallRoster(6, now);
  await t.hub.loadRoster(roster.cameras, roster.patrols);
  op = await signedInUser(t, 'op-ai', 'operator');
  opSocket = (await connectClient(t.url, op.token)).socket;
});
afterAll(async () => {
  opSocket.close();
  await t.close();
});

async function raise(body: Record<string, unknown>) {
  const res = await fetch(`${t.url}/api/video-alarms`, { method: 'POST', headers: { ...INGEST_HEADERS, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as { alarm: VideoAlarm; error?: string } };
}

function decide(socket: TestClient, alarmId: string, decision: Record<string, unknown>): Promise<Ack<{ alarm: VideoAlarm; incident: Incident | null }>> {
  return new Promise((r) => socket.emit('videoAlarm:decide', { alarmId, decision: decision as never }, r));
}

const alarmOf = (camera: number, o: Record<string, unknown> = {}) => ({ cameraId: cameras[camera]!.id, alarmType: 'garbage', confidence: 0.87, snapshotUrl: 'http://vms.local/snap/1.jpg', ...o });

describe('the confirm queue', () => {
  it('takes a platform’s alarm into the queue, not the case list, once per platform id', async () => {
    const wall = (await connectClient(t.url)).socket;
    try {
      await new Promise<void>((resolve, reject) =>
        wall.emit('subscribe', { protocolVersion: PROTOCOL_VERSION, region: t.hub.geo.rootCode, layers: ['incidents'] }, (a) => (a.ok ? resolve() : reject(new Error(a.message)))),
      );
      const seen = nextEvent(wall, 'videoAlarm:updated');
      const casesBefore = t.hub.incidents.size;
      const first = await raise(alarmOf(0, { externalRef: 'VMS-0001' }));
      expect(first.status).toBe(201);
      expect(first.body.alarm).toMatchObject({ status: 'pending', cameraId: cameras[0]!.id, category: 'sanitation', subcategory: '01-02', confidence: 0.87, snapshotUrl: 'http://vms.local/snap/1.jpg' });
      expect((await seen).alarm.id).toBe(first.body.alarm.id);
      const again = await raise(alarmOf(0, { externalRef: 'VMS-0001' }));
      expect(again.status).toBe(200);
      expect(again.body.alarm.id).toBe(first.body.alarm.id);
      expect(t.hub.incidents.size).toBe(casesBefore);
      const snapshot = await new Promise<Ack<{ mode: string; snapshot?: { videoAlarms?: VideoAlarm[] } }>>((r) =>
        wall.emit('subscribe', { protocolVersion: PROTOCOL_VERSION, region: t.hub.geo.rootCode, layers: ['incidents'] }, r as never),
      );
      expect(snapshot.ok && snapshot.data.snapshot?.videoAlarms?.some((a) => a.id === first.body.alarm.id)).toBe(true);
    } finally {
      wall.close();
    }
  });

  it('refuses bad alarms with a clear code and stores nothing', async () => {
    const seq = await t.store.lastSeq();
    expect((await raise(alarmOf(0, { cameraId: 'cam-nowhere' }))).body.error).toBe('UNKNOWN_CAMERA');
    expect((await raise(alarmOf(0, { confidence: 1.5 }))).body.error).toBe('VALIDATION_FAILED');
    expect((await raise(alarmOf(0, { snapshotUrl: 'javascript:alert(1)' }))).body.error).toBe('VALIDATION_FAILED');
    expect((await raise(alarmOf(0, { alarmType: 'ufo' }))).body.error).toBe('VALIDATION_FAILED');
    expect(await t.store.lastSeq()).toBe(seq);
    const direct = await fetch(`${t.url}/api/incidents`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...op.headers },
      body: JSON.stringify({ source: 'video_ai', category: 'sanitation', severity: 1, title: 'x', location: { lng: cameras[0]!.lng, lat: cameras[0]!.lat }, reporter: { kind: 'camera', id: cameras[0]!.id } }),
    });
    expect(((await direct.json()) as { error: string; message: string }).message).toMatch(/confirm queue/);
  });

  it('confirms an alarm into a case, audited; a second alarm of the camera joins that case', async () => {
    now += 60_000;
    const a = (await raise(alarmOf(1))).body.alarm;
    const confirmed = await decide(opSocket, a.id, { action: 'confirm', severity: 2, note: '视频复核属实' });
    expect(confirmed).toMatchObject({ ok: true, data: { alarm: { status: 'confirmed', decidedBy: { id: 'op-ai' } }, incident: { source: 'video_ai', severity: 2, category: 'sanitation', stage: 'reported' } } });
    if (!confirmed.ok) return;
    const incident = confirmed.data.incident!;
    expect(confirmed.data.alarm.incidentId).toBe(incident.id);
    expect(await t.store.getIncident(incident.id)).toMatchObject({ reporter: { kind: 'camera', id: cameras[1]!.id } });

    now += 3 * 60_000;
    const b = (await raise(alarmOf(1))).body.alarm;
    const joined = await decide(opSocket, b.id, { action: 'confirm' });
    expect(joined).toMatchObject({ ok: true, data: { incident: { id: incident.id, reports: { count: 2, bySource: { video_ai: 2 } } } } });

    const audit = await t.store.readAudit({ actor: 'op-ai', limit: 10 });
    expect(audit.filter((r) => r.action === 'alarm_confirm').map((r) => r.subject)).toEqual([b.id, a.id]);
  });

  it('dismisses only with a reason; a decided alarm, a viewer and another region are refused', async () => {
    const c = (await raise(alarmOf(2, { alarmType: 'illegal_parking' }))).body.alarm;
    expect(await decide(opSocket, c.id, { action: 'dismiss' })).toMatchObject({ ok: false, error: 'VALIDATION_FAILED' });
    const viewer = await signedInUser(t, 'viewer-ai', 'viewer');
    const viewerSocket = (await connectClient(t.url, viewer.token)).socket;
    const elsewhere = t.hub.geo.children(t.hub.geo.path(cameras[2]!.gridCode)[1]!).find((s) => s.code !== t.hub.geo.path(cameras[2]!.gridCode)[2])!;
    const streetOp = await signedInUser(t, 'op-other-street', 'operator', elsewhere.code);
    const streetSocket = (await connectClient(t.url, streetOp.token)).socket;
    try {
      expect(await decide(viewerSocket, c.id, { action: 'confirm' })).toMatchObject({ ok: false, error: 'FORBIDDEN_ROLE' });
      expect(await decide(streetSocket, c.id, { action: 'confirm' })).toMatchObject({ ok: false, error: 'FORBIDDEN_REGION' });
    } finally {
      viewerSocket.close();
      streetSocket.close();
    }
    expect(t.hub.videoAlarms.get(c.id)?.status).toBe('pending');
    expect(await decide(opSocket, c.id, { action: 'dismiss', note: '识别对象为正常停放车辆' })).toMatchObject({ ok: true, data: { alarm: { status: 'dismissed', reason: '识别对象为正常停放车辆' }, incident: null } });
    expect(await decide(opSocket, c.id, { action: 'confirm' })).toMatchObject({ ok: false, error: 'ILLEGAL_TRANSITION' });
  });

  it('gives the precision per alarm type over seven days: confirmed ÷ decided', async () => {
    const d = (await raise(alarmOf(3))).body.alarm;
    await decide(opSocket, d.id, { action: 'dismiss', note: '误报' });
    // recomputed from this file's own decisions: garbage 2 confirmed + 1 dismissed (+1 pending), parking 1 dismissed
    const res = await fetch(`${t.url}/api/video-alarms?region=${t.hub.geo.rootCode}`);
    const { precision } = (await res.json()) as { precision: AiPrecision };
    const garbage = precision.byType.find((b) => b.alarmType === 'garbage')!;
    expect(garbage).toMatchObject({ confirmed: 2, dismissed: 1, pending: 1 });
    expect(garbage.precision).toBeCloseTo(2 / 3, 10);
    expect(precision.byType.find((b) => b.alarmType === 'illegal_parking')).toMatchObject({ confirmed: 0, dismissed: 1, precision: 0 });
    expect(precision.pending).toBe(1);
  });
});
