/**
 * Sign-in at /console: the form when the hub says nobody is signed in, the hub's own words when it
 * refuses, the desk (with who, role, region and the session's end) once signed in, and back to the
 * form on sign-out or when the session ends, saying why.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import type { Me, SignInResult } from '@shared/schemas/auth';
import { T0 } from './helpers/fixtures';

/** the desk's connection: only its listeners matter here (auth:ended) */
const handlers = new Map<string, (...args: unknown[]) => void>();
const socket = { connected: false, on: (e: string, f: () => void) => handlers.set(e, f), off: (e: string) => handlers.delete(e), disconnect: () => {}, timeout: () => ({ emit: () => {} }) };
vi.mock('socket.io-client', () => ({ io: () => socket }));

import ConsoleApp from '../../web/src/console/ConsoleApp.vue';
import { useConsoleSession } from '../../web/src/console/stores/session';

const USER = { username: 'op1', displayName: '值班员甲', role: 'operator' as const, regionCode: '330203', disabled: false, createdAt: T0, passwordChangedAt: T0 };
const NOBODY: Me = { signedIn: false, user: null, expiresAt: null, anonymous: 'read' };

let pinia: Pinia;
let wrapper: VueWrapper | null = null;
let loginAnswer: { status: number; body: unknown } = { status: 200, body: {} };
const posts: { url: string; body: unknown }[] = [];

function json(body: unknown, status = 200): Response {
  return new Response(status === 204 ? null : JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

beforeEach(() => {
  pinia = createPinia();
  setActivePinia(pinia);
  posts.length = 0;
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init?: RequestInit) => {
      if (init?.method === 'POST') posts.push({ url, body: init.body ? JSON.parse(String(init.body)) : null });
      if (url === '/api/auth/me') return json(NOBODY);
      if (url === '/api/auth/login') return json(loginAnswer.body, loginAnswer.status);
      if (url === '/api/auth/logout') return json(null, 204);
      return json({ error: 'NOT_FOUND', message: 'no' }, 404);
    }),
  );
});
afterEach(() => {
  wrapper?.unmount();
  wrapper = null;
  vi.unstubAllGlobals();
});

async function open(): Promise<VueWrapper> {
  wrapper = mount(ConsoleApp, { global: { plugins: [pinia] }, attachTo: document.body });
  await flushPromises();
  return wrapper;
}

async function signIn(w: VueWrapper, username: string, password: string): Promise<void> {
  await w.find('input[name="username"]').setValue(username);
  await w.find('input[name="password"]').setValue(password);
  await w.find('form').trigger('submit');
  await flushPromises();
}

describe('sign-in', () => {
  it('shows the form, focused on the user name, when nobody is signed in', async () => {
    const w = await open();
    expect(w.find('form').exists()).toBe(true);
    expect(document.activeElement).toBe(w.find('input[name="username"]').element);
  });

  it('shows the hub’s message when it refuses, and clears the password', async () => {
    loginAnswer = { status: 401, body: { error: 'BAD_CREDENTIALS', message: '用户名或密码错误。' } };
    const w = await open();
    await signIn(w, 'op1', 'wrong-password');
    expect(posts).toEqual([{ url: '/api/auth/login', body: { username: 'op1', password: 'wrong-password' } }]);
    expect(w.find('[role="alert"]').text()).toBe('用户名或密码错误。');
    expect((w.find('input[name="password"]').element as HTMLInputElement).value).toBe('');
    loginAnswer = { status: 429, body: { error: 'TOO_MANY_ATTEMPTS', message: '尝试次数过多，请稍后再试。' } };
    await signIn(w, 'op1', 'another-guess');
    expect(w.find('[role="alert"]').text()).toBe('尝试次数过多，请稍后再试。');
  });

  it('an empty field is not sent', async () => {
    const w = await open();
    await signIn(w, 'op1', '');
    expect(posts).toEqual([]);
    expect(document.activeElement).toBe(w.find('input[name="password"]').element);
  });

  it('signed in: the desk says who, in which role and region, until when; sign-out returns to the form', async () => {
    const result: SignInResult = { user: USER, token: 't'.repeat(40), expiresAt: Date.now() + 8 * 3_600_000 };
    loginAnswer = { status: 200, body: result };
    const w = await open();
    await signIn(w, 'op1', 'right-password-1');
    const who = w.find('[data-who]').text();
    expect(who).toContain('值班员甲');
    expect(who).toContain('值班员');
    expect(who).toContain('330203'); // the region's name arrives with the snapshot; its code until then
    expect(who).toContain('会话至');
    await w.find('.signout').trigger('click');
    await flushPromises();
    expect(posts.at(-1)?.url).toBe('/api/auth/logout');
    expect(w.find('form').exists()).toBe(true);
  });

  it('the desk returns to the form by itself when the session’s time is up', async () => {
    loginAnswer = { status: 200, body: { user: USER, token: 't'.repeat(40), expiresAt: Date.now() - 1000 } };
    const w = await open();
    await signIn(w, 'op1', 'right-password-1');
    await new Promise((r) => setTimeout(r, 5));
    await flushPromises();
    expect(w.find('form').text()).toContain('会话已结束');
  });

  it('a session the hub ends (auth:ended) returns to the form, saying why', async () => {
    loginAnswer = { status: 200, body: { user: USER, token: 't'.repeat(40), expiresAt: Date.now() + 3_600_000 } };
    const w = await open();
    await signIn(w, 'op1', 'right-password-1');
    expect(w.find('[data-who]').exists()).toBe(true);
    handlers.get('auth:ended')!({ reason: '账号已停用' });
    await flushPromises();
    expect(useConsoleSession().phase).toBe('signedOut');
    expect(w.find('form').text()).toContain('会话已结束（账号已停用），请重新登录');
  });
});
