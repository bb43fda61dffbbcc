/**
 * The position relay between hub nodes (server/cluster): its batch codec round-trips and refuses
 * junk without throwing (fast-check), and the relay coalesces per patrol, keeps its marks while
 * Redis is away, holds back beyond its in-flight bound, ignores its own messages, skips patrols it
 * does not know and never samples a relayed fix.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Patrol } from '@shared/schemas/patrol';
import { decodeRelayBatch, encodeRelayBatch, MAX_RELAY_FIXES, RELAY_HEADER_BYTES, type RelayFix } from '../../server/cluster/relayCodec';
import { PositionRelay } from '../../server/cluster/positionRelay';
import { PositionTracker } from '../../server/hub/positionTracker';
import { silentLogger } from '../../server/lib/log';

const NOW = Date.UTC(2026, 11, 7, 2, 0, 0);

const fixArb = fc.record({
  patrolId: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/),
  lng: fc.double({ min: -180, max: 180, noNaN: true }),
  lat: fc.double({ min: -90, max: 90, noNaN: true }),
  at: fc.integer({ min: NOW - 24 * 3_600_000, max: NOW + 600_000 }),
});

describe('relay batch codec', () => {
  it('round-trips node, run, ids, times exactly and coordinates to 1e-7°', () => {
    fc.assert(
      fc.property(fc.array(fixArb, { minLength: 1, maxLength: 200 }), fc.string({ minLength: 1, maxLength: 40 }), fc.nat(), (fixes, node, run) => {
        const decoded = decodeRelayBatch(encodeRelayBatch(node, run, fixes));
        if (!decoded.ok) throw new Error(decoded.reason);
        const b = decoded.batch;
        expect(b.node).toBe(node);
        expect(b.run).toBe(run >>> 0);
        expect(b.patrolIds).toEqual(fixes.map((f) => f.patrolId));
        fixes.forEach((f, i) => {
          expect(b.at[i]).toBe(f.at);
          expect(Math.abs(b.lng[i]! - f.lng)).toBeLessThanOrEqual(0.6e-7);
          expect(Math.abs(b.lat[i]! - f.lat)).toBeLessThanOrEqual(0.6e-7);
        });
      }),
      { numRuns: 200 },
    );
  });

  it('never throws on junk, and refuses it with a reason', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (junk) => {
        const decoded = decodeRelayBatch(junk);
        if (!decoded.ok) expect(decoded.reason.length).toBeGreaterThan(0);
      }),
      { numRuns: 2_000 },
    );
  });

  it('never throws on a valid batch bent at any byte or cut anywhere; what it still accepts is a well-formed batch', () => {
    const body = encodeRelayBatch('node-a', 7, [
      { patrolId: 'p-1', lng: 121.5, lat: 29.8, at: NOW },
      { patrolId: 'p-22', lng: 121.6, lat: 29.9, at: NOW + 5 },
    ]);
    fc.assert(
      fc.property(fc.nat({ max: body.length - 1 }), fc.integer({ min: 0, max: 255 }), fc.nat({ max: body.length }), (at, byte, cut) => {
        const bent = body.slice(0, cut === 0 ? body.length : cut);
        if (at < bent.length) bent[at] = byte;
        const decoded = decodeRelayBatch(bent);
        if (decoded.ok) {
          expect(decoded.batch.patrolIds).toHaveLength(decoded.batch.count);
          for (let i = 0; i < decoded.batch.count; i++) expect(Math.abs(decoded.batch.lng[i]!)).toBeLessThanOrEqual(180);
        }
      }),
      { numRuns: 2_000 },
    );
  });

  it('refuses clearly: the wrong magic, a count beyond the bound, bytes after the end, an id that is not UTF-8', () => {
    const good = encodeRelayBatch('n', 1, [{ patrolId: 'p-1', lng: 121, lat: 29, at: NOW }]);
    const reason = (b: Uint8Array) => {
      const d = decodeRelayBatch(b);
      return d.ok ? 'accepted' : d.reason;
    };
    expect(reason(good)).toBe('accepted');
    expect(reason(Uint8Array.from([0x46, ...good.subarray(1)]))).toMatch(/magic/);
    const huge = good.slice();
    new DataView(huge.buffer).setUint32(8, MAX_RELAY_FIXES + 1, true);
    expect(reason(huge)).toMatch(/count/);
    expect(reason(Uint8Array.from([...good, 0]))).toMatch(/after the last patrol id/);
    const badUtf8 = good.slice();
    badUtf8[badUtf8.length - 1] = 0xff;
    expect(reason(badUtf8)).toMatch(/UTF-8/);
    expect(reason(new Uint8Array(RELAY_HEADER_BYTES - 1))).toMatch(/header/);
  });

  it('the encoder refuses what a sender must never make', () => {
    expect(() => encodeRelayBatch('n', 1, [])).toThrow(RangeError);
    expect(() => encodeRelayBatch('', 1, [{ patrolId: 'p', lng: 0, lat: 0, at: 0 }])).toThrow(RangeError);
    expect(() => encodeRelayBatch('n', 1, [{ patrolId: 'p', lng: 0, lat: 0, at: 0 }, { patrolId: 'q', lng: 0, lat: 0, at: 30 * 86_400_000 }])).toThrow(RangeError);
  });
});

function roster(n: number): Patrol[] {
  return Array.from({ length: n }, (_, idx) => ({ id: `p-${idx}`, idx, name: `网格员${idx}`, kind: 'worker', role: 'grid_manager', gridCode: 'g', status: 'on_duty', statusSince: NOW, lng: null, lat: null, fixAt: null }));
}

function node(name: string, patrols = roster(50)) {
  const tracker = new PositionTracker(patrols.length);
  const hub = { patrols: new Map(patrols.map((p) => [p.id, p])), patrolsByIdx: patrols, positions: tracker, now: () => NOW };
  const published: Buffer[] = [];
  const link = { ok: true, fail: false, hang: false, publish: (m: Buffer) => (published.push(m), link.fail ? Promise.reject(new Error('gone')) : link.hang ? new Promise(() => undefined) : Promise.resolve(1)) };
  const relay = new PositionRelay(hub, link, { nodeId: name, run: 1, log: silentLogger, maxInFlightBytes: 100_000 });
  return { tracker, relay, link, published };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('the relay', () => {
  it('sends each moved patrol once a tick with its newest fix; the other node takes it without sampling it; its own message is ignored', () => {
    const a = node('node-a');
    const b = node('node-b');
    for (const [lng, at] of [[121.1, NOW], [121.2, NOW + 1], [121.3, NOW + 2]] as const) {
      a.tracker.update(3, lng, 29.5, at);
      a.relay.mark(3);
    }
    a.relay.tick();
    expect(a.published).toHaveLength(1);
    const decoded = decodeRelayBatch(a.published[0]!);
    expect(decoded.ok && decoded.batch.patrolIds).toEqual(['p-3']);
    b.relay.receive(a.published[0]!);
    expect(b.tracker.get(3)).toEqual({ lng: 121.3, lat: 29.5, at: NOW + 2 });
    expect(b.tracker.drainDirty()).toEqual([3]);
    expect(b.tracker.drainForSampling()).toEqual([]);
    // Redis delivers a node's own message back to it
    a.relay.receive(a.published[0]!);
    expect(a.relay.counts.messagesReceived).toBe(0);
    a.relay.tick();
    expect(a.published).toHaveLength(1);
  });

  it('keeps its marks while Redis is away and sends each once when it is back; a publish that failed is marked again', async () => {
    const a = node('node-a');
    a.link.ok = false;
    for (let i = 0; i < 10; i++) {
      a.tracker.update(i, 121 + i / 100, 29.5, NOW);
      a.relay.mark(i);
      a.relay.mark(i);
    }
    a.relay.tick();
    expect(a.published).toHaveLength(0);
    expect(a.relay.pending).toBe(10);
    a.link.ok = true;
    a.link.fail = true;
    a.relay.tick();
    await flush();
    expect(a.relay.counts.publishFailed).toBe(1);
    expect(a.relay.pending).toBe(10);
    a.link.fail = false;
    a.relay.tick();
    const last = decodeRelayBatch(a.published.at(-1)!);
    expect(last.ok && last.batch.count).toBe(10);
  });

  it('holds back beyond its in-flight bound, counted, and sends the rest once Redis answered', () => {
    const patrols = roster(3 * MAX_RELAY_FIXES);
    const a = node('node-a', patrols);
    a.link.hang = true;
    for (const p of patrols) {
      a.tracker.update(p.idx, 121, 29.5, NOW);
      a.relay.mark(p.idx);
    }
    a.relay.tick();
    // one message of 16,384 fixes is over 100,000 bytes: the second waits
    expect(a.published).toHaveLength(1);
    expect(a.relay.counts.deferredTicks).toBe(1);
    expect(a.relay.pending).toBe(2 * MAX_RELAY_FIXES);
  });

  it('a fix no longer live (Redis away for a day) is not sent', () => {
    const a = node('node-a');
    a.tracker.update(1, 121, 29.5, NOW - 25 * 3_600_000);
    a.relay.mark(1);
    a.tracker.update(2, 121, 29.5, NOW);
    a.relay.mark(2);
    a.relay.tick();
    const sent = decodeRelayBatch(a.published[0]!);
    expect(sent.ok && sent.batch.patrolIds).toEqual(['p-2']);
  });

  it('a malformed message and a patrol it does not know are counted and dropped', () => {
    const b = node('node-b', roster(5));
    b.relay.receive(Buffer.from('not a batch'));
    b.relay.receive(Buffer.from(encodeRelayBatch('node-a', 1, [{ patrolId: 'p-99', lng: 121, lat: 29, at: NOW }, { patrolId: 'p-4', lng: 121, lat: 29, at: NOW }] as RelayFix[])));
    expect(b.relay.counts).toMatchObject({ malformed: 1, unknownPatrol: 1, fixesReceived: 1 });
    expect(b.tracker.get(4)).toEqual({ lng: 121, lat: 29, at: NOW });
  });
});
