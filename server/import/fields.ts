/**
 * Reading one row's fields by name, with the aliases source systems use, collecting problems with
 * the row's line and the column to blame instead of stopping at the first.
 */
import type { RowProblems } from './problems';
import { parseTime } from './time';

export class RowReader {
  constructor(
    readonly line: number,
    private readonly fields: Record<string, unknown>,
    private readonly problems: RowProblems,
    private readonly utcOffsetMinutes: number,
  ) {}

  /** the first of `names` that the row has with a non-empty value */
  private find(names: readonly string[]): { name: string; value: unknown } | undefined {
    for (const name of names) {
      const value = this.fields[name];
      if (value !== undefined && value !== null && !(typeof value === 'string' && value.trim() === '')) return { name, value };
    }
    return undefined;
  }

  has(...names: string[]): boolean {
    return this.find(names) !== undefined;
  }

  problem(field: string | undefined, message: string): void {
    this.problems.add(this.line, field, message);
  }

  text(names: readonly string[], opts: { required?: boolean; max?: number } = {}): string | undefined {
    const found = this.find(names);
    if (!found) {
      if (opts.required) this.problem(names[0], `${names[0]} is required`);
      return undefined;
    }
    const text = typeof found.value === 'string' ? found.value.trim() : String(found.value);
    if (opts.max !== undefined && text.length > opts.max) {
      this.problem(found.name, `is longer than ${opts.max} characters`);
      return undefined;
    }
    return text;
  }

  number(names: readonly string[], opts: { required?: boolean; min?: number; max?: number; integer?: boolean } = {}): number | undefined {
    const found = this.find(names);
    if (!found) {
      if (opts.required) this.problem(names[0], `${names[0]} is required`);
      return undefined;
    }
    const n = typeof found.value === 'number' ? found.value : Number(String(found.value).trim());
    const bad =
      !Number.isFinite(n) || (opts.integer && !Number.isInteger(n)) || (opts.min !== undefined && n < opts.min) || (opts.max !== undefined && n > opts.max);
    if (bad) {
      const range = opts.min !== undefined && opts.max !== undefined ? ` between ${opts.min} and ${opts.max}` : '';
      this.problem(found.name, `"${String(found.value).slice(0, 40)}" is not a${opts.integer ? 'n integer' : ' number'}${range}`);
      return undefined;
    }
    return n;
  }

  time(names: readonly string[], opts: { required?: boolean } = {}): number | undefined {
    const found = this.find(names);
    if (!found) {
      if (opts.required) this.problem(names[0], `${names[0]} is required`);
      return undefined;
    }
    const t = parseTime(found.value, this.utcOffsetMinutes);
    if (!t.ok) {
      this.problem(found.name, t.message);
      return undefined;
    }
    return t.at;
  }

  /** one of `allowed`, through `aliases` (e.g. Chinese words) when given */
  oneOf<T extends string>(names: readonly string[], allowed: readonly T[], opts: { required?: boolean; aliases?: Readonly<Record<string, T>> } = {}): T | undefined {
    const text = this.text(names, opts.required ? { required: true } : {});
    if (text === undefined) return undefined;
    const word = opts.aliases?.[text] ?? text.toLowerCase();
    if ((allowed as readonly string[]).includes(word)) return word as T;
    this.problem(names.find((n) => this.has(n)) ?? names[0], `"${text.slice(0, 40)}" is not one of ${allowed.join(', ')}`);
    return undefined;
  }

  boolean(names: readonly string[]): boolean | undefined {
    const found = this.find(names);
    if (!found) return undefined;
    if (typeof found.value === 'boolean') return found.value;
    const word = String(found.value).trim().toLowerCase();
    if (['1', 'true', 'yes', 'y', '是'].includes(word)) return true;
    if (['0', 'false', 'no', 'n', '否'].includes(word)) return false;
    this.problem(found.name, `"${word.slice(0, 20)}" is not yes or no (true/false, 1/0, 是/否)`);
    return undefined;
  }
}
