/**
 * Who is signed in at this desk. The hub holds the session (an HttpOnly cookie the page never
 * sees); this store only mirrors what the hub says: GET /api/auth/me on load, the sign-in answer,
 * and `hello.me` on every socket connection. When the session ends (signed out, expired, disabled)
 * the console returns to the sign-in form and says why.
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { Me } from '@shared/schemas/auth';
import { fetchMe, signIn as postSignIn, signOut as postSignOut } from '../api';

export type SessionPhase = 'checking' | 'signedOut' | 'signedIn';

export const useConsoleSession = defineStore('console-session', () => {
  const me = shallowRef<Me | null>(null);
  const phase = ref<SessionPhase>('checking');
  /** why the sign-in form is shown again (the hub's words, or the console's for a known reason) */
  const endedReason = ref<string | null>(null);
  /** bumps with every new session, so the workspace (and its connection) starts afresh */
  const generation = ref(0);

  const user = computed(() => me.value?.user ?? null);
  /** viewers see the queue but are offered no step */
  const readOnly = computed(() => !user.value || user.value.role === 'viewer');

  /** takes what the hub says about this client; false when nobody is signed in */
  function accept(m: Me): boolean {
    if (!m.signedIn || !m.user) {
      me.value = null;
      phase.value = 'signedOut';
      return false;
    }
    const fresh = phase.value !== 'signedIn';
    me.value = m;
    phase.value = 'signedIn';
    if (fresh) {
      endedReason.value = null;
      generation.value++;
    }
    return true;
  }

  async function check(): Promise<void> {
    try {
      accept(await fetchMe());
    } catch (error) {
      me.value = null;
      phase.value = 'signedOut';
      endedReason.value = error instanceof Error ? error.message : String(error);
    }
  }

  /** signs in; resolves to the hub's message when it refuses, null on success */
  async function signIn(username: string, password: string): Promise<string | null> {
    try {
      const r = await postSignIn({ username, password });
      accept({ signedIn: true, user: r.user, expiresAt: r.expiresAt, anonymous: me.value?.anonymous ?? 'none' });
      return null;
    } catch (error) {
      // the hub's message as it words it (ApiError), or the browser's when the hub was unreachable
      return error instanceof Error ? error.message : String(error);
    }
  }

  async function signOut(): Promise<void> {
    try {
      await postSignOut();
    } catch {
      /* the session ends on this desk either way; the hub forgets it when it expires */
    }
    end(null);
  }

  /** the session is over: back to the sign-in form, saying why when there is a reason */
  function end(reason: string | null): void {
    me.value = null;
    phase.value = 'signedOut';
    endedReason.value = reason;
  }

  return { me, phase, endedReason, generation, user, readOnly, accept, check, signIn, signOut, end };
});
