import type { z } from 'zod';
import { HubError } from './errors';

export interface FieldProblem {
  path: string;
  message: string;
}

/** Parses inbound data; on failure throws VALIDATION_FAILED listing every field that is wrong. */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown, what = 'request'): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const problems: FieldProblem[] = result.error.issues.slice(0, 20).map((issue) => ({
    path: issue.path.length ? issue.path.map(String).join('.') : '(root)',
    message: issue.message,
  }));
  const first = problems[0];
  const summary = first ? `${first.path}: ${first.message}` : 'invalid';
  throw new HubError('VALIDATION_FAILED', `The ${what} is not valid (${summary}).`, problems);
}
