/**
 * 12345's three rates (三率) as the hub counted them (Statistics.hotline), for the wall: 响应率 =
 * orders answered in time ÷ orders due an answer, 解决率 = resolved ÷ residents reached at the
 * callback, 满意率 = satisfied or basically satisfied ÷ residents reached. Each with its counts;
 * "样本少" instead of a percentage under MIN_RATE_BASE (docs/statistics.md has the definitions).
 */
import type { HotlineFigures } from '@shared/schemas/stats';
import { shownRate, type Lang, type ShownRate } from '../../format';
import type { DictKey } from '../../i18n';

export interface HotlineRate {
  key: 'response' | 'resolution' | 'satisfaction';
  label: DictKey;
  shown: ShownRate;
}

export function hotlineRates(h: HotlineFigures | null | undefined, lang: Lang): HotlineRate[] | null {
  if (!h) return null;
  return [
    { key: 'response', label: 'hotlineResponse', shown: shownRate(h.responseRate, h.respondedOnTime, h.responseDue, lang) },
    { key: 'resolution', label: 'hotlineResolution', shown: shownRate(h.resolutionRate, h.resolved, h.contacted, lang) },
    { key: 'satisfaction', label: 'hotlineSatisfaction', shown: shownRate(h.satisfactionRate, h.satisfied, h.contacted, lang) },
  ];
}
