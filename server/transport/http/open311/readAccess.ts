/**
 * Who may read service requests over Open311, and how much of them (issue 17 part 3).
 *
 * The spec leaves GETs keyless, and so they were: anyone who reached the port listed every
 * region's cases with their places and descriptions. They now follow the hub's own rule for
 * reading (WALL_ANONYMOUS, as /api and the wall do): a client the policy admits anonymously (this
 * machine by default) reads everything as before; anyone else sends an ingest key with the
 * `reports` scope (`api_key`, or `X-Api-Key` — FixMyStreet sends its key on GETs with
 * `always_send_api_key`) or a signed-in session, and reads only the cases inside that key's or
 * person's region. A credential that is sent is always used, even where anonymous reading is
 * allowed: a district's key sees its district, never more.
 */
import type { RequestHandler, Response } from 'express';
import { HubError } from '@shared/errors';
import type { Incident } from '@shared/schemas/incident';
import type { Accounts } from '../../../auth/accounts';
import { anonymousMay, identify, identity, type AnonymousPolicy } from '../auth';
import { apiKeyOf, scopeOf, type IngestGate } from '../ingestGate';

export interface Open311ReadDeps {
  accounts: Accounts;
  gate: IngestGate;
  anonymous: AnonymousPolicy;
  rootCode: string;
}

/** what a reader may see: every case (undefined) or those inside one region */
export type ReadScope = string | undefined;

/** the reader's scope, set by the middleware of `open311Readers` */
export function readScope(res: Response): ReadScope {
  return res.locals.open311Scope as ReadScope;
}

/** whether a case lies within what this reader may see */
export function readable(incident: Incident, scope: ReadScope): boolean {
  return scope === undefined || incident.regionPath.includes(scope);
}

/** the middlewares in front of every Open311 read: who reads, then what they may see */
export function open311Readers(deps: Open311ReadDeps): RequestHandler[] {
  const decide: RequestHandler = async (req, res, next) => {
    if (apiKeyOf(req)) {
      // the same door as the POST: a live key with the reports scope, its per-key rate, its region
      const sender = await deps.gate.admit(req, res, 'reports');
      res.locals.open311Scope = scopeOf(sender, deps.rootCode);
      return next();
    }
    const { principal, refusal } = identity(res);
    if (principal) {
      res.locals.open311Scope = principal.user.regionCode === deps.rootCode ? undefined : principal.user.regionCode;
      return next();
    }
    if (anonymousMay(deps.anonymous, req.socket.remoteAddress)) {
      res.locals.open311Scope = undefined;
      return next();
    }
    // a session that ended says so (401); otherwise the spec's answer to a missing key, 403
    throw (
      refusal ??
      new HubError(
        'API_KEY_REQUIRED',
        deps.anonymous === 'off'
          ? 'Reading service requests on this hub needs an api_key (or a signed-in session).'
          : 'Reading service requests from another machine needs an api_key (or a signed-in session); anonymous reading is allowed on the hub’s own machine only.',
      )
    );
  };
  return [identify(deps.accounts), decide];
}
