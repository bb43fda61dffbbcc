/**
 * A number that glides to its new value (requestAnimationFrame, ease-out) instead of jumping:
 * KPI figures count up when the hub's statistics change. The final frame is exactly the source
 * value, so what stays on screen equals the hub's figure. Honours prefers-reduced-motion.
 */
import { prefersReducedMotion } from '../motion';
import { onScopeDispose, ref, watch, type Ref } from 'vue';
import { MOTION } from '../layouts/tokens';

export function useTween(source: () => number | null, durationMs: number = MOTION.tweenMs): Readonly<Ref<number | null>> {
  const shown = ref<number | null>(source());
  let frame = 0;
  const stop = () => {
    if (frame) cancelAnimationFrame(frame);
    frame = 0;
  };
  watch(source, (to) => {
    stop();
    const from = shown.value;
    if (to === null || from === null || from === to || prefersReducedMotion() || typeof requestAnimationFrame !== 'function') {
      shown.value = to;
      return;
    }
    const t0 = performance.now();
    const step = (t: number) => {
      const k = Math.min(1, (t - t0) / durationMs);
      shown.value = k >= 1 ? to : from + (to - from) * (1 - Math.pow(1 - k, 3));
      frame = k >= 1 ? 0 : requestAnimationFrame(step);
    };
    frame = requestAnimationFrame(step);
  });
  onScopeDispose(stop);
  return shown;
}
