/**
 * An element's content box in CSS px, kept up to date by one ResizeObserver for the life of the
 * component (0 until mounted and measured, and where there is no ResizeObserver: tests). What
 * the fitting panels read to decide how many rows, bars or KPIs their box holds.
 */
import { onBeforeUnmount, onMounted, ref, type Ref } from 'vue';

export function useBoxSize(el: Readonly<Ref<HTMLElement | null>>): { width: Ref<number>; height: Ref<number> } {
  const width = ref(0);
  const height = ref(0);
  let observer: ResizeObserver | null = null;
  const read = (box: HTMLElement) => {
    width.value = box.clientWidth;
    height.value = box.clientHeight;
  };
  onMounted(() => {
    const box = el.value;
    if (!box) return;
    read(box);
    if (typeof ResizeObserver === 'undefined') return;
    observer = new ResizeObserver(() => read(box));
    observer.observe(box);
  });
  onBeforeUnmount(() => observer?.disconnect());
  return { width, height };
}
