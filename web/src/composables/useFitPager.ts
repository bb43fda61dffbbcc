/**
 * Pages through a list whose rows differ in height (a title that wraps onto a second line rather
 * than being cut): each page holds the rows that fit whole in the box, measured after they render,
 * and the next page starts at the first row that did not fit. Rows past the fit stay laid out but
 * hidden (`fits(i)` false), so measuring never changes what it measures. Rows carry `data-fit-row`.
 */
import { computed, nextTick, onBeforeUnmount, onMounted, ref, watch, type Ref } from 'vue';

export function useFitPager<T>(box: Readonly<Ref<HTMLElement | null>>, items: () => readonly T[], intervalMs = 10_000, cap = 12) {
  const start = ref(0);
  /** rows of the current page that fit whole; `cap` until measured */
  const fit = ref(cap);
  const visible = computed(() => items().slice(start.value, start.value + cap));
  let observer: ResizeObserver | null = null;
  let timer: ReturnType<typeof setInterval> | null = null;

  async function measure(): Promise<void> {
    await nextTick();
    const el = box.value;
    if (!el) return;
    const bottom = el.getBoundingClientRect().bottom + 0.5;
    let n = 0;
    for (const row of el.querySelectorAll<HTMLElement>('[data-fit-row]')) {
      if (row.getBoundingClientRect().bottom > bottom) break;
      n++;
    }
    // a box too small for one row still shows its first row (the measure would flag it clipped)
    fit.value = Math.max(1, n);
  }

  watch(visible, () => void measure(), { flush: 'post' });
  watch(
    () => items().length,
    (n) => {
      if (start.value >= n) start.value = 0;
    },
  );

  // the box may come and go (a list shown only where the panel has room): observe whichever is there
  const observe = (el: HTMLElement | null) => {
    observer?.disconnect();
    if (el) observer?.observe(el);
    void measure();
  };
  watch(box, observe, { flush: 'post' });

  onMounted(() => {
    if (typeof ResizeObserver !== 'undefined') observer = new ResizeObserver(() => void measure());
    observe(box.value);
    void document.fonts?.ready.then(() => measure());
    timer = setInterval(() => {
      const next = start.value + fit.value;
      start.value = next < items().length ? next : 0;
    }, intervalMs);
  });

  onBeforeUnmount(() => {
    observer?.disconnect();
    if (timer !== null) clearInterval(timer);
  });

  /** whether the i-th visible row is on this page (it fits whole) */
  const fits = (i: number) => i < fit.value;
  /** "rows a–b of n" for a page line; null when everything is on one page */
  const range = computed(() => {
    const n = items().length;
    const shown = Math.min(fit.value, visible.value.length);
    return n > shown ? { from: start.value + 1, to: start.value + shown, of: n } : null;
  });

  return { start, fit, visible, fits, range };
}
