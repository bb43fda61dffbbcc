/**
 * A hub of several nodes that does not reach Redis (server/cluster): the wall says
 * "集群消息通道中断：其他节点的巡逻位置暂不更新 — 本节点的画面与操作照常" from hello or `hub:status`
 * while the connection is live, and takes it away when Redis is back. The database's banner says
 * more and comes first; a single node (no `redis` in the status) says nothing.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { nextTick } from 'vue';
import { PROTOCOL_VERSION } from '@shared/events';
import type { HubStatus } from '@shared/schemas/live';
import { useLiveStore } from '../../web/src/stores/live';
import { useWallStore } from '../../web/src/stores/wall';
import { applySnapshot } from '../../web/src/stores/dispatch';
import StaleBanner from '../../web/src/widgets/StaleBanner/StaleBanner.vue';
import { bannerModel } from '../../web/src/widgets/StaleBanner/staleText';
import { snapshot, T0 } from './helpers/fixtures';

const REDIS_DOWN: HubStatus = { writes: 'ok', reason: null, since: T0 - 600_000, redis: { state: 'unavailable', since: T0 - 45_000, reason: 'publisher reconnecting' } };
const REDIS_UP: HubStatus = { writes: 'ok', reason: null, since: T0 - 600_000, redis: { state: 'ok', since: T0, reason: null } };

beforeEach(() => {
  vi.useFakeTimers({ now: T0 });
  setActivePinia(createPinia());
  localStorage.clear();
});
afterEach(() => vi.useRealTimers());

describe('the words', () => {
  it('a live wall whose hub does not reach Redis: positions of other nodes are not updating, for how long', () => {
    expect(bannerModel('live', T0, T0, 'zh', { writes: REDIS_DOWN, serverNow: T0 })).toEqual({ level: 'cluster', main: '集群消息通道中断：其他节点的巡逻位置暂不更新', detail: '本节点的画面与操作照常 · 已45秒' });
    expect(bannerModel('live', T0, T0, 'en', { writes: REDIS_DOWN, serverNow: T0 })?.main).toBe('Cluster channel down: patrol positions from other nodes are not updating');
    expect(bannerModel('live', T0, T0, 'zh', { writes: REDIS_UP, serverNow: T0 })).toBeNull();
    // a single node says nothing of Redis
    expect(bannerModel('live', T0, T0, 'zh', { writes: { writes: 'ok', reason: null, since: T0 }, serverNow: T0 })).toBeNull();
  });

  it('the database down as well: its banner comes first; a connection problem before both', () => {
    const both: HubStatus = { ...REDIS_DOWN, writes: 'unavailable', reason: 'a write has waited 1.2 s' };
    expect(bannerModel('live', T0, T0, 'zh', { writes: both, serverNow: T0 })?.level).toBe('store');
    expect(bannerModel('offline', T0, T0 + 8_000, 'zh', { writes: REDIS_DOWN })?.level).toBe('alert');
  });
});

describe('the wall', () => {
  it('shows the banner from hello and hub:status, and takes it away when Redis is back', async () => {
    const live = useLiveStore();
    live.setConnected(true);
    live.hello({ protocolVersion: PROTOCOL_VERSION, serverTime: T0, node: 'b', rootRegion: '330200', centreName: '宁波市社会治理指挥中心', me: { signedIn: false, user: null, expiresAt: null, anonymous: 'read' }, status: REDIS_DOWN });
    applySnapshot(snapshot());
    const w = mount(StaleBanner);
    await nextTick();
    expect(w.find('.banner').classes()).toContain('level-cluster');
    expect(w.find('.banner').text()).toContain('集群消息通道中断：其他节点的巡逻位置暂不更新');
    expect(w.find('.banner').text()).toContain('— 本节点的画面与操作照常');
    useWallStore().setLang('en');
    await nextTick();
    expect(w.find('.banner').text()).toContain('Cluster channel down');
    live.setHubStatus(REDIS_UP);
    await nextTick();
    vi.advanceTimersByTime(1_000); // the banner leaves with a fade
    await nextTick();
    expect(w.find('.level-cluster').exists()).toBe(false);
    w.unmount();
  });
});
