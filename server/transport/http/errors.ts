/**
 * HTTP error handling: every failure leaves as `{ error, message, details? }` with a stable code
 * and the status that code maps to. Body-parser failures get codes of their own; anything
 * unexpected is logged and reported as INTERNAL without a stack trace.
 */
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { HTTP_STATUS, HubError } from '@shared/errors';
import type { Logger } from '../../lib/log';
import { isStoreUnavailable } from '../../store/unavailable';

/** connection-class failures of PostgreSQL or PGlite: the database cannot be reached (server/store/unavailable.ts) */
export { isStoreUnavailable };

/** a body parser's refusal (http-errors with a 4xx status, exposed to the client) */
function isClientBodyError(error: unknown): boolean {
  const e = error as { status?: unknown; expose?: unknown } | null;
  return error instanceof Error && typeof e?.status === 'number' && e.status >= 400 && e.status < 500 && e.expose === true;
}

export function toHubError(error: unknown): HubError | null {
  if (error instanceof HubError) return error;
  if (isStoreUnavailable(error)) return new HubError('STORE_UNAVAILABLE');
  const e = error as { type?: string; status?: number } | null;
  if (e?.type === 'entity.too.large') return new HubError('PAYLOAD_TOO_LARGE', 'The request body is larger than this endpoint accepts.');
  if (e?.type === 'entity.parse.failed') return new HubError('VALIDATION_FAILED', 'The request body is not valid JSON.');
  if (e?.type === 'encoding.unsupported' || e?.type === 'charset.unsupported') return new HubError('UNSUPPORTED_MEDIA_TYPE');
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && code.startsWith('Z_')) {
    // a body marked gzip, deflate or br that does not decompress (zlib's Z_DATA_ERROR, Z_BUF_ERROR, …)
    return new HubError('VALIDATION_FAILED', 'The request body does not decompress as its Content-Encoding says.', [{ path: '(body)', message: `not valid compressed data (${code})` }]);
  }
  if (e?.type === 'parameters.too.many') return new HubError('PAYLOAD_TOO_LARGE', 'The form has more fields than this endpoint accepts.');
  if (error instanceof URIError) return new HubError('VALIDATION_FAILED', 'The URL is not valid percent-encoded UTF-8.');
  if (isClientBodyError(error)) {
    // any other failure to read the body (aborted, length mismatch): the client's, not the hub's
    return new HubError('VALIDATION_FAILED', `The request body could not be read (${(error as Error).message.slice(0, 200)}).`);
  }
  return null;
}

export function errorHandler(log: Logger): ErrorRequestHandler {
  return (error, req, res, _next) => {
    const known = toHubError(error);
    if (known) {
      res.status(HTTP_STATUS[known.code]).json(known.toBody());
      return;
    }
    log.error('request failed', { method: req.method, path: req.path, error: error instanceof Error ? error.stack : String(error) });
    const internal = new HubError('INTERNAL');
    res.status(500).json(internal.toBody());
  };
}

/** refuses a body that is not JSON, instead of treating it as empty */
export const requireJson: RequestHandler = (req, _res, next) => {
  if (!req.is('application/json')) {
    next(new HubError('UNSUPPORTED_MEDIA_TYPE', 'Send the body as JSON with Content-Type: application/json.'));
    return;
  }
  next();
};

export function notFound(what = 'resource'): RequestHandler {
  return (req, _res, next) => next(new HubError('NOT_FOUND', `No ${what} at ${req.method} ${req.path}.`));
}
