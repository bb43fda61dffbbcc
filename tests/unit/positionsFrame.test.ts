import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BYTES_PER_POSITION,
  createPositionsFrame,
  decodePositionsFrame,
  encodePositionsFrame,
  FRAME_COMPLETE,
  frameByteLength,
  readPositionsFrame,
  type FramePosition,
} from '@shared/binary/positionsFrame';
import { PATROL_STATUSES } from '@shared/schemas/patrol';

describe('positions frame (version 2)', () => {
  const base = Date.UTC(2026, 10, 25, 1, 30, 0) + 123;
  const positions: FramePosition[] = [
    { idx: 0, lng: 121.549792, lat: 29.868388, status: 'on_duty', at: base - 3_217 },
    { idx: 4_999, lng: 121.0, lat: -29.5, status: 'responding', at: base },
    { idx: 123_456, lng: -179.999999, lat: 89.999999, status: 'offline', at: base - 600_001 },
    { idx: 0xffff_fffe, lng: 180, lat: -90, status: 'off_duty', at: base + 4_000 },
  ];

  it('round-trips every field within a micro-degree, and fix times to the millisecond', () => {
    const decoded = decodePositionsFrame(encodePositionsFrame(42, base, positions));
    expect(decoded.version).toBe(2);
    expect(decoded.tick).toBe(42);
    expect(decoded.baseTime).toBe(base);
    expect(decoded.complete).toBe(false);
    expect(decoded.positions).toHaveLength(positions.length);
    decoded.positions.forEach((p, i) => {
      const want = positions[i]!;
      expect(p.idx).toBe(want.idx);
      expect(Math.abs(p.lng - want.lng)).toBeLessThanOrEqual(5e-7);
      expect(Math.abs(p.lat - want.lat)).toBeLessThanOrEqual(5e-7);
      expect(p.status).toBe(want.status);
      // an old fix (10 min) and one stamped after the base time keep their exact times
      expect(p.at).toBe(want.at);
    });
  });

  it('clamps ages beyond about 24.8 days instead of wrapping', () => {
    const long = [{ idx: 1, lng: 121, lat: 29, status: 'on_duty' as const, at: base - 40 * 86_400_000 }];
    const cols = readPositionsFrame(encodePositionsFrame(1, base, long));
    expect(cols.ageMs[0]).toBe(0x7fff_ffff);
    const ahead = [{ idx: 1, lng: 121, lat: 29, status: 'on_duty' as const, at: base + 40 * 86_400_000 }];
    expect(readPositionsFrame(encodePositionsFrame(1, base, ahead)).ageMs[0]).toBe(-0x7fff_ffff);
  });

  it('carries the complete flag and a wrapped tick', () => {
    const decoded = decodePositionsFrame(encodePositionsFrame(2 ** 32 + 5, base, positions, FRAME_COMPLETE));
    expect(decoded.complete).toBe(true);
    expect(decoded.tick).toBe(5);
  });

  it('spends at most 20 bytes a position', () => {
    expect(BYTES_PER_POSITION).toBeLessThanOrEqual(20);
    expect(encodePositionsFrame(1, base, positions).byteLength).toBe(frameByteLength(positions.length));
    expect(encodePositionsFrame(1, base, []).byteLength).toBe(frameByteLength(0));
  });

  it('reads a frame from an unaligned Node buffer', () => {
    const frame = new Uint8Array(encodePositionsFrame(7, base, positions));
    const padded = new Uint8Array(frame.byteLength + 3);
    padded.set(frame, 3);
    const decoded = decodePositionsFrame(padded.subarray(3));
    expect(decoded.positions.map((p) => p.idx)).toEqual(positions.map((p) => p.idx));
    expect(decoded.positions.map((p) => p.at)).toEqual(positions.map((p) => p.at));
  });

  it('refuses a frame that is not one, a truncated one and an unknown version', () => {
    expect(() => decodePositionsFrame(new Uint8Array(20))).toThrow(/not a positions frame/);
    const frame = new Uint8Array(encodePositionsFrame(7, base, positions));
    expect(() => decodePositionsFrame(frame.subarray(0, 30))).toThrow(/truncated/);
    const future = frame.slice();
    future[1] = 3;
    expect(() => decodePositionsFrame(future)).toThrow(/version 3 not supported/);
  });

  it('still reads a version-1 frame (whole seconds)', () => {
    // 16-byte header, then u32 idx, i32 lng, i32 lat, u8 status, u8 age in seconds
    const buf = new ArrayBuffer(16 + 14);
    const v = new DataView(buf);
    v.setUint8(0, 0x50);
    v.setUint8(1, 1);
    v.setUint32(4, 9, true);
    v.setUint32(8, 1_795_570_200, true);
    v.setUint32(12, 1, true);
    v.setUint32(16, 77, true);
    v.setInt32(20, 121_500_000, true);
    v.setInt32(24, 29_800_000, true);
    v.setUint8(28, 2);
    v.setUint8(29, 3);
    const decoded = decodePositionsFrame(buf);
    expect(decoded.version).toBe(1);
    expect(decoded.positions[0]).toEqual({ idx: 77, lng: 121.5, lat: 29.8, status: 'responding', at: (1_795_570_200 - 3) * 1000 });
  });

  it('a frame written by columns reads back the same', () => {
    const w = createPositionsFrame(3, base, 1);
    w.idx[0] = 5;
    w.lngE6[0] = 121_000_001;
    w.latE6[0] = 29_000_002;
    w.ageMs[0] = 250;
    w.status[0] = 1;
    expect(decodePositionsFrame(w.buffer).positions[0]).toEqual({ idx: 5, lng: 121.000001, lat: 29.000002, status: 'on_duty', at: base - 250 });
  });

  it('property: any positions round-trip (times exact within ±24 days of the base)', () => {
    const position = fc.record({
      idx: fc.integer({ min: 0, max: 0xffff_fffe }),
      lng: fc.double({ min: -180, max: 180, noNaN: true }),
      lat: fc.double({ min: -90, max: 90, noNaN: true }),
      status: fc.constantFrom(...PATROL_STATUSES),
      age: fc.integer({ min: -2_000_000_000, max: 2_000_000_000 }),
    });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.integer({ min: 2_100_000_000, max: 8_000_000_000_000 }), fc.array(position, { maxLength: 50 }), (tick, baseMs, list) => {
        const input = list.map(({ age, ...p }) => ({ ...p, at: baseMs - age }));
        const decoded = decodePositionsFrame(encodePositionsFrame(tick, baseMs, input));
        expect(decoded.tick).toBe(tick);
        expect(decoded.baseTime).toBe(baseMs);
        expect(decoded.positions).toHaveLength(input.length);
        decoded.positions.forEach((p, i) => {
          const want = input[i]!;
          expect(p.idx).toBe(want.idx);
          expect(p.status).toBe(want.status);
          expect(p.at).toBe(want.at);
          expect(Math.abs(p.lng - want.lng)).toBeLessThanOrEqual(5e-7 + 1e-12);
          expect(Math.abs(p.lat - want.lat)).toBeLessThanOrEqual(5e-7 + 1e-12);
        });
      }),
    );
  });
});
