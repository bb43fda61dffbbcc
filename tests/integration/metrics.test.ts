/**
 * /metrics: Prometheus' text format with the hub's own gauges and counters beside the process
 * defaults, each moved by what the test did (a report written, fixes posted, a wall subscribed);
 * readable as the wall is — on this machine without signing in, refused when anonymity is off.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION, type Ack } from '@shared/events';
import type { SubscribeResult } from '@shared/schemas/live';
import { INGEST_HEADERS, connectClient, grids, smallRoster, startTestHub, type TestHub } from './harness';

let t: TestHub;
beforeAll(async () => {
  t = await startTestHub({ fusion: 'off' });
  const roster = smallRoster(10, Date.now());
  await t.hub.loadRoster(roster.cameras, roster.patrols);
});
afterAll(() => t.close());

/** the value of one sample line, e.g. gcw_positions_total{outcome="accepted"} */
function sample(text: string, name: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.slice(name.length + 1));
}

describe('/metrics', () => {
  it('counts what the hub did: store calls, deltas, positions, subscriptions, the queue and the process', async () => {
    const before = await (await fetch(`${t.url}/metrics`)).text();
    const [lng, lat] = grids()[0]!.center;
    await t.hub.report({ source: 'hotline', category: 'sanitation', severity: 1, title: '垃圾满溢', location: { lng, lat }, reporter: { kind: 'citizen' } });
    const patrol = [...t.hub.patrols.values()][0]!;
    const posted = await fetch(`${t.url}/api/positions`, {
      method: 'POST',
      headers: { ...INGEST_HEADERS, 'content-type': 'application/json' },
      body: JSON.stringify({ positions: [{ patrolId: patrol.id, lng, lat, at: Date.now() }] }),
    });
    expect(posted.status).toBe(202);
    const { socket, rootRegion } = await connectClient(t.url);
    try {
      const ack = await new Promise<Ack<SubscribeResult>>((r) => socket.emit('subscribe', { protocolVersion: PROTOCOL_VERSION, region: rootRegion, layers: ['incidents', 'stats'] }, r));
      expect(ack.ok).toBe(true);
      const res = await fetch(`${t.url}/metrics`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/text\/plain/);
      const text = await res.text();
      const grew = (name: string) => (sample(text, name) ?? 0) - (sample(before, name) ?? 0);
      expect(grew('gcw_deltas_published_total{layer="incidents"}')).toBeGreaterThanOrEqual(1);
      expect(grew('gcw_store_call_seconds_count{call="append"}')).toBeGreaterThanOrEqual(1);
      expect(grew('gcw_positions_total{outcome="accepted"}')).toBe(1);
      expect(grew('gcw_group_commits_total')).toBe(1); // the report, alone in its transaction
      expect(grew('gcw_group_commit_changes_total')).toBe(1);
      expect(sample(text, `gcw_subscribers{region="${rootRegion}",layer="incidents"}`)).toBe(1);
      expect(sample(text, 'gcw_connected_clients')).toBeGreaterThanOrEqual(1);
      expect(sample(text, 'gcw_command_queue_depth')).toBe(0);
      expect(sample(text, 'gcw_seq')).toBe(t.hub.seq);
      expect(sample(text, 'gcw_process_resident_memory_bytes')).toBeGreaterThan(0);
      expect(text).toMatch(/^gcw_nodejs_eventloop_lag_p99_seconds /m);
      // the snapshot answered: its size as encoded, the ack's JSON plus Socket.IO's few bytes of framing
      const level = ack.ok && ack.data.mode === 'snapshot' ? ack.data.snapshot.region.level : 'none';
      expect(grew(`gcw_snapshot_bytes_count{level="${level}"}`)).toBe(1);
      const encoded = Buffer.byteLength(JSON.stringify([ack]));
      expect(grew(`gcw_snapshot_bytes_sum{level="${level}"}`)).toBeGreaterThanOrEqual(encoded);
      expect(grew(`gcw_snapshot_bytes_sum{level="${level}"}`)).toBeLessThan(encoded + 16);

      // a compressed answer counts the JSON it carries (its packet holds only references to the parts)
      const gz = await new Promise<Ack<SubscribeResult>>((r) => socket.emit('subscribe', { protocolVersion: PROTOCOL_VERSION, region: rootRegion, layers: ['incidents', 'stats'], snapshotEncoding: 'gzip' }, r));
      if (!gz.ok || gz.data.mode !== 'snapshot-gzip') throw new Error('expected a compressed snapshot');
      const after = await (await fetch(`${t.url}/metrics`)).text();
      const grewSince = (name: string) => (sample(after, name) ?? 0) - (sample(text, name) ?? 0);
      expect(grewSince(`gcw_snapshot_bytes_count{level="${level}"}`)).toBe(1);
      expect(grewSince(`gcw_snapshot_bytes_sum{level="${level}"}`)).toBe(gz.data.jsonBytes);
    } finally {
      socket.close();
    }
  });

  it('is refused without signing in when anonymous reading is off', async () => {
    const closed = await startTestHub({ anonymous: 'off' });
    try {
      const res = await fetch(`${closed.url}/metrics`);
      expect(res.status).toBe(401);
      expect(((await res.json()) as { error: string }).error).toBe('AUTH_REQUIRED');
    } finally {
      await closed.close();
    }
  });
});
