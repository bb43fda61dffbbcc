/**
 * Clean input: the one place that refuses text the hub will not store (issue 17, part 6) and
 * input shaped to stall it (part 1), for every JSON and form body, query string, URL path and
 * socket payload — before any schema, handler or store sees it.
 *
 * Refused text: NUL and the other C0 control characters except tab, line feed and carriage
 * return; lone (unpaired) UTF-16 surrogates, which are not Unicode at all; and the noncharacters
 * U+FFFE and U+FFFF. PostgreSQL refuses NUL in text (that was a 500), a lone surrogate cannot be
 * written as UTF-8, and none of them belongs in a case, a name or an id. Field names are checked
 * as their values are. The answer is VALIDATION_FAILED with one `{ path, message }` per field,
 * as a schema's would be.
 *
 * Shape bounds: nesting deeper than MAX_DEPTH, more than MAX_NODES values, or a string longer
 * than MAX_STRING is refused. A JSON body's depth is checked on its bytes before JSON.parse
 * (refuseDeepJson, a body parser's `verify`): a 4 MB body nested two million levels deep took
 * 0.4 s to parse and is refused in a few milliseconds.
 */
import type { RequestHandler } from 'express';
import { HubError } from '@shared/errors';
import type { FieldProblem } from '@shared/validate';

/** no payload of the protocol nests deeper than a handful of levels */
export const MAX_DEPTH = 32;
/** values (objects, arrays, strings, numbers, …) in one payload; the largest batches hold 10,000 items of a few fields */
export const MAX_NODES = 250_000;
/** characters in one string; the protocol's longest texts are a few thousand */
export const MAX_STRING = 100_000;
/** problems listed in one answer, as parseOrThrow lists */
const MAX_PROBLEMS = 20;

/** C0 controls except \t \n \r, U+FFFE, U+FFFF, and a surrogate without its partner */
const BAD_TEXT = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const hex = (code: number) => `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;

/** why a text is refused, or null when it is clean */
export function badTextReason(text: string): string | null {
  if (text.length > MAX_STRING) return `is ${text.length} characters long; at most ${MAX_STRING} are accepted`;
  const found = BAD_TEXT.exec(text);
  if (!found) return null;
  const code = found[0].charCodeAt(0);
  const at = `at character ${found.index + 1}`;
  if (code === 0) return `contains a NUL character (U+0000) ${at}: control characters other than tab, line feed and carriage return are not accepted`;
  if (code < 0x20) return `contains the control character ${hex(code)} ${at}: control characters other than tab, line feed and carriage return are not accepted`;
  if (code >= 0xd800 && code <= 0xdfff) return `contains a lone surrogate (${hex(code)}) ${at}: the text is not valid Unicode`;
  return `contains the noncharacter ${hex(code)} ${at}`;
}

const pathText = (path: readonly (string | number)[]) => (path.length ? path.map(String).join('.') : '(root)');

/**
 * Every refused text, and the first breach of the shape bounds, in `value` (bounded: it stops at
 * MAX_NODES values and MAX_DEPTH levels). Buffers and typed arrays (binary batches, socket
 * attachments) are opaque; functions (a socket acknowledgement) are skipped.
 */
export function findInputProblems(value: unknown, prefix: readonly (string | number)[] = []): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const stack: { value: unknown; path: (string | number)[] }[] = [{ value, path: [...prefix] }];
  let nodes = 0;
  while (stack.length && problems.length < MAX_PROBLEMS) {
    const item = stack.pop()!;
    if (++nodes > MAX_NODES) {
      problems.push({ path: pathText(prefix), message: `holds more than ${MAX_NODES} values` });
      break;
    }
    const v = item.value;
    if (typeof v === 'string') {
      const reason = badTextReason(v);
      if (reason) problems.push({ path: pathText(item.path), message: `The text ${reason}.` });
      continue;
    }
    if (v === null || typeof v !== 'object' || ArrayBuffer.isView(v) || v instanceof ArrayBuffer) continue;
    if (item.path.length - prefix.length >= MAX_DEPTH) {
      problems.push({ path: pathText(item.path), message: `nests deeper than ${MAX_DEPTH} levels` });
      break;
    }
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ value: v[i], path: [...item.path, i] });
      continue;
    }
    const keys = Object.keys(v);
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i]!;
      const path = [...item.path, key];
      const reason = key.length > 1000 ? 'is longer than 1000 characters' : badTextReason(key);
      if (reason) {
        problems.push({ path: pathText(path), message: `The field name ${reason}.` });
        continue;
      }
      stack.push({ value: (v as Record<string, unknown>)[key], path });
    }
  }
  return problems;
}

/** throws VALIDATION_FAILED when `value` holds refused text or breaks the shape bounds */
export function assertCleanInput(value: unknown, what = 'request', prefix: readonly (string | number)[] = []): void {
  const problems = findInputProblems(value, prefix);
  const first = problems[0];
  if (!first) return;
  throw new HubError('VALIDATION_FAILED', `The ${what} is not valid (${first.path}: ${first.message})`, problems);
}

/**
 * The nesting depth of JSON text, counted on its bytes (brackets inside strings do not count);
 * stops as soon as it passes `limit`. Works on UTF-8 bytes and on strings alike.
 */
export function jsonDepthExceeds(text: Buffer | string, limit = MAX_DEPTH): boolean {
  const isString = typeof text === 'string';
  const length = text.length;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < length; i++) {
    const c = isString ? (text as string).charCodeAt(i) : (text as Buffer)[i]!;
    if (inString) {
      if (c === 0x5c) i++; // backslash: the next character is escaped
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > limit) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

/** a body parser's `verify`: refuses a JSON body nested deeper than MAX_DEPTH before it is parsed */
export function refuseDeepJson(_req: unknown, _res: unknown, body: Buffer): void {
  if (jsonDepthExceeds(body)) {
    throw new HubError('VALIDATION_FAILED', `The request body nests deeper than ${MAX_DEPTH} levels.`, [
      { path: '(root)', message: `nests deeper than ${MAX_DEPTH} levels` },
    ]);
  }
}

/** why a URL path is refused: a segment that does not decode (bad percent-encoding, invalid UTF-8) or decodes to refused text */
function badPathReason(path: string): string | null {
  for (const segment of path.split('/')) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      return 'is not valid percent-encoded UTF-8';
    }
    const reason = badTextReason(decoded);
    if (reason) return reason;
  }
  return null;
}

/** refuses bad text in the URL path and the query string (mount before the routes) */
export const cleanUrl: RequestHandler = (req, _res, next) => {
  const problems: FieldProblem[] = [];
  const pathReason = badPathReason(req.path);
  if (pathReason) problems.push({ path: '(url path)', message: `The path ${pathReason}.` });
  problems.push(...findInputProblems(req.query, ['query']));
  const first = problems[0];
  if (first) {
    next(new HubError('VALIDATION_FAILED', `The request is not valid (${first.path}: ${first.message})`, problems));
    return;
  }
  next();
};

/** refuses bad text and oversized shapes in a parsed body (mount after the body parsers) */
export const cleanBody: RequestHandler = (req, _res, next) => {
  const body: unknown = req.body;
  if (body === undefined || Buffer.isBuffer(body)) {
    next();
    return;
  }
  const problems = findInputProblems(body);
  const first = problems[0];
  if (first) {
    next(new HubError('VALIDATION_FAILED', `The request body is not valid (${first.path}: ${first.message})`, problems));
    return;
  }
  next();
};
