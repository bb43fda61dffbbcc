/**
 * The category tree with its time limits (GB/T 30428.2-style `MM-SS` minor classes under a major
 * class), from CSV or JSON, validated into the CategoryTableSchema the hub runs on and kept in the
 * store (meta `catalog.table`). The running hub keeps the table it started with: its policy, the
 * categories reports may use and the catalogue walls were sent all change together at the next
 * start (server/index.ts reads the stored table), never half-way through a shift.
 *
 * CSV: one row per class — `code,parent,zh,en,reported,registered,dispatched,handling,handled,verified`.
 * A major class has no parent and a lowercase code (`sanitation`); a minor class names its parent
 * and has an `MM-SS` code; a row with code `*` holds the default limits of every stage. Empty limit
 * cells inherit (minor → major → default).
 */
import { TIMED_STAGES } from '@shared/schemas/incident';
import { CategoryTableSchema, type CategoryTable, type CategoryTableInput } from '../../domain/catalog';
import type { Store } from '../../store/types';
import { hashOf } from '../../hub/authorise';
import { RowReader } from '../fields';
import { fileRefusal, RowProblems } from '../problems';
import { bounded, readRows, type FileInput } from '../rows';
import type { ImportResult } from '../types';
import { parseLimit } from './limitText';

export const CATEGORY_TABLE_META = 'catalog.table';
const LIMITS = { maxBytes: 8 * 1_048_576, maxRows: 50_000, what: 'category table' };

type Stage = (typeof TIMED_STAGES)[number];

/** the table a deployment imported, or null when it runs on the shipped one */
export async function storedCategoryTable(store: Store): Promise<CategoryTable | null> {
  const held = await store.getMeta<{ table: unknown }>(CATEGORY_TABLE_META);
  if (!held) return null;
  const parsed = CategoryTableSchema.safeParse(held.table);
  // a table is validated before it is stored; one that no longer parses (an older schema) is a startup error worth naming
  if (!parsed.success) throw new Error(`The category table in the store (meta ${CATEGORY_TABLE_META}) is not valid any more: ${parsed.error.issues[0]?.message}. Import it again.`);
  return parsed.data;
}

export async function importCategories(store: Store, input: FileInput, format: 'csv' | 'json', inUse: ReadonlySet<string>): Promise<ImportResult> {
  const started = performance.now();
  const problems = new RowProblems();
  const { table, rows, lineOf } = format === 'json' ? await fromJson(input) : await fromCsv(input, problems);
  if (!problems.empty) throw problems.refusal(LIMITS.what);
  const parsed = CategoryTableSchema.safeParse(table);
  if (!parsed.success) {
    for (const issue of parsed.error.issues.slice(0, 20)) problems.add(lineOf(issue.path), issue.path.join('.') || undefined, issue.message);
    throw problems.refusal(LIMITS.what);
  }
  const next = parsed.data;
  const size = next.categories.reduce((n, c) => n + 1 + c.subcategories.length, 0);
  const held = await store.getMeta<{ table: unknown; hash: string }>(CATEGORY_TABLE_META);
  const hash = hashOf(next);
  const ms = () => Math.round(performance.now() - started);
  if (held?.hash === hash) {
    return { kind: 'categories', rows, changed: 0, unchanged: size, ms: ms(), appliesFrom: 'next start', message: `The hub holds this table already (${next.categories.length} classes); nothing changed.` };
  }
  await store.setMeta(CATEGORY_TABLE_META, { table: next, hash, importedAt: Date.now() });
  const codes = new Set(next.categories.map((c) => c.code));
  const missing = [...inUse].filter((c) => !codes.has(c)).sort();
  return {
    kind: 'categories',
    rows,
    changed: size,
    unchanged: 0,
    ms: ms(),
    appliesFrom: 'next start',
    message:
      `Stored a table of ${next.categories.length} classes and ${size - next.categories.length} minor classes; the hub uses it from its next start.` +
      (missing.length ? ` Cases held now use classes the new table lacks (${missing.join(', ')}): they keep their records, but new reports in them will be refused.` : ''),
    details: { categories: next.categories.length, subcategories: size - next.categories.length, missingInUse: missing },
  };
}

