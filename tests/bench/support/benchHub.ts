/** A hub on the embedded store in `dir` (PGlite on disk, as `npm start` runs it), one generated district, no server. */
import { knownCategories } from '../../../server/domain/catalog';
import { defaultSlaPolicy } from '../../../server/domain/lifecycle';
import { generateCity } from '../../../server/geo/generateCity';
import { createGeoContext } from '../../../server/hub/createGeoContext';
import { Hub } from '../../../server/hub/hub';
import { silentLogger } from '../../../server/lib/log';
import { createStore } from '../../../server/store';

export async function openBenchHub(dir: string): Promise<Hub> {
  return Hub.open({
    store: await createStore({ dataDir: dir }),
    geo: createGeoContext(generateCity({ seed: 'bench', scale: 'district' })),
    policy: defaultSlaPolicy(),
    clock: Date.now,
    log: silentLogger,
    resumeBuffer: 50_000,
    memoryDays: 35,
    tzOffsetMinutes: 480,
    knownCategories: knownCategories(),
  });
}
