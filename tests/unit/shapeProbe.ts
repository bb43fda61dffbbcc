/**
 * Run by sharedShapes.test.ts in a node of its own with --allow-natives-syntax (V8's %HaveSameMap
 * says whether two objects share a hidden class; no test runner should run with that flag): a hub
 * on an in-memory store takes reports and a loop step for each, then a second hub loads the same
 * store. Prints, as one JSON line, how many distinct hidden classes the case store's incidents and
 * log entries have, live and loaded.
 */
import { knownCategories } from '../../server/domain/catalog';
import { defaultSlaPolicy } from '../../server/domain/lifecycle';
import { generateCity } from '../../server/geo/generateCity';
import { createGeoContext } from '../../server/hub/createGeoContext';
import { Hub } from '../../server/hub/hub';
import { silentLogger } from '../../server/lib/log';
import { createPgliteStore } from '../../server/store/pgliteStore';
import { reportBody } from '../support/reportBodies';

const CASES = 60;
const sameMap = new Function('a', 'b', 'return %HaveSameMap(a, b)') as (a: object, b: object) => boolean;

/** hidden classes among `objects` (one representative of each, compared pairwise) */
function distinctShapes(objects: readonly object[]): number {
  const seen: object[] = [];
  for (const o of objects) if (!seen.some((s) => sameMap(s, o))) seen.push(o);
  return seen.length;
}

const city = generateCity({ seed: 'shapes', scale: 'district' });
const centers = city.filter((r) => r.level === 'grid').map((g) => g.center);
const store = await createPgliteStore({});
await store.migrate();
const open = () =>
  Hub.open({ store, geo: createGeoContext(city), policy: defaultSlaPolicy(), clock: Date.now, log: silentLogger, resumeBuffer: 1_000, memoryDays: 35, tzOffsetMinutes: 480, knownCategories: knownCategories() });

const hub = await open();
for (let i = 0; i < CASES; i++) {
  const { incident } = await hub.report(reportBody(i, centers, 'shape'));
  await hub.command(incident.id, { action: 'register', ...(i % 2 ? { note: '经核实，予以立案' } : {}) }, { actor: { kind: 'operator', id: 'op', name: '值班员' } });
}
const live = [...hub.incidents.values()];
const loaded = [...(await open()).incidents.values()];
process.stdout.write(
  `${JSON.stringify({
    cases: live.length,
    liveIncidents: distinctShapes(live.map((r) => r.incident)),
    liveEntries: distinctShapes(live.flatMap((r) => r.entries)),
    loadedEntries: distinctShapes(loaded.flatMap((r) => r.entries)),
  })}\n`,
);
await store.close();
