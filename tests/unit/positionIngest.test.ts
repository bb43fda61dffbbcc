import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { batchByteLength, encodePositionsBatch, MAX_BINARY_FIXES, readPositionsBatch } from '@shared/binary/positionsBatch';
import { HubError } from '@shared/errors';
import type { Patrol } from '@shared/schemas/patrol';
import { PositionIntake } from '../../server/hub/positionIntake';
import { PositionTracker } from '../../server/hub/positionTracker';

const NOW = Date.UTC(2026, 10, 25, 2, 0, 0);
/** the served area: around Ningbo */
const BBOX: [number, number, number, number] = [121.0, 29.5, 122.0, 30.2];

function roster(n: number): Patrol[] {
  return Array.from({ length: n }, (_, idx) => ({
    id: `p-${idx}`,
    idx,
    name: `网格员${idx}`,
    kind: 'worker',
    role: 'grid_manager',
    gridCode: 'g',
    status: 'on_duty',
    statusSince: NOW,
    lng: null,
    lat: null,
    fixAt: null,
  }));
}

function intake(n = 10) {
  const patrols = roster(n);
  const tracker = new PositionTracker(n);
  const it = new PositionIntake(new Map(patrols.map((p) => [p.id, p])), patrols, () => NOW, tracker, () => BBOX);
  return { intake: it, tracker };
}

/** the code of the HubError `run` throws */
function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof HubError) return error.code;
    throw error;
  }
  throw new Error('did not throw');
}

const good = [
  { idx: 0, lng: 121.55, lat: 29.87, at: NOW - 1000 },
  { idx: 3, lng: 121.56, lat: 29.88, at: NOW - 10 },
];

