import { describe, expect, it } from 'vitest';
import {
  BYTES_PER_POSITION,
  decodePositionsFrame,
  encodePositionsFrame,
  frameByteLength,
  type FramePosition,
} from '@shared/binary/positionsFrame';

describe('positions frame', () => {
  const base = Date.UTC(2026, 10, 25, 1, 30, 0);
  const positions: FramePosition[] = [
    { idx: 0, lng: 121.549792, lat: 29.868388, status: 'on_duty', at: base - 3000 },
    { idx: 4_999, lng: 121.0, lat: -29.5, status: 'responding', at: base },
    { idx: 123_456, lng: -179.999999, lat: 89.999999, status: 'offline', at: base - 600_000 },
  ];

  it('round-trips every field within a micro-degree and a second', () => {
    const frame = encodePositionsFrame(42, base, positions);
    const decoded = decodePositionsFrame(frame);
    expect(decoded.tick).toBe(42);
    expect(decoded.positions).toHaveLength(3);
    decoded.positions.forEach((p, i) => {
      const want = positions[i]!;
      expect(p.idx).toBe(want.idx);
      expect(Math.abs(p.lng - want.lng)).toBeLessThanOrEqual(5e-7);
      expect(Math.abs(p.lat - want.lat)).toBeLessThanOrEqual(5e-7);
      expect(p.status).toBe(want.status);
    });
    expect(decoded.positions[0]!.at).toBe(base - 3000);
    // ages are capped at 255 s
    expect(decoded.positions[2]!.at).toBe(base - 255_000);
  });

  it('spends at most 20 bytes a position', () => {
    expect(BYTES_PER_POSITION).toBeLessThanOrEqual(20);
    expect(encodePositionsFrame(1, base, positions).byteLength).toBe(frameByteLength(3));
  });

  it('reads a frame from an unaligned Node buffer', () => {
    const frame = new Uint8Array(encodePositionsFrame(7, base, positions));
    const padded = new Uint8Array(frame.byteLength + 3);
    padded.set(frame, 3);
    const decoded = decodePositionsFrame(padded.subarray(3));
    expect(decoded.positions.map((p) => p.idx)).toEqual([0, 4_999, 123_456]);
  });

  it('refuses a frame that is not one', () => {
    expect(() => decodePositionsFrame(new Uint8Array(16))).toThrow(/not a positions frame/);
    const frame = new Uint8Array(encodePositionsFrame(7, base, positions));
    expect(() => decodePositionsFrame(frame.subarray(0, 30))).toThrow(/truncated/);
  });
});
