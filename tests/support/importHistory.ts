/**
 * History files for import tests, and what they should leave in the hub — worked out here from the
 * rows themselves, independently of the importer's parser and the hub's code, so a test (or the
 * statistics-vs-recomputation test) compares the hub with the file, not the hub with itself.
 */

/** one row of the one-row-per-case layout; times are ISO 8601 with an offset */
export interface CaseRow {
  ref: string;
  category: string;
  subcategory?: string;
  severity: number;
  source: string;
  lng: number;
  lat: number;
  address?: string;
  reported_at: string;
  registered_at?: string;
  rejected_at?: string;
  reject_reason?: 'invalid' | 'duplicate';
  duplicate_of?: string;
  dispatched_at?: string;
  department?: string;
  accepted_at?: string;
  handled_at?: string;
  verified_at?: string;
  closed_at?: string;
  /** the source system's own due time for the case (应结案时间) */
  due_at?: string;
}

export const CASE_COLUMNS: readonly (keyof CaseRow)[] = [
  'ref', 'category', 'subcategory', 'severity', 'source', 'lng', 'lat', 'address', 'reported_at', 'registered_at', 'rejected_at', 'reject_reason',
  'duplicate_of', 'dispatched_at', 'department', 'accepted_at', 'handled_at', 'verified_at', 'closed_at', 'due_at',
];

/** RFC 4180: fields with a comma, quote or line break are quoted, quotes doubled */
export function toCsv(rows: readonly object[], columns: readonly string[] = CASE_COLUMNS as readonly string[]): string {
  const cell = (v: unknown) => {
    const s = v === undefined || v === null ? '' : String(v);
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [columns.join(','), ...rows.map((r) => columns.map((c) => cell((r as Record<string, unknown>)[c])).join(','))].join('\r\n') + '\r\n';
}

export function toNdjson(rows: readonly object[]): string {
  return rows.map((r) => JSON.stringify(r)).join('\n') + '\n';
}

/** the step columns of a case row and the log entry each becomes, in the loop's order */
const STEP_OF: readonly [keyof CaseRow, string][] = [
  ['registered_at', 'register'],
  ['rejected_at', 'reject'],
  ['dispatched_at', 'dispatch'],
  ['accepted_at', 'accept'],
  ['handled_at', 'feedback'],
  ['verified_at', 'verify_pass'],
  ['closed_at', 'close'],
];

export interface ExpectedCase {
  ref: string;
  category: string;
  subcategory: string | null;
  severity: number;
  source: string;
  reportedAt: number;
  /** every step of the loop in order with its original time (epoch ms): reported first */
  steps: { type: string; at: number }[];
  /** the stage the case is in after its last step */
  stage: string;
  /** the due time as the file gives it, or null (the hub computes one from its limits then) */
  dueAt: number | null;
  department: string | null;
}

const STAGE_AFTER: Record<string, string> = {
  reported: 'reported',
  register: 'registered',
  reject: 'rejected',
  dispatch: 'dispatched',
  accept: 'handling',
  feedback: 'handled',
  verify_pass: 'verified',
  close: 'closed',
};

/** per case reference: the step times, stage and due time the hub should hold after the import */
export function expectedCases(rows: readonly CaseRow[]): Map<string, ExpectedCase> {
  const out = new Map<string, ExpectedCase>();
  for (const row of rows) {
    const steps = [{ type: 'reported', at: Date.parse(row.reported_at) }];
    for (const [column, type] of STEP_OF) {
      const value = row[column];
      if (typeof value === 'string' && value !== '') steps.push({ type, at: Date.parse(value) });
    }
    out.set(row.ref, {
      ref: row.ref,
      category: row.category,
      subcategory: row.subcategory ?? null,
      severity: row.severity,
      source: row.source,
      reportedAt: steps[0]!.at,
      steps,
      stage: STAGE_AFTER[steps[steps.length - 1]!.type]!,
      dueAt: row.due_at ? Date.parse(row.due_at) : null,
      department: row.dispatched_at ? (row.department ?? null) : null,
    });
  }
  return out;
}

/** ISO 8601 at +08:00 (how Chinese case systems export), from epoch ms */
export function iso8(at: number): string {
  const local = new Date(at + 8 * 3_600_000).toISOString().slice(0, 19);
  return `${local}+08:00`;
}

const CLASSES: readonly [string, string | undefined][] = [
  ['sanitation', '01-02'],
  ['sanitation', '01-04'],
  ['municipal_facility', '01-01'],
  ['traffic', '03-05'],
  ['dispute', '91-01'],
  ['safety_hazard', '92-02'],
  ['fire_safety', '94-02'],
  ['livelihood', undefined],
];
const SOURCES = ['patrol', 'hotline', 'sensor', 'department'] as const;
const DEPARTMENTS = ['城管执法中队', '环卫所', '市政养护处', '交警大队', '街道综治中心'];

/**
 * `n` cases reported over the `days` before `now`, at the given points (grid centres): most closed,
 * some rejected, the rest stopped at every open stage; every other registered case carries the
 * source system's due time. Deterministic: the same arguments give the same file.
 */
export function makeCaseRows(n: number, points: readonly [number, number][], now: number, opts: { days?: number; prefix?: string } = {}): CaseRow[] {
  const days = opts.days ?? 20;
  const rows: CaseRow[] = [];
  let seed = 12345;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const MIN = 60_000;
  for (let i = 0; i < n; i++) {
    const [category, subcategory] = CLASSES[i % CLASSES.length]!;
    const [lng, lat] = points[i % points.length]!;
    const reported = now - Math.floor((0.1 + rand() * (days - 0.2)) * 86_400_000);
    const row: CaseRow = {
      ref: `${opts.prefix ?? 'SZ'}${String(i + 1).padStart(7, '0')}`,
      category,
      ...(subcategory ? { subcategory } : {}),
      severity: 1 + (i % 7 === 0 ? 1 : 0),
      source: SOURCES[i % SOURCES.length]!,
      lng,
      lat,
      address: `测试路${i % 97}号`,
      reported_at: iso8(reported),
    };
    const fate = i % 20; // 0: rejected, 1..3: open at some stage, else closed
    if (fate === 0) {
      row.rejected_at = iso8(reported + 15 * MIN);
      row.reject_reason = 'invalid';
      rows.push(row);
      continue;
    }
    const times = [10, 20, 60, 24 * 60, 120, 30].map((m) => Math.round(m * (0.5 + rand())) * MIN);
    const stops = fate === 1 ? 2 : fate === 2 ? 3 : fate === 3 ? 4 : 6;
    let t = reported;
    const cols = ['registered_at', 'dispatched_at', 'accepted_at', 'handled_at', 'verified_at', 'closed_at'] as const;
    for (let k = 0; k < stops; k++) {
      t += times[k]!;
      if (t >= now - MIN) break;
      row[cols[k]!] = iso8(t);
    }
    if (row.dispatched_at) row.department = DEPARTMENTS[i % DEPARTMENTS.length]!;
    if (row.registered_at && i % 2 === 0) row.due_at = iso8(Date.parse(row.registered_at) + 5 * 86_400_000);
    rows.push(row);
  }
  return rows;
}