describe('binary position batch', () => {
  it('the reference encoder and the reader agree, to the micro-degree and the millisecond', () => {
    const cols = readPositionsBatch(encodePositionsBatch(good));
    expect(cols.count).toBe(2);
    expect([...cols.idx]).toEqual([0, 3]);
    expect([...cols.at]).toEqual([NOW - 1000, NOW - 10]);
    expect(cols.lng[1]).toBeCloseTo(121.56, 6);
    expect(encodePositionsBatch(good).byteLength).toBe(batchByteLength(2));
  });

  it('property: any fixes round-trip', () => {
    const fix = fc.record({
      idx: fc.integer({ min: 0, max: 0xffff_ffff }),
      lng: fc.integer({ min: -180_000_000, max: 180_000_000 }).map((v) => v / 1e6),
      lat: fc.integer({ min: -90_000_000, max: 90_000_000 }).map((v) => v / 1e6),
      dt: fc.integer({ min: -2_000_000_000, max: 2_000_000_000 }),
    });
    fc.assert(
      fc.property(fc.integer({ min: 2_000_000_000, max: 8_000_000_000_000 }), fc.array(fix, { minLength: 1, maxLength: 40 }), (base, list) => {
        const fixes = list.map(({ dt, ...f }) => ({ ...f, at: base + dt }));
        const cols = readPositionsBatch(encodePositionsBatch(fixes, base));
        fixes.forEach((f, i) => {
          expect(cols.idx[i]).toBe(f.idx);
          expect(cols.at[i]).toBe(f.at);
          expect(Math.abs(cols.lng[i]! - f.lng)).toBeLessThan(1e-9);
          expect(Math.abs(cols.lat[i]! - f.lat)).toBeLessThan(1e-9);
        });
      }),
    );
  });

  it('takes a good batch whole', () => {
    const { intake: i, tracker } = intake();
    expect(i.ingestBinary(encodePositionsBatch(good))).toEqual({ accepted: 2, ignored: 0 });
    expect(tracker.get(3)).toEqual({ lng: 121.56, lat: 29.88, at: NOW - 10 });
    expect(i.batches.binary).toEqual({ taken: 1, refused: 0 });
  });

  it('reads from an unaligned buffer', () => {
    const { intake: i } = intake();
    const bytes = encodePositionsBatch(good);
    const padded = Buffer.alloc(bytes.byteLength + 1);
    padded.set(bytes, 1);
    expect(i.ingestBinary(padded.subarray(1))).toEqual({ accepted: 2, ignored: 0 });
  });

  const broken: [string, (b: Uint8Array) => Uint8Array, string][] = [
    ['a body shorter than the header', () => new Uint8Array(10), 'VALIDATION_FAILED'],
    ['a wrong magic byte', (b) => ((b[0] = 0x50), b), 'VALIDATION_FAILED'],
    ['an unknown version', (b) => ((b[1] = 9), b), 'VALIDATION_FAILED'],
    ['a count that does not match the length', (b) => b.subarray(0, b.byteLength - 4), 'VALIDATION_FAILED'],
    ['trailing bytes', (b) => new Uint8Array([...b, 0, 0, 0, 0]), 'VALIDATION_FAILED'],
    ['a count of zero', () => encodePositionsBatch([], NOW), 'VALIDATION_FAILED'],
    ['a fractional base time', (b) => (new DataView(b.buffer, b.byteOffset).setFloat64(8, NOW + 0.5, true), b), 'VALIDATION_FAILED'],
    ['a negative base time', (b) => (new DataView(b.buffer, b.byteOffset).setFloat64(8, -1, true), b), 'VALIDATION_FAILED'],
    ['an unknown patrol idx', () => encodePositionsBatch([...good, { idx: 99, lng: 121.5, lat: 29.8, at: NOW }]), 'UNKNOWN_PATROL'],
    ['a fix at (0, 0)', () => encodePositionsBatch([...good, { idx: 1, lng: 0, lat: 0, at: NOW }]), 'VALIDATION_FAILED'],
    ['a fix outside the area', () => encodePositionsBatch([...good, { idx: 1, lng: 116.4, lat: 39.9, at: NOW }]), 'OUT_OF_AREA'],
    ['latitude and longitude swapped', () => encodePositionsBatch([...good, { idx: 1, lng: 29.8, lat: 121.5, at: NOW }]), 'OUT_OF_AREA'],
    ['a fix stamped an hour ahead', () => encodePositionsBatch([...good, { idx: 1, lng: 121.5, lat: 29.8, at: NOW + 3_600_000 }]), 'VALIDATION_FAILED'],
    ['a fix of two days ago', () => encodePositionsBatch([...good, { idx: 1, lng: 121.5, lat: 29.8, at: NOW - 2 * 86_400_000 }], NOW - 2 * 86_400_000), 'VALIDATION_FAILED'],
  ];
  for (const [what, spoil, code] of broken) {
    it(`refuses ${what} with ${code}, taking nothing`, () => {
      const { intake: i, tracker } = intake();
      expect(codeOf(() => i.ingestBinary(spoil(encodePositionsBatch(good))))).toBe(code);
      expect(tracker.get(0)).toBeNull();
      expect(tracker.drainDirty()).toEqual([]);
      expect(i.totals.accepted).toBe(0);
      expect(i.batches.binary.refused).toBe(1);
    });
  }

  it('a fix just inside the margin around the area is taken', () => {
    const { intake: i } = intake();
    expect(i.ingestBinary(encodePositionsBatch([{ idx: 1, lng: BBOX[2] + 0.19, lat: BBOX[1] - 0.19, at: NOW }])).accepted).toBe(1);
  });

  it('the margin is the deployment’s (POSITION_MARGIN_DEG): a border region with none refuses what 0.2° took', () => {
    const patrols = roster(2);
    const strict = new PositionIntake(new Map(patrols.map((p) => [p.id, p])), patrols, () => NOW, new PositionTracker(2), () => BBOX, 0);
    const justOutside = encodePositionsBatch([{ idx: 1, lng: BBOX[2] + 0.05, lat: BBOX[1] + 0.1, at: NOW }]);
    expect(codeOf(() => strict.ingestBinary(justOutside))).toBe('OUT_OF_AREA');
    expect(intake().intake.ingestBinary(justOutside).accepted).toBe(1);
    // a fix of 23 hours ago is still a fix (a terminal that reconnects after a day offline)
    expect(intake().intake.ingestBinary(encodePositionsBatch([{ idx: 1, lng: 121.5, lat: 29.8, at: NOW - 23 * 3_600_000 }], NOW - 23 * 3_600_000)).accepted).toBe(1);
  });

  it('refuses a batch over the maximum count in the header', () => {
    const b = encodePositionsBatch(good);
    new DataView(b.buffer).setUint32(4, MAX_BINARY_FIXES + 1, true);
    expect(codeOf(() => intake().intake.ingestBinary(b))).toBe('VALIDATION_FAILED');
  });
});

