/**
 * Who may talk to the hub from a browser (issue 17 part 3), and the headers every answer carries.
 *
 * A page on another site could open a WebSocket to the hub (and read every patrol's position on
 * an anonymous wall) or post a plain cross-site form to a feed: browsers send an `Origin` header
 * with both. The hub accepts a browser's request only from its own origin (the Host the browser
 * reached) or from the origins the deployment lists (ALLOWED_ORIGINS, which also get CORS).
 * A request without `Origin` comes from a program (a feed, a script): its credentials decide.
 */
import type { IncomingMessage } from 'node:http';
import type { RequestHandler } from 'express';
import { HubError } from '@shared/errors';

/** whether a request that says it comes from `origin` may be served (undefined: not a browser) */
export function originAllowed(origin: string | undefined, host: string | undefined, allowed: readonly string[]): boolean {
  if (origin === undefined) return true;
  if (allowed.includes(origin)) return true;
  try {
    const url = new URL(origin);
    return host !== undefined && url.host === host && (url.protocol === 'http:' || url.protocol === 'https:');
  } catch {
    return false; // `null` (a sandboxed frame, a file page) and anything unparsable
  }
}

/** Engine.IO's allowRequest: the handshake of a WebSocket from a foreign page is refused (403) */
export function socketOriginCheck(allowed: readonly string[]): (req: IncomingMessage, done: (err: string | null | undefined, ok: boolean) => void) => void {
  return (req, done) => {
    const origin = typeof req.headers.origin === 'string' ? req.headers.origin : undefined;
    if (originAllowed(origin, req.headers.host, allowed)) return done(null, true);
    done('FORBIDDEN_ORIGIN', false);
  };
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Changes from a foreign page are refused (403 FORBIDDEN_ORIGIN) before anything reads the body;
 * the listed origins get CORS answers (and their preflights), no one else does.
 */
export function originGuard(allowed: readonly string[]): RequestHandler {
  return (req, res, next) => {
    const origin = req.get('Origin');
    const ok = originAllowed(origin, req.get('Host'), allowed);
    if (origin !== undefined && ok && allowed.includes(origin)) {
      res.set({ 'Access-Control-Allow-Origin': origin, 'Access-Control-Allow-Credentials': 'true', Vary: 'Origin' });
      if (req.method === 'OPTIONS') {
        res.set({ 'Access-Control-Allow-Methods': 'GET, POST, PUT, DELETE', 'Access-Control-Allow-Headers': 'Content-Type, Authorization, Idempotency-Key', 'Access-Control-Max-Age': '600' });
        res.status(204).end();
        return;
      }
    }
    if (!ok && (UNSAFE.has(req.method) || req.method === 'OPTIONS')) {
      next(new HubError('FORBIDDEN_ORIGIN', `Requests from ${origin} are not accepted by this hub (its own pages and ALLOWED_ORIGINS only); nothing was done.`));
      return;
    }
    next();
  };
}

/**
 * On every answer: no MIME sniffing, no referrer leaves the hub, no other site frames it. The
 * page's own Content-Security-Policy (web/index.html: scripts from the hub only, no inline script)
 * cannot say `frame-ancestors`; the header adds it.
 */
export const securityHeaders: RequestHandler = (_req, res, next) => {
  res.set({
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
    'Content-Security-Policy': "frame-ancestors 'none'; base-uri 'self'; object-src 'none'",
    'Cross-Origin-Opener-Policy': 'same-origin',
  });
  next();
};
