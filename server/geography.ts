/**
 * The geography a hub runs on: the generated demo city, or a deployment's own grid polygons
 * (GEO_FILE, or one imported into the data directory). A store remembers which one it was written
 * for, so that grid codes never mix.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RegionWithGeometry } from '@shared/schemas/region';
import type { Config } from './config';
import { generateCity, loadRegionsFromGeoJSON } from './geo';
import type { Logger } from './lib/log';
import { IMPORTED_GEOGRAPHY_FILE, importedGeographyStamp } from './import/tables/geography';
import type { Store } from './store/types';

interface GeographyStamp {
  source: string;
  seed?: string;
  scale?: string;
}

export function buildGeography(config: Pick<Config, 'GEO_FILE' | 'DATA_DIR' | 'SIM_SEED' | 'SIM_SCALE'>): { regions: RegionWithGeometry[]; stamp: GeographyStamp } {
  if (config.GEO_FILE) {
    return { regions: loadRegionsFromGeoJSON(JSON.parse(readFileSync(config.GEO_FILE, 'utf8'))), stamp: { source: config.GEO_FILE } };
  }
  // a geography imported into this data directory (npm run import -- geography), already checked and in WGS-84
  const imported = join(config.DATA_DIR, IMPORTED_GEOGRAPHY_FILE);
  if (existsSync(imported)) {
    const bytes = readFileSync(imported);
    return { regions: loadRegionsFromGeoJSON(JSON.parse(bytes.toString('utf8'))), stamp: importedGeographyStamp(bytes) };
  }
  return {
    regions: generateCity({ seed: config.SIM_SEED, scale: config.SIM_SCALE }),
    stamp: { source: 'generated', seed: config.SIM_SEED, scale: config.SIM_SCALE },
  };
}

/** a data directory written for one geography must not be read with another: the grid codes would not match */
export async function checkGeography(store: Store, stamp: GeographyStamp, log: Logger): Promise<void> {
  const held = await store.getMeta<GeographyStamp>('geography');
  if (!held) {
    await store.setMeta('geography', stamp);
    return;
  }
  // jsonb does not keep key order: compare field by field
  if (held.source !== stamp.source || held.seed !== stamp.seed || held.scale !== stamp.scale) {
    log.error('the store was written for another geography', { store: held, configured: stamp });
    throw new Error(
      `The data in the store belongs to another geography (${JSON.stringify(held)}), not the configured one (${JSON.stringify(stamp)}). ` +
        'Use another DATA_DIR or DATABASE_URL, or the settings it was written with.',
    );
  }
}

