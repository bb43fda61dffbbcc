/**
 * What is wrong with an import file, row by row. A file is validated whole before anything is
 * applied; the refusal lists the first problems with their line numbers (and field), so a person
 * can fix the file in one pass instead of one error per attempt.
 */
import { HubError } from '@shared/errors';

export interface RowProblem {
  /** 1-based line of the file where the row starts (the header is line 1 of a CSV) */
  line: number;
  /** the column or field, when one is to blame */
  field?: string;
  message: string;
}

/** problems listed in a refusal; the count says how many there were in all */
export const MAX_LISTED_PROBLEMS = 50;

export class RowProblems {
  readonly listed: RowProblem[] = [];
  count = 0;

  add(line: number, field: string | undefined, message: string): void {
    this.count++;
    if (this.listed.length < MAX_LISTED_PROBLEMS) this.listed.push(field === undefined ? { line, message } : { line, field, message });
  }

  get empty(): boolean {
    return this.count === 0;
  }

  /** VALIDATION_FAILED naming the first problem in its message and listing the first ones */
  refusal(what: string): HubError {
    const first = this.listed[0];
    const where = first ? `line ${first.line}${first.field ? `, ${first.field}` : ''}: ${first.message}` : 'invalid';
    const more = this.count > 1 ? ` (and ${this.count - 1} more problem${this.count > 2 ? 's' : ''})` : '';
    return new HubError('VALIDATION_FAILED', `The ${what} was refused and nothing was imported: ${where}${more}.`, {
      problems: this.listed,
      count: this.count,
    });
  }
}

/** a problem that stops reading the file at once (a broken CSV quote, the size limit) */
export function fileRefusal(what: string, line: number | null, message: string): HubError {
  const where = line === null ? '' : `line ${line}: `;
  return new HubError('VALIDATION_FAILED', `The ${what} was refused and nothing was imported: ${where}${message}.`, {
    problems: [line === null ? { line: 0, message } : { line, message }],
    count: 1,
  });
}
