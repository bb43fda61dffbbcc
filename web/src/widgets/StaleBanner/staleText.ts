/** The words of the stale-data banner, from the connection facts (pure, for tests). */
import { fmtDuration, type Lang } from '../../format';
import { translate } from '../../i18n';
import type { LiveStatus } from '../../stores/live';

export interface BannerModel {
  level: 'info' | 'warn' | 'alert';
  main: string;
  detail: string;
}

/**
 * `stale`: the hub has been silent (no heartbeat, no data) a few seconds — "data delayed" with how
 * long; `offline`: the connection dropped or the silence passed the lost limit — "connection
 * lost" with the age of the last data the wall shows.
 */
export function bannerModel(
  status: LiveStatus,
  lastDataAt: number | null,
  clientNow: number,
  lang: Lang,
  extra: { problem?: string | null; attempts?: number; lastHeardAt?: number | null } = {},
): BannerModel | null {
  if (extra.problem === 'PROTOCOL_MISMATCH') return { level: 'warn', main: translate(lang, 'bannerProtocol'), detail: '' };
  if (status === 'live') return null;
  if (status === 'connecting' || lastDataAt === null) return { level: 'info', main: translate(lang, 'bannerConnecting'), detail: '' };
  if (status === 'offline') {
    const attempt = extra.attempts ? ` · ${translate(lang, 'attempt', { n: extra.attempts })}` : '';
    return { level: 'alert', main: translate(lang, 'bannerInterrupted', { age: fmtDuration(clientNow - lastDataAt, lang) }), detail: translate(lang, 'bannerReconnecting') + attempt };
  }
  const silentSince = Math.max(extra.lastHeardAt ?? lastDataAt, lastDataAt);
  return { level: 'warn', main: translate(lang, 'bannerDelayed', { age: fmtDuration(Math.max(0, clientNow - silentSince), lang) }), detail: translate(lang, 'bannerRecovering') };
}
