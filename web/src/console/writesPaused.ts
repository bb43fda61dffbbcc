/**
 * Whether the hub takes changes now: while its database does not answer (hub:status, issue 17)
 * every button that would change something is disabled — the steps, alarm decisions, focus and
 * alert acknowledgement, the deciding button of every dialog — and the header says why. Reading
 * goes on. A key pressed meanwhile is still sent and answered STORE_UNAVAILABLE, shown as a refusal.
 */
import { computed, type ComputedRef } from 'vue';
import { useConsoleQueue } from './stores/queue';

export function useWritesPaused(): ComputedRef<boolean> {
  const queue = useConsoleQueue();
  return computed(() => queue.hubStatus?.writes === 'unavailable');
}
