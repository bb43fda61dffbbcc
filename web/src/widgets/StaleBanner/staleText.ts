/** The words of the stale-data banner, from the connection facts (pure, for tests). */
import { fmtDuration, type Lang } from '../../format';
import { translate } from '../../i18n';
import type { LiveStatus } from '../../stores/live';

export interface BannerModel {
  level: 'info' | 'warn' | 'alert';
  main: string;
  detail: string;
}

export function bannerModel(
  status: LiveStatus,
  lastDataAt: number | null,
  clientNow: number,
  lang: Lang,
  extra: { problem?: string | null; attempts?: number } = {},
): BannerModel | null {
  if (extra.problem === 'PROTOCOL_MISMATCH') return { level: 'warn', main: translate(lang, 'bannerProtocol'), detail: '' };
  if (status === 'live') return null;
  if (status === 'connecting' || lastDataAt === null) return { level: 'info', main: translate(lang, 'bannerConnecting'), detail: '' };
  const age = fmtDuration(clientNow - lastDataAt, lang);
  const main = translate(lang, 'bannerInterrupted', { age });
  if (status === 'offline') {
    const attempt = extra.attempts ? ` · ${translate(lang, 'attempt', { n: extra.attempts })}` : '';
    return { level: 'alert', main, detail: translate(lang, 'bannerReconnecting') + attempt };
  }
  return { level: 'warn', main, detail: translate(lang, 'bannerRecovering') };
}
