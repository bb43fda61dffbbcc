/** An imported case as the importer reads it from a file, before the hub sees it. */
import type { Actor } from '@shared/schemas/common';

export interface ImportedStep {
  /** line of the row the step comes from (one row per case: that case's row) */
  line: number;
  /** the column the step's time came from, for messages */
  field: string;
  action: string;
  at: number;
  actor: Actor;
  /** the command as the hub parses it (IncidentCommand), without actor or time */
  input: Record<string, unknown>;
  /** a register step's due time for the whole case, as the source system gave it */
  closeBy?: number;
  /** a rejection as a duplicate: the ref of the case it repeats (the hub's id is found on apply) */
  duplicateOfRef?: string;
}

export interface ImportedCase {
  ref: string;
  /** the line the case starts on */
  line: number;
  reportedAt: number;
  /** the report as the hub parses it (NewIncident) */
  report: Record<string, unknown>;
  steps: ImportedStep[];
}

export const HISTORY_LAYOUTS = ['steps', 'cases'] as const;
export type HistoryLayout = (typeof HISTORY_LAYOUTS)[number];
