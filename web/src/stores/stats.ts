/**
 * Today's figures for the subscribed region and those of the rolling last seven days, exactly as
 * the hub computed them (the wall formats, it never recomputes), the risk level of each grid, and
 * the AI's precision per video alarm type over seven days. Frames are lossy: the latest replaces
 * the previous; a frame for another region (late, after a drill-down) or older than the held one
 * is ignored.
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { AreaSummary, Snapshot, StatsFrame } from '@shared/schemas/live';
import type { GridRisk, Statistics } from '@shared/schemas/stats';
import type { AiPrecision } from '@shared/schemas/videoAlarm';
import { offsetFromDayStart } from '../format';

export const useStatsStore = defineStore('stats', () => {
  /** today, from the centre's local midnight */
  const stats = shallowRef<Statistics | null>(null);
  /** the last seven days in whole hours (168 hourly buckets, the last one the current hour) */
  const week = shallowRef<Statistics | null>(null);
  const risk = shallowRef<GridRisk>({});
  /** the subscribed region's children summarised (open, overdue, patrols, cameras, risk per area) */
  const areas = shallowRef<readonly AreaSummary[]>([]);
  /** confirmed ÷ decided per AI alarm type over seven days; null when the hub sent none */
  const aiPrecision = shallowRef<AiPrecision | null>(null);
  /** server time the figures were computed at */
  const at = ref<number | null>(null);
  const version = ref(0);
  /** the centre's UTC offset in minutes, read from the day window of the figures */
  const tzOffsetMinutes = computed(() => offsetFromDayStart(stats.value?.window.from));

  function applySnapshot(s: Snapshot): void {
    stats.value = s.stats;
    week.value = s.week ?? null;
    risk.value = s.risk;
    areas.value = s.areas;
    aiPrecision.value = s.aiPrecision ?? null;
    at.value = s.stats ? s.serverTime : null;
    version.value++;
  }

  /** returns false when the frame was ignored */
  function applyFrame(frame: StatsFrame, regionCode: string | null): boolean {
    if (regionCode !== null && frame.regionCode !== regionCode) return false;
    if (at.value !== null && frame.at < at.value) return false;
    stats.value = frame.stats;
    week.value = frame.week;
    risk.value = frame.risk;
    areas.value = frame.areas;
    // a hub that leaves it out of a frame has not changed it: keep the snapshot's
    if (frame.aiPrecision) aiPrecision.value = frame.aiPrecision;
    at.value = frame.at;
    version.value++;
    return true;
  }

  return { stats, week, risk, areas, aiPrecision, at, version, tzOffsetMinutes, applySnapshot, applyFrame };
});
