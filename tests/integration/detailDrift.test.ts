/**
 * A wall keeps the detail of its last snapshot while its region fills up: when the region's current
 * cases pass the incidents limit by a quarter, the hub asks that wall (and only that wall) to take a
 * fresh snapshot, which then summarises the layer. The budget is made small so that a street plays
 * a district on a busy day.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '@shared/events';
import type { SubscribeRequest, SubscribeResult } from '@shared/schemas/live';
import { DETAIL_DRIFT } from '../../server/hub/snapshotLayers';
import { connectClient, nextEvent, signedInUser, startTestHub, testCity, type TestClient, type TestHub, type TestUser } from './harness';

const LIMIT = 8;
let t: TestHub;
let op: TestUser;
const sockets: TestClient[] = [];

beforeAll(async () => {
  t = await startTestHub({ fusion: 'off', snapshotBudget: { incidents: LIMIT, largeCases: 10_000 } });
  op = await signedInUser(t, 'op-drift', 'operator');
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await t.close();
});

function subscribe(socket: TestClient, region: string, extra: Partial<SubscribeRequest> = {}): Promise<SubscribeResult> {
  return new Promise((resolve, reject) => {
    socket.emit('subscribe', { protocolVersion: PROTOCOL_VERSION, region, layers: ['incidents'], ...extra }, (ack) => (ack.ok ? resolve(ack.data) : reject(new Error(`${ack.error}: ${ack.message}`))));
  });
}

async function report(lng: number, lat: number, k: number): Promise<void> {
  const res = await fetch(`${t.url}/api/incidents`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...op.headers },
    body: JSON.stringify({ source: 'patrol', category: 'sanitation', severity: 1, title: `堆放杂物${k}`, location: { lng, lat }, reporter: { kind: 'patrol', id: 'p-0' } }),
  });
  expect(res.status).toBe(201);
}

describe('a wall whose region outgrows its detail', () => {
  it('is asked to take a fresh snapshot, which summarises the layer; a wall elsewhere is not asked', async () => {
    const city = testCity();
    const [busy, quiet] = city.filter((r) => r.level === 'street');
    const grid = city.find((r) => r.level === 'grid' && t.hub.geo.isWithin(r.code, busy!.code))!;
    const wall = (await connectClient(t.url)).socket;
    const bystander = (await connectClient(t.url)).socket;
    sockets.push(wall, bystander);
    const first = await subscribe(wall, busy!.code);
    expect(first.mode === 'snapshot' && first.snapshot.detail.incidents).toBe('items');
    await subscribe(bystander, quiet!.code);

    const resync = nextEvent(wall, 'resync');
    const reports = Math.floor(LIMIT * DETAIL_DRIFT) + 1; // just past the drift
    for (let k = 0; k < reports; k++) await report(grid.center[0], grid.center[1], k);
    expect((await resync).reason).toMatch(busy!.code);

    // the bystander was never asked: a resync sent to it would have arrived before this answer
    let bystanderAsked = false;
    bystander.on('resync', () => (bystanderAsked = true));
    await subscribe(bystander, quiet!.code);
    expect(bystanderAsked).toBe(false);

    // resubscribing with what it holds: a snapshot, not a resume, now summarised
    const seq = t.hub.seq;
    const again = await subscribe(wall, busy!.code, { lastSeq: seq, detail: { incidents: 'items' } });
    expect(again.mode).toBe('snapshot');
    if (again.mode === 'snapshot') {
      expect(again.snapshot.detail.incidents).toBe('summary');
      expect(again.snapshot.incidents.length).toBeLessThanOrEqual(reports);
    }
  });
});
