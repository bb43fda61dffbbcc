/** A city's own data in (docs/import.md): the importer of each kind, wired to one hub. */
import { HubError } from '@shared/errors';
import type { Hub } from '../hub/hub';
import type { Logger } from '../lib/log';
import { Importer, type KindImporter } from './service';
import { importCategories } from './tables/categories';
import { importGeography } from './tables/geography';
import { importCameras, importPatrols } from './tables/roster';
import type { ImportKind } from './types';

export interface ImportSettings {
  /** the data directory (PGlite's parent): imported geography is written beside the store */
  dataDir?: string;
  /** GEO_FILE, when the deployment names its geography file itself (a geography import is refused then) */
  geoFile?: string;
}

export function createImporter(deps: { hub: Hub; log: Logger; utcOffsetMinutes: number } & ImportSettings): Importer {
  const { hub } = deps;
  const kinds: Partial<Record<ImportKind, KindImporter>> = {
    categories: (input, query) => {
      if (query.format === 'ndjson') throw new HubError('VALIDATION_FAILED', 'A category table comes as CSV or JSON (format=csv or format=json).');
      const inUse = new Set<string>();
      for (const { incident } of hub.incidents.values()) inUse.add(incident.category);
      return importCategories(hub.store, input, query.format ?? 'csv', inUse);
    },
    geography: async (input, query) => {
      if (query.format === 'csv') throw new HubError('VALIDATION_FAILED', 'Regions come as GeoJSON: a FeatureCollection (format=json) or one Feature per line (format=ndjson).');
      const result = await importGeography(
        { store: hub.store, ...(deps.dataDir ? { dataDir: deps.dataDir } : {}), ...(deps.geoFile ? { geoFile: deps.geoFile } : {}), userRegions: () => hub.store.listUsers() },
        input,
        query.format ?? 'json',
        query.crs ?? 'wgs84',
      );
      if (result.changed > 0) importer.holdUntilRestart('a new geography was imported; restart the hub before importing anything else');
      return result;
    },
    cameras: (input, query, onProgress) => importCameras(hub, input, { format: rowFormat(query.format, 'cameras'), crs: query.crs ?? 'wgs84', onProgress }),
    patrols: (input, query, onProgress) => importPatrols(hub, input, { format: rowFormat(query.format, 'patrols'), crs: 'wgs84', onProgress }),
  };
  const importer = new Importer({ hub: deps.hub, log: deps.log, utcOffsetMinutes: deps.utcOffsetMinutes, knownCategories: deps.hub.opts.knownCategories, kinds });
  return importer;
}

function rowFormat(format: string | undefined, kind: string): 'csv' | 'ndjson' {
  if (format === 'json') throw new HubError('VALIDATION_FAILED', `A ${kind} list comes as CSV or NDJSON (format=csv or format=ndjson).`);
  return format === 'ndjson' ? 'ndjson' : 'csv';
}

export { Importer } from './service';
