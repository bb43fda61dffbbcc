/**
 * Follows a fast-changing counter (a store's `version`) at most once per interval, first change at
 * once and the last one always: lists recompute a few times a second at most, however busy the
 * city is, and the wall never flickers.
 */
import { onScopeDispose, ref, watch, type Ref } from 'vue';

export function useThrottled<T>(source: () => T, intervalMs: number): Readonly<Ref<T>> {
  const value = ref(source()) as Ref<T>;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let last = 0;
  let dirty = false;
  const flush = () => {
    timer = null;
    if (!dirty) return;
    dirty = false;
    last = Date.now();
    value.value = source();
  };
  watch(source, () => {
    dirty = true;
    if (timer !== null) return;
    const wait = Math.max(0, last + intervalMs - Date.now());
    timer = setTimeout(flush, wait);
  });
  onScopeDispose(() => {
    if (timer !== null) clearTimeout(timer);
  });
  return value;
}
