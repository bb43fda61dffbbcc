/**
 * Fewer, larger items: what does not fit a panel at the type scale's sizes leaves it, summed into
 * one "other" item, instead of shrinking. `topWithOther` keeps the largest items and sums the rest;
 * `useFitRows` measures how many rows of a given pitch (design px) an element's box holds, so that
 * the count follows the panel's height in every layout mode.
 */
import { computed, type Ref } from 'vue';
import { useBoxSize } from '../../composables/useBoxSize';
import { currentScale } from '../../layouts/scale';

export const OTHER_CODE = '__other';

export interface Counted {
  code: string;
  name: string;
  value: number;
}

/**
 * At most `rows` items: all of them when they fit, else the `rows - 1` largest (ties in the
 * given order) and one item named `otherName` with the sum of the rest, last. The items' order
 * among the kept ones is kept as given; `extra` builds the other item's remaining fields.
 */
export function topWithOther<T extends Counted>(items: readonly T[], rows: number, other: (sum: number, count: number) => T): T[] {
  const n = Math.max(1, Math.floor(rows));
  if (items.length <= n) return [...items];
  const keep = new Set(
    items
      .map((item, i) => ({ item, i }))
      .sort((a, b) => b.item.value - a.item.value || a.i - b.i)
      .slice(0, n - 1)
      .map((x) => x.item),
  );
  const rest = items.filter((item) => !keep.has(item));
  return [...items.filter((item) => keep.has(item)), other(rest.reduce((s, item) => s + item.value, 0), rest.length)];
}

/** how many rows of `pitch` design px the element's content box holds (at least `min`); `fallback` before it is measured */
export function useFitRows(el: Readonly<Ref<HTMLElement | null>>, pitch: number, min = 1, fallback = 6): Ref<number> {
  const { height } = useBoxSize(el);
  return computed(() => (height.value > 0 ? Math.max(min, Math.floor(height.value / (pitch * currentScale.value.u))) : fallback));
}
