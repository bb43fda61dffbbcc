/**
 * The door of every ingest route (issue 17 parts 1 and 3): which source is sending, whether its key
 * may send this, and whether it is sending too fast.
 *
 * A source sends the key its centre issued as `X-Api-Key` (Open311 clients: `api_key` in the form,
 * as GeoReport v2 says). Without one, a signed-in person whose role allows it may send too (an
 * admin's script, an operator's report): `person` names the permission. Anyone else is refused
 * before the body is looked at — an anonymous cross-site form can no longer create a case.
 *
 * Rates are per key and per kind, with the same maintained limiter as the sockets. A province's
 * patrol-terminal platform posts its 330,000 patrols' fixes a second in batches of a few thousand
 * (about a hundred requests a second), a hotline a report every few seconds; the defaults allow
 * that with room and refuse a runaway client with 429 `RATE_LIMITED` and its wait. A deployment
 * sets its own (INGEST_RATES).
 */
import type { Request, Response } from 'express';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { roleAllows, type Permission } from '@shared/access';
import { HubError } from '@shared/errors';
import { INGEST_SCOPES, type IngestScope } from '@shared/schemas/accessKeys';
import type { AccessKeys } from '../../auth/accessKeys';
import type { Audited, KeySender } from '../../hub/audit';
import { httpClient, identity } from './auth';

/** requests per second per key, for each kind of data */
export type IngestRates = Readonly<Record<IngestScope, number>>;

/** unknown, revoked or expired keys an address may send a minute before it is refused without a lookup */
const BAD_KEYS_PER_MINUTE = 30;

export const DEFAULT_INGEST_RATES: IngestRates = { positions: 200, units: 50, reports: 100, alarms: 100 };

/** who is sending: a source by its key (scoped to `region`) or a signed-in person */
export interface Sender {
  /** the region it may send for: the key's, or the person's */
  region: string;
  /** the key's id, or the person's name: what logs and counters say */
  name: string;
  keyId: string | null;
}

export interface IngestGate {
  /** the sender of this request, allowed to send `scope`; refuses (throws) otherwise */
  admit(req: Request, res: Response, scope: IngestScope, person?: Permission): Promise<Sender>;
  /** refusals since start by error code: for /metrics */
  readonly refused: Map<string, number>;
}

/** the region a sender is held to; none for the whole geography (no check to make) */
export function scopeOf(sender: Sender, rootCode: string): string | undefined {
  return sender.region === rootCode ? undefined : sender.region;
}

/** the key this sender sent with, as its audit rows name it; undefined for a signed-in person */
export function keySenderOf(sender: Sender, req: Request): KeySender | undefined {
  return sender.keyId === null ? undefined : { keyId: sender.keyId, name: sender.name, regionCode: sender.region, client: httpClient(req) };
}

/** who the audit names for what this sender sent: its key, or the signed-in person the gate admitted */
export function auditedSender(sender: Sender, req: Request, res: Response): Audited | undefined {
  return keySenderOf(sender, req) ?? identity(res).principal ?? undefined;
}

/** the key a request carries: the header first, then an Open311 form's `api_key` */
export function apiKeyOf(req: Request): string | null {
  const header = req.get('X-Api-Key');
  if (header) return header.trim();
  const body = req.body as Record<string, unknown> | undefined;
  const fromBody = body && typeof body === 'object' ? body.api_key : undefined;
  if (typeof fromBody === 'string' && fromBody.length > 0) return fromBody.trim();
  const fromQuery = req.query.api_key;
  return typeof fromQuery === 'string' && fromQuery.length > 0 ? fromQuery.trim() : null;
}

export function ingestGate(keys: AccessKeys, rates: IngestRates = DEFAULT_INGEST_RATES): IngestGate {
  const limiters = Object.fromEntries(INGEST_SCOPES.map((s) => [s, new RateLimiterMemory({ keyPrefix: `ingest-${s}`, points: rates[s], duration: 1 })])) as Record<
    IngestScope,
    RateLimiterMemory
  >;
  const refused = new Map<string, number>();
  // Keys that do not resolve, per address: made-up keys each cost a hash and a store lookup (a miss
  // is never cached usefully), so a client guessing is refused before the lookup after a few.
  const badKeys = new RateLimiterMemory({ keyPrefix: 'ingest-bad-key', points: BAD_KEYS_PER_MINUTE, duration: 60 });
  const refuse = (error: HubError): never => {
    refused.set(error.code, (refused.get(error.code) ?? 0) + 1);
    throw error;
  };

  const limit = async (scope: IngestScope, key: string) => {
    try {
      await limiters[scope].consume(key);
    } catch (res) {
      const retryAfterMs = res instanceof RateLimiterRes ? res.msBeforeNext : 1_000;
      refuse(new HubError('RATE_LIMITED', `This source sends ${scope} faster than ${rates[scope]} requests a second; nothing was taken. Try again in ${Math.ceil(retryAfterMs / 1000)} s.`, { retryAfterMs }));
    }
  };

  return {
    refused,
    async admit(req, res, scope, person) {
      const secret = apiKeyOf(req);
      if (!secret) {
        const { principal, refusal } = identity(res);
        if (person && refusal && !principal) return refuse(refusal);
        if (person && principal && roleAllows(principal.user.role, person)) {
          await limit(scope, `user:${principal.user.username}`);
          return { region: principal.user.regionCode, name: principal.user.username, keyId: null };
        }
        return refuse(new HubError('API_KEY_REQUIRED'));
      }
      const address = req.socket.remoteAddress ?? 'unknown';
      // a source whose key resolved lately is never held back by a guesser behind the same address
      const guesses = keys.knownIngest(secret) ? null : await badKeys.get(address);
      if (guesses && guesses.remainingPoints <= 0) {
        return refuse(new HubError('RATE_LIMITED', `Too many unknown keys from this address; try again in ${Math.ceil(guesses.msBeforeNext / 1000)} s.`, { retryAfterMs: guesses.msBeforeNext }));
      }
      let client;
      try {
        client = await keys.resolveIngest(secret);
      } catch (error) {
        // a store that does not answer is not the key's fault: that error goes on as it is (503)
        if (!(error instanceof HubError) || error.code === 'STORE_UNAVAILABLE') throw error;
        await badKeys.penalty(address, 1);
        return refuse(error);
      }
      if (!client.scopes.includes(scope)) {
        refuse(new HubError('FORBIDDEN_SCOPE', `The key "${client.label}" may send ${client.scopes.join(', ')}, not ${scope}.`, { scopes: client.scopes }));
      }
      await limit(scope, client.keyId);
      return { region: client.regionCode, name: client.label, keyId: client.keyId };
    },
  };
}
