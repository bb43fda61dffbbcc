/**
 * The signed-in desk (ConsoleWorkspace) in happy-dom for the console's tests: fake timers at T0,
 * a fresh Pinia, a fake socket and a fake hub API per test; mounted, greeted and given its
 * snapshot as the hub would.
 */
import { afterEach, beforeEach, vi } from 'vitest';
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import { PROTOCOL_VERSION } from '@shared/events';
import type { Me, Role } from '@shared/schemas/auth';
import type { Snapshot } from '@shared/schemas/live';
import ConsoleWorkspace from '../../../web/src/console/ConsoleWorkspace.vue';
import type { ConsoleSocket } from '../../../web/src/console/connection';
import { useConsoleSession } from '../../../web/src/console/stores/session';
import { FakeSocket } from './fakeSocket';
import { snapshot, T0 } from './fixtures';

export const signedIn = (role: Role, regionCode = '330200'): Me => ({
  signedIn: true,
  user: { username: 'op1', displayName: '值班员甲', role, regionCode, disabled: false, createdAt: T0, passwordChangedAt: T0 },
  expiresAt: T0 + 8 * 3_600_000,
  anonymous: 'none',
});

export function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

export async function press(key: string, target: EventTarget = document.body): Promise<void> {
  // Vue ignores an event on an ancestor whose listener was attached at the event's own time
  // (Date.now() is frozen here): let a millisecond pass, as it always does for a person typing
  vi.advanceTimersByTime(1);
  target.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true }));
  await flushPromises();
}

export interface Desk {
  /** this test's socket */
  readonly fake: FakeSocket;
  /** the mounted desk, once mount() ran */
  readonly wrapper: VueWrapper | null;
  /** signs `me` in, mounts the desk, and answers its hello and subscription with `contents` */
  mount(me: Me, contents: Partial<Snapshot>): Promise<VueWrapper>;
}

/** registers the per-test set-up and tear-down; `hub` answers the desk's fetches */
export function setUpDesk(hub: (url: string) => Response): Desk {
  let fake = new FakeSocket();
  let pinia: Pinia;
  let wrapper: VueWrapper | null = null;

  beforeEach(() => {
    vi.useFakeTimers({ now: T0, toFake: ['setTimeout', 'setInterval', 'clearTimeout', 'clearInterval', 'Date'] });
    pinia = createPinia();
    setActivePinia(pinia);
    fake = new FakeSocket();
    vi.stubGlobal('fetch', vi.fn(async (url: string) => hub(url)));
  });
  afterEach(() => {
    wrapper?.unmount();
    wrapper = null;
    vi.unstubAllGlobals();
    vi.useRealTimers();
  });

  return {
    get fake() {
      return fake;
    },
    get wrapper() {
      return wrapper;
    },
    async mount(me, contents) {
      useConsoleSession().accept(me);
      wrapper = mount(ConsoleWorkspace, { props: { socket: fake as unknown as ConsoleSocket }, global: { plugins: [pinia] }, attachTo: document.body });
      fake.connected = true;
      fake.fire('hello', { protocolVersion: PROTOCOL_VERSION, serverTime: T0, node: 'a', rootRegion: '330200', centreName: '中心', me });
      fake.of('subscribe')[0]!.answer(null, { ok: true, data: { mode: 'snapshot', snapshot: snapshot(contents) } });
      await flushPromises();
      return wrapper;
    },
  };
}
