import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { applyPositionsFrame, applySnapshot, applyStatsFrame } from '../../web/src/stores/dispatch';
import { useLiveStore } from '../../web/src/stores/live';
import { bannerModel } from '../../web/src/widgets/StaleBanner/staleText';
import { encodePositionsFrame } from '@shared/binary/positionsFrame';
import { snapshot, statistics, T0 } from './helpers/fixtures';

beforeEach(() => {
  vi.useFakeTimers({ now: T0 });
  setActivePinia(createPinia());
});
afterEach(() => vi.useRealTimers());

function liveWall() {
  const live = useLiveStore();
  live.configure({ staleAfterMs: 45_000 });
  const stop = live.startWatchdog();
  live.setConnected(true);
  applySnapshot(snapshot());
  return { live, stop };
}

describe('stale-data guard', () => {
  it('turns stale when neither statistics nor positions arrive for the limit', () => {
    const { live, stop } = liveWall();
    expect(live.status).toBe('live');
    vi.advanceTimersByTime(44_000);
    expect(live.status).toBe('live');
    vi.advanceTimersByTime(2_000);
    expect(live.status).toBe('stale');
    stop();
  });

  it('a statistics frame or a positions frame keeps it live, and revives it', () => {
    const { live, stop } = liveWall();
    for (let i = 1; i <= 5; i++) {
      vi.advanceTimersByTime(30_000);
      applyStatsFrame({ at: T0 + i * 30_000, regionCode: '330200', stats: statistics(), week: statistics(), risk: {}, areas: [] });
    }
    expect(live.status).toBe('live');
    vi.advanceTimersByTime(50_000);
    expect(live.status).toBe('stale');
    applyPositionsFrame(encodePositionsFrame(1, Date.now(), [{ idx: 0, lng: 121.5, lat: 29.8, status: 'on_duty', at: Date.now() }]));
    expect(live.status).toBe('live');
    stop();
  });

  it('a dropped connection is offline at once, and live again after the next snapshot', () => {
    const { live, stop } = liveWall();
    live.setConnected(false);
    expect(live.status).toBe('offline');
    vi.advanceTimersByTime(135_000);
    expect(live.status).toBe('offline');
    live.setConnected(true);
    expect(live.status).toBe('offline'); // connected, but not yet subscribed: nothing new to show
    applySnapshot(snapshot());
    expect(live.status).toBe('live');
    stop();
  });

  it('before any data the wall says it is connecting, not that data stopped', () => {
    const live = useLiveStore();
    expect(live.status).toBe('connecting');
    live.setConnected(false);
    expect(live.status).toBe('connecting');
  });

  it('the banner says plainly how old the data is', () => {
    expect(bannerModel('stale', T0, T0 + 135_000, 'zh')).toEqual({ level: 'warn', main: '数据已中断 · 2分15秒前', detail: '正在恢复数据' });
    expect(bannerModel('offline', T0, T0 + 135_000, 'zh', { attempts: 3 })?.detail).toBe('正在自动重连 · 第 3 次');
    expect(bannerModel('offline', T0, T0 + 3_725_000, 'en')?.main).toBe('Data interrupted · 1h 2m ago');
    expect(bannerModel('live', T0, T0 + 1000, 'zh')).toBeNull();
    expect(bannerModel('connecting', null, T0, 'zh')?.main).toBe('正在连接指挥中心…');
  });
});
