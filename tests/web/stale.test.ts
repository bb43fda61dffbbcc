import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { applyPositionsFrame, applySnapshot, applyStatsFrame } from '../../web/src/stores/dispatch';
import { useLiveStore } from '../../web/src/stores/live';
import { bannerModel } from '../../web/src/widgets/StaleBanner/staleText';
import { bestOffset, CLOCK_SAMPLES, keepSample, offsetOf, type ClockSample } from '../../web/src/clockSync';
import { encodePositionsFrame } from '@shared/binary/positionsFrame';
import { snapshot, statistics, T0 } from './helpers/fixtures';

beforeEach(() => {
  vi.useFakeTimers({ now: T0 });
  setActivePinia(createPinia());
});
afterEach(() => vi.useRealTimers());

function liveWall() {
  const live = useLiveStore();
  live.configure({ staleAfterMs: 4_000, lostAfterMs: 15_000 });
  const stop = live.startWatchdog();
  live.setConnected(true);
  applySnapshot(snapshot());
  return { live, stop };
}

describe('freshness', () => {
  it('the hub\'s heartbeat keeps a quiet wall live: no data for minutes is not a delay', () => {
    const { live, stop } = liveWall();
    for (let i = 0; i < 300; i++) {
      vi.advanceTimersByTime(1_000);
      live.markHeard();
    }
    expect(live.status).toBe('live');
    stop();
  });

  it('silence is "data delayed" after a few seconds and "connection lost" after the lost limit, while the socket still says connected', () => {
    const { live, stop } = liveWall();
    vi.advanceTimersByTime(3_500);
    expect(live.status).toBe('live');
    vi.advanceTimersByTime(1_500);
    expect(live.status).toBe('stale');
    vi.advanceTimersByTime(9_000);
    expect(live.status).toBe('stale');
    vi.advanceTimersByTime(2_000);
    expect(live.status).toBe('offline');
    expect(live.connected).toBe(true);
    live.markHeard(); // the hub answers again
    expect(live.status).toBe('live');
    stop();
  });

  it('a statistics frame or a positions frame counts as hearing from the hub, and revives it', () => {
    const { live, stop } = liveWall();
    for (let i = 1; i <= 5; i++) {
      vi.advanceTimersByTime(3_000);
      applyStatsFrame({ at: T0 + i * 3_000, regionCode: '330200', stats: statistics(), week: statistics(), risk: {}, areas: [] });
    }
    expect(live.status).toBe('live');
    vi.advanceTimersByTime(6_000);
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

  it('the banner says plainly how long the hub has been silent, or how old the data is', () => {
    expect(bannerModel('stale', T0, T0 + 8_000, 'zh', { lastHeardAt: T0 + 1_000 })).toEqual({ level: 'warn', main: '数据延迟 · 已7秒无更新', detail: '正在恢复数据' });
    expect(bannerModel('stale', T0, T0 + 8_000, 'en', { lastHeardAt: T0 + 1_000 })?.main).toBe('Data delayed · nothing for 7s');
    expect(bannerModel('offline', T0, T0 + 135_000, 'zh', { attempts: 3 })).toEqual({ level: 'alert', main: '连接中断 · 数据停在2分15秒前', detail: '正在自动重连 · 第 3 次' });
    expect(bannerModel('offline', T0, T0 + 3_725_000, 'en')?.main).toBe('Connection lost · data from 1h 2m ago');
    expect(bannerModel('live', T0, T0 + 1000, 'zh')).toBeNull();
    expect(bannerModel('connecting', null, T0, 'zh')?.main).toBe('正在连接指挥中心…');
  });

  it('a wall the hub refuses says why and whom to ask, not that it is reconnecting', () => {
    expect(bannerModel('offline', T0, T0 + 5_000, 'zh', { problem: 'LINK_INVALID', attempts: 4 })).toEqual({
      level: 'alert',
      main: '大屏链接已失效',
      detail: '链接已过期、被撤销或被改动 · 请向指挥中心管理员索取新链接',
    });
    expect(bannerModel('connecting', null, T0, 'en', { problem: 'AUTH_REQUIRED' })?.main).toBe('This wall needs a sign-in or a wall link');
    // the hub's cap on connections: said, and the wall keeps trying by itself
    expect(bannerModel('offline', T0, T0 + 5_000, 'zh', { problem: 'TOO_MANY_CONNECTIONS', attempts: 2 })).toMatchObject({ level: 'alert', main: '连接数已达上限' });
  });
});

describe('clock offset from round trips', () => {
  it('takes the hub\'s clock from the quickest round trip, not from a slow answer', () => {
    // the hub is 10 s ahead; a slow answer (a snapshot's transfer) would read it as 10 s − 3 s
    const samples = [
      { sentAt: 1_000, serverTime: 11_000 + 3_000, receivedAt: 1_000 + 6_000 },
      { sentAt: 20_000, serverTime: 30_010, receivedAt: 20_020 },
      { sentAt: 40_000, serverTime: 50_100, receivedAt: 40_400 },
    ];
    expect(bestOffset(samples)).toEqual({ offsetMs: 10_000, roundTripMs: 20 });
    expect(offsetOf(samples[0]!)).toBe(10_000);
    expect(bestOffset([])).toBeNull();
    let kept: ClockSample[] = [];
    for (let i = 0; i < 20; i++) kept = keepSample(kept, { sentAt: i, serverTime: i, receivedAt: i + 1 });
    expect(kept).toHaveLength(CLOCK_SAMPLES);
    expect(kept[0]!.sentAt).toBe(20 - CLOCK_SAMPLES);
  });

  it('a measured offset is kept over the hello\'s estimate, and a snapshot no longer moves it', () => {
    const { live, stop } = liveWall();
    live.setClock(10_000, 20);
    live.hello({ protocolVersion: 4, serverTime: Date.now() + 99_000, node: 'n', rootRegion: '330200', centreName: '', me: { signedIn: false, user: null, expiresAt: null, anonymous: 'read' } });
    applySnapshot({ ...snapshot(), serverTime: Date.now() - 50_000 });
    expect(live.serverOffsetMs).toBe(10_000);
    expect(live.serverNow(T0)).toBe(T0 + 10_000);
    stop();
  });
});
