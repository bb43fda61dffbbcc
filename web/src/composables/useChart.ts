/**
 * An ECharts instance bound to an element for the life of a component: canvas renderer at the
 * screen's device pixel ratio (crisp on 4K), kept out of Vue's reactivity, resized with its box,
 * updated by merge (no flicker: ECharts animates from the old values), redrawn when fonts load,
 * disposed on unmount. `build` is a reactive getter: whatever it reads re-renders the chart.
 */
import { init, type ECharts, type EChartsCoreOption } from 'echarts/core';
import { markRaw, onBeforeUnmount, onMounted, watch, type Ref } from 'vue';
import { fontEpoch } from '../fonts';
import { prefersReducedMotion } from '../motion';

export interface ChartHandle {
  instance(): ECharts | null;
}

export function useChart(el: Readonly<Ref<HTMLElement | null>>, build: () => EChartsCoreOption | null): ChartHandle {
  let chart: ECharts | null = null;
  let observer: ResizeObserver | null = null;
  let frame = 0;
  const stops: (() => void)[] = [];

  const resize = () => {
    if (frame) return;
    frame = requestAnimationFrame(() => {
      frame = 0;
      chart?.resize();
    });
  };

  // less motion asked for: the charts draw their final state at once
  const still = (option: EChartsCoreOption): EChartsCoreOption => (prefersReducedMotion() ? { ...option, animation: false } : option);

  onMounted(() => {
    if (!el.value) return;
    chart = markRaw(init(el.value, undefined, { renderer: 'canvas', devicePixelRatio: window.devicePixelRatio || 1 }));
    stops.push(
      watch(
        build,
        (option) => {
          if (option) chart?.setOption(still(option), { notMerge: false, lazyUpdate: true });
        },
        { immediate: true },
      ),
    );
    stops.push(
      watch(fontEpoch, () => {
        const option = build();
        if (option) chart?.setOption(still(option), { notMerge: true, lazyUpdate: true });
      }),
    );
    if (typeof ResizeObserver !== 'undefined') {
      observer = new ResizeObserver(resize);
      observer.observe(el.value);
    }
  });

  onBeforeUnmount(() => {
    for (const stop of stops) stop();
    stops.length = 0;
    observer?.disconnect();
    observer = null;
    if (frame) cancelAnimationFrame(frame);
    chart?.dispose();
    chart = null;
  });

  return { instance: () => chart };
}
