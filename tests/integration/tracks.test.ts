/**
 * Track sampling for playback: every patrol that moved is written, in chunks with a turn of the
 * event loop between (one transaction for every moved patrol held the loop for seconds at
 * province scale), and the next sample writes only those that moved again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleTracks } from '../../server/hub/maintenance';
import { smallRoster, startTestHub, type TestHub } from './harness';

let t: TestHub;
beforeAll(async () => {
  t = await startTestHub();
  const roster = smallRoster(40, Date.now());
  await t.hub.loadRoster(roster.cameras, roster.patrols);
});
afterAll(() => t.close());

describe('sampleTracks', () => {
  it('writes every moved patrol in chunks, giving the event loop a turn between them', async () => {
    const patrols = [...t.hub.patrols.values()];
    expect(patrols.length).toBe(80);
    const at = Date.now() - 1_000;
    t.hub.ingestPositions({ positions: patrols.map((p, i) => ({ patrolId: p.id, lng: 121.5 + i * 1e-4, lat: 29.8, at })) });
    let turns = 0;
    const ticker = setInterval(() => turns++, 0);
    const written = await sampleTracks(t.hub, 7); // 12 writes
    clearInterval(ticker);
    expect(written).toBe(80);
    expect(turns).toBeGreaterThan(0);
    for (const p of [patrols[0]!, patrols[41]!, patrols[79]!]) {
      expect(await t.store.readTrackSamples(p.id, at - 1, at + 1), p.id).toHaveLength(1);
    }
    // nothing moved since: nothing written
    expect(await sampleTracks(t.hub, 7)).toBe(0);
    t.hub.ingestPositions({ positions: [{ patrolId: patrols[3]!.id, lng: 121.6, lat: 29.9, at: at + 500 }] });
    expect(await sampleTracks(t.hub, 7)).toBe(1);
  });
});