describe('columnar JSON position batch', () => {
  const body = () => ({ patrolIds: ['p-0', 'p-3'], lng: [121.55, 121.56], lat: [29.87, 29.88], at: [NOW - 1000, NOW - 10] });

  it('takes a good batch whole, and older fixes than held are ignored', () => {
    const { intake: i, tracker } = intake();
    expect(i.ingest(body())).toEqual({ accepted: 2, ignored: 0 });
    expect(tracker.get(0)).toEqual({ lng: 121.55, lat: 29.87, at: NOW - 1000 });
    expect(i.ingest({ ...body(), at: [NOW - 2000, NOW - 10] })).toEqual({ accepted: 1, ignored: 1 });
    expect(i.batches.columnar.taken).toBe(2);
  });

  const broken: [string, (b: ReturnType<typeof body>) => unknown, string][] = [
    ['a column that is not an array', (b) => ({ ...b, lat: 'x' }), 'VALIDATION_FAILED'],
    ['a missing column', ({ at: _at, ...rest }) => rest, 'VALIDATION_FAILED'],
    ['columns of different lengths', (b) => ({ ...b, lng: [121.55] }), 'VALIDATION_FAILED'],
    ['no fixes at all', () => ({ patrolIds: [], lng: [], lat: [], at: [] }), 'VALIDATION_FAILED'],
    ['a string where a number belongs', (b) => ({ ...b, lng: [121.55, '121.56'] }), 'VALIDATION_FAILED'],
    ['NaN smuggled as null', (b) => ({ ...b, lat: [29.87, null] }), 'VALIDATION_FAILED'],
    ['a longitude beyond 180', (b) => ({ ...b, lng: [121.55, 181] }), 'VALIDATION_FAILED'],
    ['a fractional time', (b) => ({ ...b, at: [NOW - 1000, NOW - 0.5] }), 'VALIDATION_FAILED'],
    ['an id that is not a string', (b) => ({ ...b, patrolIds: ['p-0', 3] }), 'VALIDATION_FAILED'],
    ['an unknown patrol', (b) => ({ ...b, patrolIds: ['p-0', 'ghost'] }), 'UNKNOWN_PATROL'],
    ['a fix at (0, 0)', (b) => ({ ...b, lng: [121.55, 0], lat: [29.87, 0] }), 'VALIDATION_FAILED'],
    ['a fix outside the area', (b) => ({ ...b, lng: [121.55, 116.4], lat: [29.87, 39.9] }), 'OUT_OF_AREA'],
    ['a fix stamped an hour ahead', (b) => ({ ...b, at: [NOW - 1000, NOW + 3_600_000] }), 'VALIDATION_FAILED'],
  ];
  for (const [what, spoil, code] of broken) {
    it(`refuses ${what} with ${code}, taking nothing`, () => {
      const { intake: i, tracker } = intake();
      expect(codeOf(() => i.ingest(spoil(body())))).toBe(code);
      expect(tracker.get(0)).toBeNull();
      expect(i.totals.accepted).toBe(0);
      expect(i.batches.columnar.refused).toBe(1);
    });
  }

  it('lists the wrong fields in details', () => {
    const { intake: i } = intake();
    try {
      i.ingest({ ...body(), lng: [200, 'x'] });
      throw new Error('did not throw');
    } catch (error) {
      expect((error as HubError).details).toEqual([
        { path: 'lng.0', message: expect.stringMatching(/-180 to 180/) },
        { path: 'lng.1', message: expect.stringMatching(/-180 to 180/) },
      ]);
    }
  });
});

describe('per-position JSON batch', () => {
  it('is held to the same area and (0, 0) rules', () => {
    const { intake: i, tracker } = intake();
    expect(codeOf(() => i.ingest({ positions: [{ patrolId: 'p-0', lng: 121.5, lat: 29.8, at: NOW }, { patrolId: 'p-1', lng: 0, lat: 0, at: NOW }] }))).toBe('VALIDATION_FAILED');
    expect(codeOf(() => i.ingest({ positions: [{ patrolId: 'p-1', lng: 2.35, lat: 48.85, at: NOW }] }))).toBe('OUT_OF_AREA');
    expect(tracker.get(0)).toBeNull();
    expect(i.ingest({ positions: [{ patrolId: 'p-0', lng: 121.5, lat: 29.8, at: NOW }] })).toEqual({ accepted: 1, ignored: 0 });
    expect(i.batches.json).toEqual({ taken: 1, refused: 2 });
  });
});
