/** The words of the stale-data banner, from the connection facts (pure, for tests). */
import { fmtDuration, type Lang } from '../../format';
import { translate } from '../../i18n';
import type { LiveStatus } from '../../stores/live';
import type { HubStatus } from '@shared/schemas/live';

export interface BannerModel {
  /**
   * `store`: the hub is live but takes no changes (its database does not answer); `cluster`: the
   * hub is live but does not reach Redis — positions taken in by its other nodes stop moving here
   */
  level: 'info' | 'warn' | 'alert' | 'store' | 'cluster';
  main: string;
  detail: string;
}

/**
 * `stale`: the hub has been silent (no heartbeat, no data) a few seconds — "data delayed" with how
 * long; `offline`: the connection dropped or the silence passed the lost limit — "connection
 * lost" with the age of the last data the wall shows. A live hub whose database does not answer
 * (`writes: unavailable`, its `since` on the hub's clock) — "writes paused · database unavailable —
 * the picture is still live": reads and live data go on, changes are refused. A live hub of
 * several nodes that does not reach Redis (`redis.state: unavailable`) — "cluster channel down:
 * positions of other nodes are not updating", after the database's banner, which says more. A
 * connection problem says more and comes first.
 */
export function bannerModel(
  status: LiveStatus,
  lastDataAt: number | null,
  clientNow: number,
  lang: Lang,
  extra: { problem?: string | null; attempts?: number; lastHeardAt?: number | null; writes?: HubStatus | null; serverNow?: number } = {},
): BannerModel | null {
  if (extra.problem === 'PROTOCOL_MISMATCH') return { level: 'warn', main: translate(lang, 'bannerProtocol'), detail: '' };
  // the hub refused this wall (no sign-in, a kiosk link altered, expired or revoked): no reconnecting will help, a person must
  if (extra.problem === 'LINK_INVALID') return { level: 'alert', main: translate(lang, 'bannerLinkInvalid'), detail: translate(lang, 'bannerLinkAsk') };
  // the hub's cap on connections from this address or account: it tries again by itself, but a person should know why it is dark
  if (extra.problem === 'TOO_MANY_CONNECTIONS') return { level: 'alert', main: translate(lang, 'bannerTooMany'), detail: translate(lang, 'bannerTooManyHow') };
  if (extra.problem === 'AUTH_REQUIRED' || extra.problem === 'SESSION_EXPIRED' || extra.problem === 'ACCOUNT_DISABLED') {
    return { level: 'alert', main: translate(lang, 'bannerSignIn'), detail: translate(lang, 'bannerSignInHow') };
  }
  if (status === 'live') {
    const forHow = (since: number) => (extra.serverNow === undefined ? '' : ` · ${translate(lang, 'bannerWritesFor', { age: fmtDuration(Math.max(0, extra.serverNow - since), lang) })}`);
    if (extra.writes?.writes === 'unavailable') return { level: 'store', main: translate(lang, 'bannerWritesPaused'), detail: translate(lang, 'bannerWritesLive') + forHow(extra.writes.since) };
    const redis = extra.writes?.redis;
    if (redis?.state === 'unavailable') return { level: 'cluster', main: translate(lang, 'bannerRedis'), detail: translate(lang, 'bannerRedisLive') + forHow(redis.since) };
    return null;
  }
  if (status === 'connecting' || lastDataAt === null) return { level: 'info', main: translate(lang, 'bannerConnecting'), detail: '' };
  if (status === 'offline') {
    const attempt = extra.attempts ? ` · ${translate(lang, 'attempt', { n: extra.attempts })}` : '';
    return { level: 'alert', main: translate(lang, 'bannerInterrupted', { age: fmtDuration(clientNow - lastDataAt, lang) }), detail: translate(lang, 'bannerReconnecting') + attempt };
  }
  const silentSince = Math.max(extra.lastHeardAt ?? lastDataAt, lastDataAt);
  return { level: 'warn', main: translate(lang, 'bannerDelayed', { age: fmtDuration(Math.max(0, clientNow - silentSince), lang) }), detail: translate(lang, 'bannerRecovering') };
}
