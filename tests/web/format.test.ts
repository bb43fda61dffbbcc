import { describe, expect, it } from 'vitest';
import { fmtClock, fmtDate, fmtDuration, fmtInt, fmtRate, offsetFromDayStart } from '../../web/src/format';
import { readConfig } from '../../web/src/config';

describe('formatting', () => {
  it('durations in at most two units, in both languages', () => {
    expect(fmtDuration(135_000, 'zh')).toBe('2分15秒');
    expect(fmtDuration(3 * 3_600_000 + 12 * 60_000 + 5_000, 'zh')).toBe('3小时12分');
    expect(fmtDuration(2 * 86_400_000 + 3 * 3_600_000, 'en')).toBe('2d 3h');
    expect(fmtDuration(120_000, 'zh')).toBe('2分');
    expect(fmtDuration(-5, 'zh')).toBe('0秒');
  });

  it('rates and counts', () => {
    expect(fmtRate(0.9166)).toBe('91.7%');
    expect(fmtRate(null)).toBe('—');
    expect(fmtInt(12345)).toBe('12,345');
  });

  it('times are on the centre’s clock, not the kiosk’s', () => {
    const t = Date.UTC(2026, 10, 25, 16, 30, 5); // 00:30:05 next day in Ningbo
    expect(fmtClock(t, 480)).toBe('00:30:05');
    expect(fmtDate(t, 480, 'zh')).toBe('2026年11月26日 星期四');
  });

  it('the centre’s offset is read back from a day window cut at local midnight', () => {
    expect(offsetFromDayStart(Date.UTC(2026, 10, 24, 16))).toBe(480);
    expect(offsetFromDayStart(Date.UTC(2026, 10, 25, 5))).toBe(-300);
    expect(offsetFromDayStart(Date.UTC(2026, 10, 25, 0))).toBe(0);
    expect(offsetFromDayStart(null)).toBe(480);
  });

  it('settings come from the URL, with safe defaults', () => {
    const c = readConfig('?lang=en&region=330203&tour=1&tourSec=20&staleSec=bogus');
    expect(c).toMatchObject({ lang: 'en', region: '330203', tour: true, tourStepMs: 20_000, staleAfterMs: 4_000, lostAfterMs: 15_000 });
    expect(readConfig('?staleSec=6&lostSec=30')).toMatchObject({ staleAfterMs: 6_000, lostAfterMs: 30_000 });
    expect(readConfig('?region=<script>').region).toBeNull();
  });
});
