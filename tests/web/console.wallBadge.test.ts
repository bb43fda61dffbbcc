/**
 * The wall says on screen when it runs read-only without a signed-in user (hello.me), in the
 * wall's language; a signed-in wall, or one that has not heard from the hub yet, says nothing.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { nextTick } from 'vue';
import { PROTOCOL_VERSION, type Hello } from '@shared/events';
import type { Me } from '@shared/schemas/auth';
import Header from '../../web/src/widgets/Header/Header.vue';
import { useLiveStore } from '../../web/src/stores/live';
import { useWallStore } from '../../web/src/stores/wall';
import { T0 } from './helpers/fixtures';

const hello = (me: Me): Hello => ({ protocolVersion: PROTOCOL_VERSION, serverTime: T0, node: 'a', rootRegion: '330200', centreName: '宁波市社会治理指挥中心', me });
const ANONYMOUS: Me = { signedIn: false, user: null, expiresAt: null, anonymous: 'read' };

beforeEach(() => {
  vi.useFakeTimers({ now: T0 });
  setActivePinia(createPinia());
  localStorage.clear();
});
afterEach(() => vi.useRealTimers());

describe('the wall’s read-only badge', () => {
  it('shows 只读 (why, in its title) when the hub says nobody is signed in, in English with ?lang=en', async () => {
    const w = mount(Header, { props: { controlsVisible: false } });
    expect(w.find('[data-readonly]').exists()).toBe(false); // before hello: unknown, so silent
    useLiveStore().hello(hello(ANONYMOUS));
    await nextTick();
    expect(w.find('[data-readonly]').text()).toBe('只读');
    expect(w.find('[data-readonly]').attributes('title')).toContain('未登录');
    useWallStore().setLang('en');
    await nextTick();
    expect(w.find('[data-readonly]').text()).toBe('Read-only');
    expect(w.find('[data-readonly]').attributes('title')).toContain('Not signed in');
    w.unmount();
  });

  it('says nothing on a wall with a signed-in user', async () => {
    const w = mount(Header, { props: { controlsVisible: false } });
    const user = { username: 'wall1', displayName: '大屏', role: 'viewer' as const, regionCode: '330200', disabled: false, createdAt: T0, passwordChangedAt: T0 };
    useLiveStore().hello(hello({ signedIn: true, user, expiresAt: T0 + 3_600_000, anonymous: 'none' }));
    await nextTick();
    expect(w.find('[data-readonly]').exists()).toBe(false);
    w.unmount();
  });
});
