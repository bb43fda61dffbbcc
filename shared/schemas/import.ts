/**
 * POST /api/import/:kind — a city's own data in (docs/import.md). The file is the request body,
 * sent as it is (text/csv, application/x-ndjson, application/json or application/octet-stream);
 * these query parameters say how to read it. With `Accept: application/x-ndjson` the hub answers
 * with one JSON line per progress step and the outcome as the last line.
 */
import { z } from 'zod';

export const IMPORT_KINDS = ['history', 'categories', 'geography', 'cameras', 'patrols'] as const;
export const ImportKind = z.enum(IMPORT_KINDS);
export type ImportKind = z.infer<typeof ImportKind>;

export const IMPORT_FILE_FORMATS = ['csv', 'ndjson', 'json'] as const;

export const ImportQuery = z.strictObject({
  /** csv or ndjson (history, cameras, patrols), csv or json (categories), json (geography: GeoJSON) */
  format: z.enum(IMPORT_FILE_FORMATS).optional(),
  /** the source system's name (history): part of every case's idempotency key, import:<system>:<ref> */
  system: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, 'system: 1–32 lowercase letters, digits, _ or -, e.g. szcg or hotline12345')
    .optional(),
  /** the datum of the file's coordinates; gcj02 is converted to WGS-84 once, on import */
  crs: z.enum(['wgs84', 'gcj02']).optional(),
  /** the file's name, for the audit log */
  file: z.string().max(200).optional(),
});
export type ImportQuery = z.infer<typeof ImportQuery>;

export const ImportProgress = z.object({
  type: z.literal('progress'),
  /** read the file, check every row, write */
  phase: z.enum(['read', 'check', 'write']),
  done: z.number().int().min(0),
  total: z.number().int().min(0).optional(),
  bytes: z.number().int().min(0).optional(),
});
export type ImportProgress = z.infer<typeof ImportProgress>;

export const ImportResult = z.object({
  kind: ImportKind,
  rows: z.number().int().min(0),
  /** items written or changed (cases, categories, regions, cameras, patrols) */
  changed: z.number().int().min(0),
  /** items that were there already, as the file has them: a second import of a file changes nothing */
  unchanged: z.number().int().min(0),
  ms: z.number().int().min(0),
  /** one sentence for the person who imported */
  message: z.string(),
  /** when the change takes effect */
  appliesFrom: z.enum(['now', 'next start']),
  details: z.record(z.string(), z.unknown()).optional(),
});
export type ImportResult = z.infer<typeof ImportResult>;

/** the lines of an NDJSON answer: progress, then the outcome or the refusal */
export const ImportLine = z.discriminatedUnion('type', [
  ImportProgress,
  z.object({ type: z.literal('result'), result: ImportResult }),
  z.object({ type: z.literal('error'), error: z.string(), message: z.string(), details: z.unknown().optional() }),
]);
export type ImportLine = z.infer<typeof ImportLine>;
