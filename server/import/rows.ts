/**
 * Rows of an import file, streamed: CSV (RFC 4180, via csv-parse: quoted fields, embedded commas and
 * line breaks, a UTF-8 BOM from Excel) or NDJSON (one JSON object a line). Each row carries the line
 * it starts on. The file is read as a stream in chunks, so a large file never blocks the event loop,
 * and its size and row count are bounded: past either, reading stops with a clear refusal.
 */
import { pipeline, Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { fileRefusal } from './problems';

export const IMPORT_FORMATS = ['csv', 'ndjson'] as const;
export type RowFormat = (typeof IMPORT_FORMATS)[number];

export interface Row {
  line: number;
  /** column → value: strings from CSV; JSON values from NDJSON (nested objects flattened with `_`) */
  fields: Record<string, unknown>;
}

/** a file's bytes as they arrive: a request, a file stream, or pieces already in memory */
export type FileInput = AsyncIterable<Buffer | string> | Iterable<Buffer | string>;

export interface RowLimits {
  maxBytes: number;
  maxRows: number;
  /** the file's name in refusals ("history file") */
  what: string;
}

/** lower case, trimmed, spaces and dashes as `_`: "Reported At" and "reported-at" are reported_at */
export function columnName(name: string): string {
  return name.trim().toLowerCase().replace(/[\s-]+/g, '_');
}

/** counts bytes as they pass and stops the stream past the limit; `onBytes` reports progress */
export async function* bounded(input: FileInput, limits: RowLimits, onBytes?: (bytes: number) => void): AsyncGenerator<Buffer> {
  let bytes = 0;
  for await (const chunk of input) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    bytes += buffer.length;
    if (bytes > limits.maxBytes) throw fileRefusal(limits.what, null, `the file is larger than ${sizeText(limits.maxBytes)}, the most one import takes; split it`);
    onBytes?.(bytes);
    yield buffer;
  }
}

function sizeText(bytes: number): string {
  return bytes >= 1_048_576 ? `${Math.round(bytes / 1_048_576)} MB` : `${bytes.toLocaleString('en')} bytes`;
}

export async function* readRows(input: FileInput, format: RowFormat, limits: RowLimits, onBytes?: (bytes: number) => void, opts: { flatten?: boolean } = {}): AsyncGenerator<Row> {
  const source = bounded(input, limits, onBytes);
  const rows = format === 'csv' ? csvRows(source, limits.what) : ndjsonRows(source, limits.what, opts.flatten ?? true);
  let count = 0;
  for await (const row of rows) {
    if (++count > limits.maxRows) throw fileRefusal(limits.what, row.line, `the file has more than ${limits.maxRows.toLocaleString('en')} rows, the most one import takes; split it`);
    yield row;
  }
}

async function* csvRows(source: AsyncIterable<Buffer>, what: string): AsyncGenerator<Row> {
  const parser = parse({ bom: true, columns: (header: string[]) => header.map(columnName), info: true, skip_empty_lines: true, trim: true, max_record_size: 1_000_000 });
  // pipeline, not pipe: a refusal from the source (the size limit) must end the parser with it.
  // Fed in 16 KB slices: the parser turns a whole slice into records in one go, and the first
  // slices run cold, so a socket's 64 KB would hold the event loop several times longer.
  pipeline(Readable.from(slices(source, 16_384)), parser, () => {});
  try {
    for await (const item of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>) {
      // info.lines is the line the record ends on; a quoted field may span lines
      let breaks = 0;
      for (const value of Object.values(item.record)) for (let i = value.indexOf('\n'); i >= 0; i = value.indexOf('\n', i + 1)) breaks++;
      yield { line: item.info.lines - breaks, fields: item.record };
    }
  } catch (error) {
    const e = error as { message?: string; lines?: number } | null;
    if (e && typeof e.lines === 'number') throw fileRefusal(what, e.lines, `the CSV cannot be read (${csvMessage(e.message ?? '')})`);
    throw error;
  }
}

async function* slices(source: AsyncIterable<Buffer>, size: number): AsyncGenerator<Buffer> {
  for await (const chunk of source) for (let i = 0; i < chunk.length; i += size) yield chunk.subarray(i, i + size);
}

/** csv-parse's messages start with a code and repeat the line; keep what a person needs */
function csvMessage(message: string): string {
  return message.replace(/^[A-Z_]+:\s*/, '').replace(/\s*at line \d+\.?$/, '').replace(/\.$/, '');
}

async function* ndjsonRows(source: AsyncIterable<Buffer>, what: string, flat: boolean): AsyncGenerator<Row> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let pending = '';
  let line = 0;
  const rowOf = (text: string, at: number): Row | null => {
    const trimmed = text.replace(/^\uFEFF/, '').trim();
    if (trimmed === '') return null;
    let value: unknown;
    try {
      value = JSON.parse(trimmed);
    } catch {
      throw fileRefusal(what, at, 'this line is not valid JSON (NDJSON: one JSON object per line)');
    }
    if (!value || typeof value !== 'object' || Array.isArray(value)) throw fileRefusal(what, at, 'each line must hold one JSON object');
    return { line: at, fields: flat ? flatten(value as Record<string, unknown>) : (value as Record<string, unknown>) };
  };
  for await (const chunk of source) {
    let text: string;
    try {
      text = decoder.decode(chunk, { stream: true });
    } catch {
      throw fileRefusal(what, line + 1, 'the file is not UTF-8');
    }
    pending += text;
    if (pending.length > 1_000_000 && !pending.includes('\n')) throw fileRefusal(what, line + 1, 'a line is longer than 1 MB');
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const text of lines) {
      const row = rowOf(text, ++line);
      if (row) yield row;
    }
  }
  const row = rowOf(pending + decoder.decode(), ++line);
  if (row) yield row;
}

/** { location: { lng } } → { location_lng }; keys normalised like CSV headers */
function flatten(value: Record<string, unknown>, prefix = '', out: Record<string, unknown> = {}): Record<string, unknown> {
  for (const [key, v] of Object.entries(value)) {
    const name = columnName(prefix ? `${prefix}_${key}` : key);
    if (v && typeof v === 'object' && !Array.isArray(v)) flatten(v as Record<string, unknown>, name, out);
    else out[name] = v;
  }
  return out;
}