async function fromJson(input: FileInput): Promise<{ table: unknown; rows: number; lineOf: () => number }> {
  const chunks: Buffer[] = [];
  for await (const chunk of bounded(input, LIMITS)) chunks.push(chunk);
  const text = Buffer.concat(chunks).toString('utf8').replace(/^\uFEFF/, '');
  try {
    const table = JSON.parse(text) as CategoryTableInput;
    return { table, rows: Array.isArray(table?.categories) ? table.categories.length : 0, lineOf: () => 1 };
  } catch (error) {
    throw fileRefusal(LIMITS.what, 1, `the file is not valid JSON (${(error as Error).message})`);
  }
}

async function fromCsv(input: FileInput, problems: RowProblems): Promise<{ table: unknown; rows: number; lineOf: (path: readonly PropertyKey[]) => number }> {
  const categories: { code: string; zh: string; en: string; limits?: Record<string, unknown>; subcategories: Record<string, unknown>[]; line: number; subLines: number[] }[] = [];
  const subRows: { parent: string; row: Record<string, unknown>; line: number }[] = [];
  let defaultLimits: Record<string, unknown> | undefined;
  let rows = 0;
  for await (const { line, fields } of readRows(input, 'csv', LIMITS)) {
    rows++;
    const row = new RowReader(line, fields, problems, 480);
    const code = row.text(['code', '编码'], { required: true, max: 40 });
    const parent = row.text(['parent', 'parent_code', '上级编码']);
    const zh = row.text(['zh', 'name', '名称'], { max: 80 });
    const en = row.text(['en', 'name_en'], { max: 80 });
    const limits: Record<string, unknown> = {};
    for (const stage of TIMED_STAGES as readonly Stage[]) {
      const text = row.text([stage, `${stage}_limit`]);
      if (text === undefined) continue;
      const limit = parseLimit(text);
      if (typeof limit === 'string') row.problem(stage, limit);
      else limits[stage] = limit;
    }
    if (code === undefined) continue;
    if (code === '*') {
      defaultLimits = limits;
      continue;
    }
    if (zh === undefined) row.problem('zh', 'a class needs its name (zh)');
    // a table in Chinese only is common: the English name falls back to the Chinese one
    const names = { zh: zh ?? code, en: en ?? zh ?? code };
    const withLimits = Object.keys(limits).length ? { limits } : {};
    if (parent === undefined) categories.push({ code, ...names, ...withLimits, subcategories: [], line, subLines: [] });
    else subRows.push({ parent, row: { code, ...names, ...withLimits }, line });
  }
  const byCode = new Map(categories.map((c) => [c.code, c]));
  for (const s of subRows) {
    const parent = byCode.get(s.parent);
    if (!parent) {
      problems.add(s.line, 'parent', `no major class has the code "${s.parent}"`);
      continue;
    }
    parent.subcategories.push(s.row);
    parent.subLines.push(s.line);
  }
  if (defaultLimits && Object.keys(defaultLimits).length < TIMED_STAGES.length) {
    problems.add(1, '*', `the default row (code *) needs a limit for every stage: ${TIMED_STAGES.join(', ')}`);
  }
  const table = {
    ...(defaultLimits ? { defaultLimits } : {}),
    categories: categories.map(({ line: _line, subLines: _subLines, ...c }) => c),
  };
  // a schema problem at categories.3.subcategories.1.code is the row of that minor class
  const lineOf = (path: readonly PropertyKey[]) => {
    const c = typeof path[1] === 'number' ? categories[path[1]] : undefined;
    if (!c) return 1;
    return path[2] === 'subcategories' && typeof path[3] === 'number' ? (c.subLines[path[3]] ?? c.line) : c.line;
  };
  return { table, rows, lineOf };
}
