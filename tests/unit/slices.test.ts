/** Slices of time and turns of the event loop (server/lib/slices.ts). */
import { describe, expect, it } from 'vitest';
import { forEachInSlices, forRangeInSlices, TurnTaker } from '../../server/lib/slices';

/** counts turns of the event loop: one setImmediate chain, one step per turn */
function turnCounter(): { now(): number; stop(): void } {
  let turns = 0;
  let running = true;
  const step = () => {
    turns++;
    if (running) setImmediate(step);
  };
  setImmediate(step);
  return { now: () => turns, stop: () => (running = false) };
}

describe('slices', () => {
  it('visit every item in order, giving the loop turns when a slice is used up', async () => {
    const turns = turnCounter();
    const seen: number[] = [];
    await forEachInSlices(Array.from({ length: 1000 }, (_, i) => i), (i) => seen.push(i), 0);
    const ranged: number[] = [];
    await forRangeInSlices(1000, (i) => ranged.push(i), 0);
    turns.stop();
    expect(seen).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(ranged).toEqual(seen);
    // a 0 ms slice ends at every check (every 64 items): the loop turned in between
    expect(turns.now()).toBeGreaterThan(10);
  });

  it('let callers through one per turn, in arrival order', async () => {
    const turns = turnCounter();
    const gate = new TurnTaker();
    const passed: { caller: number; turn: number }[] = [];
    // twenty callers arriving together, as twenty walls waiting on one snapshot
    await Promise.all(Array.from({ length: 20 }, (_, caller) => gate.take().then(() => passed.push({ caller, turn: turns.now() }))));
    turns.stop();
    expect(passed.map((p) => p.caller)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(new Set(passed.map((p) => p.turn)).size).toBe(20);
  });
});
