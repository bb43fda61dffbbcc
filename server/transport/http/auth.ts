/**
 * Who a request acts as: a session cookie (browsers) or `Authorization: Bearer` (scripts), resolved
 * once per request. Reads are open to anonymous clients only where the deployment allows it
 * (WALL_ANONYMOUS: localhost by default); every write needs a signed-in person.
 */
import type { Request, RequestHandler, Response } from 'express';
import { parse as parseCookie } from 'cookie';
import { roleAllows, type Permission } from '@shared/access';
import { HubError } from '@shared/errors';
import type { AuditEntry } from '@shared/schemas/audit';
import type { Accounts } from '../../auth/accounts';
import type { Principal } from '../../hub/audit';

export const SESSION_COOKIE = 'gcw_session';
/** a wall opened with a kiosk link (server/auth/accessKeys.ts) keeps its signed token in this cookie */
export const KIOSK_COOKIE = 'gcw_kiosk';
const KIOSK_TOKEN = /^k1\.[A-Za-z0-9._-]{20,300}$/;
export type AnonymousPolicy = 'localhost' | 'lan' | 'off';

export function isLoopback(address: string | null | undefined): boolean {
  if (!address) return false;
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}

export function anonymousMay(policy: AnonymousPolicy, address: string | null | undefined): boolean {
  return policy === 'lan' || (policy === 'localhost' && isLoopback(address));
}

/**
 * The token of an Authorization header or a cookie, whichever is given: a bearer token first, then
 * a person's session cookie, then a kiosk link's (a person signing in on a kiosk's screen acts as
 * that person).
 */
export function tokenFrom(authorization: string | undefined, cookieHeader: string | undefined): string | null {
  const bearer = authorization?.match(/^Bearer\s+([A-Za-z0-9._-]{20,300})$/)?.[1];
  if (bearer && (/^[A-Za-z0-9_-]{20,200}$/.test(bearer) || KIOSK_TOKEN.test(bearer))) return bearer;
  if (!cookieHeader) return null;
  const cookies = parseCookie(cookieHeader);
  const session = cookies[SESSION_COOKIE];
  if (session && /^[A-Za-z0-9_-]{20,200}$/.test(session)) return session;
  const kiosk = cookies[KIOSK_COOKIE];
  return kiosk && KIOSK_TOKEN.test(kiosk) ? kiosk : null;
}

export function httpClient(req: Request): AuditEntry['client'] {
  return { channel: 'http', address: req.socket.remoteAddress ?? null, userAgent: req.get('User-Agent')?.slice(0, 200) ?? null };
}

interface Identity {
  principal: Principal | null;
  /** why a token that was sent did not resolve (expired, ended, disabled) */
  refusal: HubError | null;
}

export function identity(res: Response): Identity {
  return (res.locals.identity as Identity | undefined) ?? { principal: null, refusal: null };
}

/** resolves the request's token, if any, into res.locals.identity; never refuses by itself */
export function identify(accounts: Accounts): RequestHandler {
  return async (req, res, next) => {
    const token = tokenFrom(req.get('Authorization'), req.get('Cookie'));
    const found: Identity = { principal: null, refusal: null };
    if (token) {
      try {
        found.principal = await accounts.resolve(token, httpClient(req));
      } catch (error) {
        if (!(error instanceof HubError)) return next(error);
        found.refusal = error;
      }
    }
    res.locals.identity = found;
    next();
  };
}

/** the signed-in person, holding `permission`; otherwise the refusal that says why */
export function principalOf(res: Response, permission: Permission): Principal {
  const { principal, refusal } = identity(res);
  if (!principal) throw refusal ?? new HubError('AUTH_REQUIRED');
  if (!roleAllows(principal.user.role, permission)) {
    throw new HubError('FORBIDDEN_ROLE', `Your role (${principal.user.role}) does not allow this (${permission}).`, { role: principal.user.role, permission });
  }
  return principal;
}

/** reads: a signed-in person (any role), or an anonymous client where the policy allows */
export function requireRead(policy: AnonymousPolicy): RequestHandler {
  return (req, res, next) => {
    const { principal, refusal } = identity(res);
    if (principal || anonymousMay(policy, req.socket.remoteAddress)) return next();
    next(refusal ?? new HubError('AUTH_REQUIRED', 'Sign in to read from this hub (anonymous reading is allowed on this machine only).'));
  };
}

/** the region a read may cover: a signed-in person's own region or one inside it */
export function readableRegion(res: Response, requested: string | undefined, pathOf: (code: string) => readonly string[]): string | undefined {
  const principal = identity(res).principal;
  if (!principal) return requested;
  const code = requested ?? principal.user.regionCode;
  if (!pathOf(code).includes(principal.user.regionCode)) {
    throw new HubError('FORBIDDEN_REGION', `Region ${code} lies outside your region (${principal.user.regionCode}).`);
  }
  return code;
}
