/** A city's own data in (docs/import.md): the importer of each kind, wired to one hub. */
import type { Hub } from '../hub/hub';
import type { Logger } from '../lib/log';
import { Importer, type KindImporter } from './service';
import type { ImportKind } from './types';

export interface ImportSettings {
  /** the data directory (PGlite's parent): imported geography is written beside the store */
  dataDir?: string;
}

export function createImporter(deps: { hub: Hub; log: Logger; utcOffsetMinutes: number } & ImportSettings): Importer {
  const kinds: Partial<Record<ImportKind, KindImporter>> = {};
  return new Importer({ hub: deps.hub, log: deps.log, utcOffsetMinutes: deps.utcOffsetMinutes, knownCategories: deps.hub.opts.knownCategories, kinds });
}

export { Importer } from './service';
