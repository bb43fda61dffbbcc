/**
 * Errors across the thread boundary. Structured clone keeps an Error's message but not its class
 * or its own fields, and callers branch on both: `instanceof IdempotencyConflictError` (the hub's
 * idempotent reports), `instanceof StaleStateError` (another hub node changed a case: its
 * `incidentIds` and `videoAlarmIds` are reloaded), `instanceof UserExistsError` (accounts), `instanceof DataDirLockedError`
 * (scripts/users.ts), and the SQLSTATE `code` of a driver error (transport/http/errors.ts maps
 * `08…` to STORE_UNAVAILABLE). So an error leaves the worker as plain data — name, message, stack,
 * its own primitive fields, its cause — and is rebuilt here as an instance of its own class.
 */
import { DataDirLockedError } from './dataDirLock';
import { IdempotencyConflictError, StaleStateError, UserExistsError } from './types';

export interface ErrorShape {
  name: string;
  message: string;
  stack?: string;
  /** own enumerable fields with primitive values (key, username, code, detail, query, …) or lists of strings (ids) */
  fields: Record<string, string | number | boolean | null | string[]>;
  cause?: ErrorShape;
}

/**
 * The store is gone: its worker thread ended, or the store was closed. `code` is a SQLSTATE of
 * class 08 (connection exception), which the transport answers with 503 STORE_UNAVAILABLE, as it
 * does when PostgreSQL cannot be reached.
 */
export class StoreUnavailableError extends Error {
  constructor(
    message: string,
    readonly code: '08006' | '08003' = '08006',
  ) {
    super(message);
    this.name = 'StoreUnavailableError';
  }
}

type ErrorClass = abstract new (...args: never[]) => Error;

/** the classes a caller may test with instanceof; anything else comes back as an Error with its name, message and fields */
const CLASSES: Record<string, ErrorClass> = {
  IdempotencyConflictError,
  StaleStateError,
  UserExistsError,
  DataDirLockedError,
  StoreUnavailableError,
  TypeError,
  RangeError,
  SyntaxError,
  ReferenceError,
};

// PGlite puts the statement's parameters (a batch of 1,000 rows as JSON) and its options
// (functions) on its errors: neither is worth carrying, and functions cannot be cloned.
const DROPPED_FIELDS = new Set(['params', 'queryOptions', 'stack', 'message', 'name', 'cause']);
const MAX_TEXT = 4_000;
const MAX_DEPTH = 4;
/** a list of ids (StaleStateError's) crosses whole up to this length */
const MAX_LIST = 10_000;

export function toErrorShape(error: unknown, depth = 0): ErrorShape {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error), fields: {} };
  const fields: ErrorShape['fields'] = {};
  for (const [key, value] of Object.entries(error)) {
    if (DROPPED_FIELDS.has(key)) continue;
    if (typeof value === 'string') fields[key] = value.length > MAX_TEXT ? `${value.slice(0, MAX_TEXT)}…` : value;
    else if (typeof value === 'number' || typeof value === 'boolean' || value === null) fields[key] = value;
    else if (Array.isArray(value) && value.length <= MAX_LIST && value.every((v): v is string => typeof v === 'string')) fields[key] = [...value];
  }
  const shape: ErrorShape = { name: error.name, message: error.message, fields };
  if (error.stack !== undefined) shape.stack = error.stack;
  if (error.cause !== undefined && depth < MAX_DEPTH) shape.cause = toErrorShape(error.cause, depth + 1);
  return shape;
}

export function fromErrorShape(shape: ErrorShape): Error {
  const cls = CLASSES[shape.name] ?? Error;
  // A real Error whose prototype is the class's, built without running the class's constructor
  // (which would compose its message again from arguments that did not travel).
  const error = Reflect.construct(Error, [shape.message], cls) as Error;
  Object.assign(error, shape.fields);
  if (error.name !== shape.name) error.name = shape.name;
  if (shape.stack !== undefined) error.stack = `${shape.stack}\n    (thrown in the store's worker thread)`;
  if (shape.cause) error.cause = fromErrorShape(shape.cause);
  return error;
}
