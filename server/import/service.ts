/**
 * The importer behind POST /api/import/:kind and `npm run import`: one import at a time per hub
 * (a second is refused with IMPORT_BUSY rather than interleaved), each kind read, checked whole and
 * only then applied, and every import audited — who, which file, how many rows, and the outcome.
 */
import { HubError } from '@shared/errors';
import type { ImportQuery } from '@shared/schemas/import';
import type { Principal } from '../hub/audit';
import type { Hub } from '../hub/hub';
import type { Logger } from '../lib/log';
import { importHistory } from './history/importHistory';
import type { FileInput } from './rows';
import type { ImportKind, ImportProgress, ImportResult } from './types';

export interface ImporterDeps {
  hub: Hub;
  log: Logger;
  /** the centre's UTC offset: local times without an offset are read in it */
  utcOffsetMinutes: number;
  /** the category codes reports may use (the running hub's table) */
  knownCategories: ReadonlySet<string>;
  /** extra kinds (categories, geography, rosters), each added by its own module */
  kinds?: Partial<Record<ImportKind, KindImporter>>;
}

export type KindImporter = (input: FileInput, query: ImportQuery, onProgress: (p: ImportProgress) => void) => Promise<ImportResult>;

export class Importer {
  private running: string | null = null;
  /** why this hub takes no more imports until it restarts (a new geography waits for it) */
  private held: string | null = null;

  constructor(private readonly deps: ImporterDeps) {}

  get busy(): boolean {
    return this.running !== null;
  }

  holdUntilRestart(why: string): void {
    this.held = why;
  }

  async run(kind: ImportKind, input: FileInput, query: ImportQuery, by: Principal, onProgress: (p: ImportProgress) => void = () => {}): Promise<ImportResult> {
    if (this.running) throw new HubError('IMPORT_BUSY', `Another import (${this.running}) is running on this hub; wait for it to finish and try again.`);
    if (this.held) throw new HubError('IMPORT_BUSY', `This hub takes no imports until it restarts: ${this.held}.`);
    this.running = `${kind}${query.file ? ` ${query.file}` : ''} by ${by.user.username}`;
    const progress = throttled(onProgress);
    try {
      const result = await this.dispatch(kind, input, query, progress);
      await this.audit(by, kind, query, { ok: result });
      this.deps.log.info('import done', { kind, file: query.file ?? null, by: by.user.username, rows: result.rows, changed: result.changed, unchanged: result.unchanged, ms: result.ms });
      return result;
    } catch (error) {
      await this.audit(by, kind, query, { error });
      throw error;
    } finally {
      this.running = null;
    }
  }

  private dispatch(kind: ImportKind, input: FileInput, query: ImportQuery, progress: (p: ImportProgress) => void): Promise<ImportResult> {
    if (kind === 'history') {
      const format = query.format ?? 'csv';
      if (format === 'json') throw new HubError('VALIDATION_FAILED', 'History comes as CSV or NDJSON (format=csv or format=ndjson).');
      return importHistory(this.deps.hub, input, {
        format,
        system: query.system ?? 'import',
        crs: query.crs ?? 'wgs84',
        utcOffsetMinutes: this.deps.utcOffsetMinutes,
        knownCategories: this.deps.knownCategories,
        onProgress: progress,
      });
    }
    const importer = this.deps.kinds?.[kind];
    if (!importer) throw new HubError('NOT_FOUND', `This hub cannot import ${kind} yet.`);
    return importer(input, query, progress);
  }

  /** one audit row per import, accepted or refused; a failing audit never hides the import's own outcome */
  private async audit(by: Principal, kind: ImportKind, query: ImportQuery, outcome: { ok: ImportResult } | { error: unknown }): Promise<void> {
    const hub = this.deps.hub;
    const refused = 'error' in outcome ? (outcome.error instanceof HubError ? outcome.error : new HubError('INTERNAL')) : null;
    const summary = 'ok' in outcome ? `${outcome.ok.rows} rows: ${outcome.ok.message}` : null;
    try {
      await hub.store.appendAudit([
        {
          at: hub.now(),
          actor: by.user.username,
          role: by.user.role,
          client: by.client,
          action: `import_${kind}`,
          outcome: refused ? 'refused' : 'ok',
          error: refused?.code ?? null,
          message: refused?.message.slice(0, 500) ?? null,
          incidentId: null,
          subject: (query.file ?? `${kind} file`).slice(0, 200),
          stageBefore: null,
          stageAfter: null,
          reason: summary?.slice(0, 500) ?? null,
          stepMs: null,
          regionPath: hub.geo.get(by.user.regionCode) ? hub.geo.path(by.user.regionCode) : [hub.geo.rootCode],
        },
      ]);
    } catch (error) {
      this.deps.log.error('audit of an import failed', { error: String(error) });
    }
  }
}

/** progress at most every 250 ms, and at every change of phase */
function throttled(report: (p: ImportProgress) => void): (p: ImportProgress) => void {
  let last = 0;
  let phase = '';
  return (p) => {
    const now = performance.now();
    if (p.phase === phase && now - last < 250 && p.done !== p.total) return;
    last = now;
    phase = p.phase;
    report(p);
  };
}
