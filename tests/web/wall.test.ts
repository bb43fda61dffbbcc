/**
 * The whole wall mounted in happy-dom (ECharts and the map replaced by stand-ins): it renders the
 * snapshot's figures, follows deltas without a remount, and leaves nothing running when unmounted.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mount, flushPromises } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { defineComponent, h, nextTick } from 'vue';

const charts: { disposed: boolean; options: unknown[] }[] = [];
vi.mock('echarts/core', () => ({
  use: () => {},
  init: () => {
    const chart = { disposed: false, options: [] as unknown[] };
    charts.push(chart);
    return {
      setOption: (o: unknown) => chart.options.push(o),
      resize: () => {},
      dispose: () => (chart.disposed = true),
    };
  },
}));
vi.mock('../../web/src/map/MapView.vue', () => ({ default: defineComponent({ name: 'MapView', render: () => h('div', { class: 'map-stub' }) }) }));

import WallLayout from '../../web/src/layouts/WallLayout.vue';
import { computeScale } from '../../web/src/layouts/scale';
import { applyDelta, applySnapshot, applyStatsFrame } from '../../web/src/stores/dispatch';
import { useLiveStore } from '../../web/src/stores/live';
import { incident, reported, snapshot, statistics, T0 } from './helpers/fixtures';

beforeEach(() => {
  vi.useFakeTimers({ now: T0, toFake: ['setTimeout', 'setInterval', 'clearTimeout', 'clearInterval', 'Date', 'requestAnimationFrame', 'cancelAnimationFrame', 'performance'] });
  setActivePinia(createPinia());
  localStorage.clear();
  charts.length = 0;
});
afterEach(() => vi.useRealTimers());

function mountWall(width = 1920, height = 1080) {
  return mount(WallLayout, { props: { scale: computeScale(width, height), controlsVisible: false } });
}

describe('the wall', () => {
  it('shows the snapshot’s figures and updates with the next statistics frame', async () => {
    useLiveStore().setConnected(true);
    applySnapshot(snapshot());
    const wrapper = mountWall();
    await flushPromises();
    expect(wrapper.find('[data-kpi="reported"]').text()).toContain('57');
    expect(wrapper.find('[data-kpi="closureRate"]').text()).toContain('64.6');
    expect(wrapper.find('[data-source="hotline"]').text()).toContain('20');
    expect(wrapper.find('[data-panel="StreetRanking"]').text()).toContain('南门街道');
    expect(wrapper.find('.header').text()).toContain('宁波市社会治理指挥中心');
    expect(wrapper.find('.header').text()).toContain('实时');
    expect(charts.length).toBeGreaterThanOrEqual(3);

    applyStatsFrame({ at: T0 + 2000, regionCode: '330200', stats: statistics({ overdueOpen: 49 }), week: statistics(), risk: {}, areas: [] });
    await nextTick();
    await vi.advanceTimersByTimeAsync(2000); // the figure glides for ~1 s, then shows the exact value
    expect(wrapper.find('[data-kpi="overdue"]').text()).toContain('49');
    wrapper.unmount();
  });

  it('a serious report raises the alarm card; the ticker shows the new line', async () => {
    useLiveStore().setConnected(true);
    applySnapshot(snapshot());
    const wrapper = mountWall();
    applyDelta(reported(incident('S9', { severity: 4, title: '化工厂火情', reportedAt: T0, updatedAt: T0 }), 101));
    await vi.advanceTimersByTimeAsync(1600);
    expect(wrapper.find('.alarm').text()).toContain('化工厂火情');
    expect(wrapper.find('.ticker').text()).toContain('化工厂火情');
    wrapper.unmount();
  });

  it('uses more columns on an ultra-wide wall', () => {
    const wrapper = mountWall(7680, 2160);
    expect(wrapper.findAll('.col.side')).toHaveLength(4);
    wrapper.unmount();
    const standard = mountWall(1920, 1080);
    expect(standard.findAll('.col.side')).toHaveLength(2);
    standard.unmount();
  });

  it('the stale banner appears when the data stops, with its age', async () => {
    const live = useLiveStore();
    live.setConnected(true);
    applySnapshot(snapshot());
    const wrapper = mountWall();
    live.setConnected(false);
    await vi.advanceTimersByTimeAsync(135_100); // the clock ticks just after each whole second
    expect(wrapper.find('.banner').text()).toContain('连接中断 · 数据停在2分15秒前');
    wrapper.unmount();
  });

  it('the header dates the figures by the last time the hub was heard: a quiet minute with heartbeats is not old data', async () => {
    const live = useLiveStore();
    live.setConnected(true);
    applySnapshot(snapshot());
    const wrapper = mountWall();
    for (let i = 0; i < 60; i++) {
      await vi.advanceTimersByTimeAsync(1_000);
      live.markHeard();
    }
    await vi.advanceTimersByTimeAsync(100);
    const header = wrapper.find('.header').text();
    expect(header).toContain('数据更新于');
    expect(header).not.toMatch(/数据更新于\s*1分/); // not "a minute ago"
    expect(wrapper.find('.banner').exists()).toBe(false);
    wrapper.unmount();
  });

  it('unmounting disposes every chart', () => {
    applySnapshot(snapshot());
    const wrapper = mountWall();
    wrapper.unmount();
    expect(charts.length).toBeGreaterThan(0);
    expect(charts.every((c) => c.disposed)).toBe(true);
  });
});
