import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const probe = fileURLToPath(new URL('./shapeProbe.ts', import.meta.url));

/**
 * The case store holds every log entry of every case for MEMORY_DAYS. On Node 20 an object made by
 * spreading another and adding a key gets a hidden class of its own nearly every time, and then
 * carries its own map and descriptors (~350 bytes more per entry, measured): the store's objects
 * must be built so that those of one kind share a few hidden classes (server/hub/sharedShapes.ts).
 */
describe('the case store shares hidden classes', () => {
  it('live and loaded incidents and log entries of 60 cases have a handful of shapes, not one each', () => {
    const out = execFileSync(process.execPath, ['--allow-natives-syntax', '--import', 'tsx', probe], { encoding: 'utf8', timeout: 120_000 });
    const shapes = JSON.parse(out.trim().split('\n').at(-1)!) as { cases: number; liveIncidents: number; liveEntries: number; loadedEntries: number };
    expect(shapes.cases).toBe(60);
    // 120 entries (reported, register with and without a note) and 60 incidents
    expect(shapes.liveEntries).toBeLessThanOrEqual(6);
    expect(shapes.liveIncidents).toBeLessThanOrEqual(6);
    expect(shapes.loadedEntries).toBeLessThanOrEqual(6);
  }, 120_000);
});
