/**
 * The five-colour risk map on the grid polygons, through feature-state keyed by grid code: a new
 * risk record touches only the grids whose level changed, never the geometry.
 */
export type RiskRecord = Readonly<Record<string, number>>;

export interface RiskUpdate {
  code: string;
  level: number;
}

function clampLevel(v: unknown): number {
  const n = typeof v === 'number' && Number.isFinite(v) ? Math.round(v) : 0;
  return Math.min(4, Math.max(0, n));
}

/** Grids whose level differs between two records; a grid that left the record is back to green (0). */
export function riskUpdates(prev: RiskRecord, next: RiskRecord): RiskUpdate[] {
  const out: RiskUpdate[] = [];
  for (const code of Object.keys(next)) {
    const level = clampLevel(next[code]);
    if (clampLevel(prev[code]) !== level) out.push({ code, level });
  }
  for (const code of Object.keys(prev)) {
    if (!(code in next) && clampLevel(prev[code]) !== 0) out.push({ code, level: 0 });
  }
  return out;
}

/** A frozen copy of a record, kept as "what the map shows now". */
export function snapshotRisk(record: RiskRecord): RiskRecord {
  const copy: Record<string, number> = {};
  for (const code of Object.keys(record)) copy[code] = clampLevel(record[code]);
  return Object.freeze(copy);
}
