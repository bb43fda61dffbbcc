/**
 * Failures in the Open311 form: a list of `{ code, description }` (XML: <errors><error>…), with the
 * HTTP status as `code`, as the spec asks. Each entry also carries the hub's stable error code as
 * `error_code` — an extension of ours, so a client can branch on VALIDATION_FAILED, OUT_OF_AREA, …
 * exactly as it would on the hub's own API. The same name is used in JSON and XML (one mapping).
 */
import { HTTP_STATUS, type ErrorCode, type HubError } from '@shared/errors';
import type { FieldProblem } from '@shared/validate';

export type Open311Error = {
  code: number;
  description: string;
  /** extension: the hub's stable error code (shared/errors.ts) */
  error_code: ErrorCode;
};

/**
 * HTTP status of a hub error on this API. The spec says an unknown service_code is a 404
 * ("service_code … was not found"), where the hub's own API answers 422 UNKNOWN_CATEGORY; and a
 * missing or invalid api_key is a 403 ("403 - Invalid api_key"), where the hub's own API says 401.
 */
export function open311Status(code: ErrorCode): number {
  if (code === 'UNKNOWN_CATEGORY') return 404;
  if (code === 'API_KEY_REQUIRED' || code === 'API_KEY_INVALID') return 403;
  return HTTP_STATUS[code];
}

/** Hub paths of NewIncident → the Open311 field a client sent them in. */
const FIELD_OF_PATH: [prefix: string, field: string][] = [
  ['location.lat', 'lat'],
  ['location.lng', 'long'],
  ['location.address', 'address_string'],
  ['location', 'lat/long'],
  ['category', 'service_code'],
  ['severity', 'attribute[severity]'],
  ['title', 'description'],
  ['description', 'description'],
  ['reporter.name', 'first_name/last_name'],
  ['reporter.phone', 'phone'],
  ['externalRef', 'attribute[fixmystreet_id]'],
];

export function open311Field(path: string): string {
  for (const [prefix, field] of FIELD_OF_PATH) {
    if (path === prefix || path.startsWith(prefix + '.')) return field;
  }
  return path;
}

function isFieldProblems(details: unknown): details is FieldProblem[] {
  return Array.isArray(details) && details.length > 0 && details.every((d) => d && typeof d === 'object' && 'path' in d && 'message' in d);
}

/**
 * One entry per wrong field when the error lists them (the spec allows several errors in one
 * answer), otherwise one entry with the message.
 */
export function toOpen311Errors(error: HubError): Open311Error[] {
  const code = open311Status(error.code);
  if (error.code === 'VALIDATION_FAILED' && isFieldProblems(error.details)) {
    return error.details.map((p) => ({ code, description: `${open311Field(p.path)}: ${p.message}`, error_code: error.code }));
  }
  return [{ code, description: error.message, error_code: error.code }];
}
