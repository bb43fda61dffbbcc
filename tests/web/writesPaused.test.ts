/**
 * The hub's database does not answer (server/hub/storeHealth.ts): the wall and the console say
 * "写入暂停 · 数据库不可用 — 画面仍在更新" from hello or `hub:status`, while the connection is live;
 * the console's buttons that change something wait. A connection problem says more and comes first.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { nextTick } from 'vue';
import { PROTOCOL_VERSION, type Hello } from '@shared/events';
import type { HubStatus } from '@shared/schemas/live';
import { useLiveStore } from '../../web/src/stores/live';
import { useWallStore } from '../../web/src/stores/wall';
import { applySnapshot } from '../../web/src/stores/dispatch';
import StaleBanner from '../../web/src/widgets/StaleBanner/StaleBanner.vue';
import { bannerModel } from '../../web/src/widgets/StaleBanner/staleText';
import ActionBar from '../../web/src/console/components/ActionBar.vue';
import AlertCard from '../../web/src/console/components/AlertCard.vue';
import DialogButtons from '../../web/src/console/components/DialogButtons.vue';
import { alert } from './helpers/coordination';
import { connectConsole, type ConsoleSocket } from '../../web/src/console/connection';
import { useConsoleQueue } from '../../web/src/console/stores/queue';
import { FakeSocket } from './helpers/fakeSocket';
import { snapshot, T0 } from './helpers/fixtures';

const DOWN: HubStatus = { writes: 'unavailable', reason: 'a write has waited 1.2 s', since: T0 - 80_000 };
const UP: HubStatus = { writes: 'ok', reason: null, since: T0 };
const hello = (status?: HubStatus): Hello => ({
  protocolVersion: PROTOCOL_VERSION,
  serverTime: T0,
  node: 'a',
  rootRegion: '330200',
  centreName: '宁波市社会治理指挥中心',
  me: { signedIn: false, user: null, expiresAt: null, anonymous: 'read' },
  ...(status ? { status } : {}),
});

beforeEach(() => {
  vi.useFakeTimers({ now: T0 });
  setActivePinia(createPinia());
  localStorage.clear();
});
afterEach(() => vi.useRealTimers());

describe('the words', () => {
  it('a live wall whose hub takes no changes: writes paused, the picture still live, for how long', () => {
    expect(bannerModel('live', T0, T0, 'zh', { writes: DOWN, serverNow: T0 })).toEqual({ level: 'store', main: '写入暂停 · 数据库不可用', detail: '画面仍在更新 · 已1分20秒' });
    expect(bannerModel('live', T0, T0, 'en', { writes: DOWN, serverNow: T0 })).toEqual({ level: 'store', main: 'Writes paused · database unavailable', detail: 'the picture is still live · for 1m 20s' });
    expect(bannerModel('live', T0, T0, 'zh', { writes: UP, serverNow: T0 })).toBeNull();
    expect(bannerModel('live', T0, T0, 'zh', { writes: null })).toBeNull();
  });

  it('a connection problem comes first: a silent hub says nothing about its database', () => {
    expect(bannerModel('stale', T0, T0 + 8_000, 'zh', { writes: DOWN, lastHeardAt: T0 })?.main).toBe('数据延迟 · 已8秒无更新');
    expect(bannerModel('offline', T0, T0 + 8_000, 'zh', { writes: DOWN })?.level).toBe('alert');
  });
});

describe('the wall', () => {
  it('shows the banner from hello and from hub:status, and takes it away when the hub takes changes again', async () => {
    const live = useLiveStore();
    live.setConnected(true);
    live.hello(hello(DOWN));
    applySnapshot(snapshot());
    const w = mount(StaleBanner);
    await nextTick();
    expect(w.find('.banner').classes()).toContain('level-store');
    expect(w.find('.banner').text()).toContain('写入暂停 · 数据库不可用');
    expect(w.find('.banner').text()).toContain('— 画面仍在更新');
    useWallStore().setLang('en');
    await nextTick();
    expect(w.find('.banner').text()).toContain('Writes paused · database unavailable');
    live.setHubStatus(UP);
    await nextTick();
    vi.advanceTimersByTime(1_000); // the banner leaves with a fade
    await nextTick();
    expect(w.find('.level-store').exists()).toBe(false);
    live.setHubStatus({ writes: 'sideways' }); // not the protocol's: ignored, as if unsaid
    expect(live.hubStatus).toBeNull();
    w.unmount();
  });
});

describe('the console', () => {
  it('hears hello and hub:status: the header says so and every button that changes something waits until the hub takes changes again', async () => {
    const fake = new FakeSocket();
    const conn = connectConsole({ socket: fake as unknown as ConsoleSocket, onMe: () => {}, onEnded: () => {}, texts: { noAnswer: 'no answer', offline: 'offline', protocol: 'reload' } });
    fake.connect();
    fake.fire('hello', hello(DOWN));
    const queue = useConsoleQueue();
    expect(queue.hubStatus).toEqual(DOWN);
    const bar = mount(ActionBar, { props: { offered: ['register', 'reject'], busy: false } });
    expect(bar.findAll('button').every((b) => b.attributes('disabled') !== undefined)).toBe(true);
    // every other change waits too: a dialog's deciding button, an alert's acknowledgement (Cancel and opening a case do not)
    const dialog = mount(DialogButtons, { props: { disabled: false } });
    const card = mount(AlertCard, { props: { alert: alert('A1'), offered: true, busy: false, refusal: null } });
    const deciding = () => dialog.find('button.ok').attributes('disabled');
    const ack = () => card.find('[data-alert-ack]').attributes('disabled');
    expect(deciding()).toBeDefined();
    expect(dialog.find('button.cancel').attributes('disabled')).toBeUndefined();
    expect(ack()).toBeDefined();
    expect(card.find('[data-alert-open-case]').attributes('disabled')).toBeUndefined();
    fake.fire('hub:status', UP);
    await nextTick();
    expect(queue.hubStatus).toEqual(UP);
    expect(bar.findAll('button').some((b) => b.attributes('disabled') !== undefined)).toBe(false);
    expect(deciding()).toBeUndefined();
    expect(ack()).toBeUndefined();
    bar.unmount();
    dialog.unmount();
    card.unmount();
    conn.close();
  });
});
