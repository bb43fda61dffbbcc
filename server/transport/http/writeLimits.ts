/**
 * Writes over HTTP from people and scripts, limited per session (or per address without one),
 * as the socket's commands are per connection (socket/limits.ts): one client sending thousands of
 * steps a second would fill the hub's one change queue (2,000, then HUB_BUSY for everybody).
 * Sources with an ingest key on the ingest routes are limited per key by the ingest gate instead
 * (and a key that does not resolve, per address there), sign-in attempts by
 * the accounts' own limiter, and imports are one long upload each.
 */
import type { RequestHandler } from 'express';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { HubError } from '@shared/errors';
import { identity } from './auth';

/**
 * writes a second per session: an operator's burst is a handful, an integration's script a few
 * dozen; the flood the issue measured was 14,000 a second
 */
export const DEFAULT_HTTP_WRITES_PER_SECOND = 200;

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** the routes whose door is the ingest gate (ingestGate.ts): with a key they are limited per key there */
const INGEST_ROUTES = /^\/(positions|cameras\/status|patrols\/status|video-alarms|incidents)\/?$/;

export function httpWriteLimit(perSecond = DEFAULT_HTTP_WRITES_PER_SECOND): RequestHandler {
  const limiter = new RateLimiterMemory({ keyPrefix: 'http-write', points: perSecond, duration: 1 });
  return (req, res, next) => {
    // a key on any other route is not a reason to let a request through (it is ignored there)
    const keyed = req.get('X-Api-Key') && INGEST_ROUTES.test(req.path);
    if (READS.has(req.method) || keyed || req.path === '/auth/login' || req.path.startsWith('/import')) return next();
    const principal = identity(res).principal;
    const key = principal ? `session:${principal.sessionId}` : `address:${req.socket.remoteAddress ?? 'unknown'}`;
    limiter.consume(key).then(
      () => next(),
      (rejection: unknown) => {
        const retryAfterMs = rejection instanceof RateLimiterRes ? rejection.msBeforeNext : 1_000;
        next(new HubError('RATE_LIMITED', `Too many changes from this session; nothing was done. Try again in ${Math.ceil(retryAfterMs / 1000)} s.`, { retryAfterMs }));
      },
    );
  };
}
