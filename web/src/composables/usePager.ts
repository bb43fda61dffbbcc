/**
 * Pages through a list that is longer than its box, one page every `intervalMs`: as many rows per
 * page as fit (measured, so it adapts to every layout mode), never a scrollbar, never a half row.
 * `onCycle` runs each time the last page has had its turn (every interval for a one-page list):
 * a panel that shows several lists in turn switches there.
 */
import { computed, onBeforeUnmount, onMounted, ref, watch, type Ref } from 'vue';
import { currentScale } from '../layouts/scale';
import { useBoxSize } from './useBoxSize';

export function usePager(el: Readonly<Ref<HTMLElement | null>>, rowDesignPx: number, count: () => number, intervalMs = 10_000, onCycle?: () => void) {
  const { height } = useBoxSize(el);
  const page = ref(0);
  const perPage = computed(() => Math.max(1, Math.floor(height.value / (rowDesignPx * currentScale.value.u))));
  const pages = computed(() => Math.max(1, Math.ceil(count() / perPage.value)));
  let timer: ReturnType<typeof setInterval> | null = null;

  watch(pages, (n) => {
    if (page.value >= n) page.value = 0;
  });

  onMounted(() => {
    timer = setInterval(() => {
      if (page.value + 1 < pages.value) {
        page.value++;
        return;
      }
      page.value = 0;
      onCycle?.();
    }, intervalMs);
  });

  onBeforeUnmount(() => {
    if (timer !== null) clearInterval(timer);
  });

  /** the slice of `items` on the current page */
  function slice<T>(items: readonly T[]): T[] {
    const start = page.value * perPage.value;
    return items.slice(start, start + perPage.value);
  }

  return { page, pages, perPage, slice };
}
