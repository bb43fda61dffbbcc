/** The import's contract lives in shared/schemas/import.ts; the server's side re-exports it. */
import type { ImportProgress as ProgressLine } from '@shared/schemas/import';

export { IMPORT_KINDS, type ImportKind, type ImportResult } from '@shared/schemas/import';
/** a progress report before it becomes a line of the answer */
export type ImportProgress = Omit<ProgressLine, 'type'>;
