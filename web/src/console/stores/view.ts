/**
 * What the operator is looking at: language, which pane (the case queue or the AI confirm queue),
 * filters, the queue's cursor (moved with j/k), the open case (Enter), the alarm under the alarm
 * cursor, the business calendar the countdowns use, and the brief confirmation after a step.
 * Nothing here comes from the hub except the calendar.
 */
import { defineStore } from 'pinia';
import { markRaw, reactive, ref, shallowRef } from 'vue';
import { createBusinessCalendar, DEFAULT_CALENDAR_CONFIG, type BusinessCalendar, type CalendarConfig } from '@shared/calendar';
import { readConfig } from '../../config';
import type { Lang } from '../../format';
import type { AlarmAnchor } from '../alarms';
import { fetchCalendar } from '../api';
import { emptyFilters, type QueueFilters } from '../queue';

export const TOAST_MS = 3_000;

/** the case queue, the AI alarms waiting for a person (AI告警待确认), or the alerts (紧急告警) */
export type Pane = 'cases' | 'alarms' | 'alerts';

export interface Toast {
  text: string;
  /** client time, so that a repeated message restarts its timer */
  at: number;
}

export const useConsoleView = defineStore('console-view', () => {
  const lang = ref<Lang>(readConfig().lang ?? 'zh');
  const pane = ref<Pane>('cases');
  const filters = reactive<QueueFilters>(emptyFilters());
  /** the highlighted row in the queue */
  const cursorId = ref<string | null>(null);
  /** the case shown on the card */
  const openId = ref<string | null>(null);
  /** the highlighted alarm in the confirm queue (its card shows on the right) */
  const alarmCursorId = ref<string | null>(null);
  /** where the last decided alarm stood among the pending ones (j/k continue from there) */
  const alarmAnchor = shallowRef<AlarmAnchor | null>(null);
  /** the highlighted alert (its card shows on the right) */
  const alertCursorId = ref<string | null>(null);
  const calendar = shallowRef<BusinessCalendar>(markRaw(createBusinessCalendar(DEFAULT_CALENDAR_CONFIG)));
  /** the centre's UTC offset, for times on its clock (the desk's own time zone may differ) */
  const tzOffsetMinutes = ref(480);
  /** false until the hub's calendar arrived; the default (Mon–Fri 08:30–17:30) counts meanwhile */
  const calendarLoaded = ref(false);
  const toast = shallowRef<Toast | null>(null);
  let toastTimer: ReturnType<typeof setTimeout> | null = null;

  function setCalendar(config: CalendarConfig): void {
    calendar.value = markRaw(createBusinessCalendar(config));
    tzOffsetMinutes.value = config.utcOffsetMinutes;
    calendarLoaded.value = true;
  }

  async function loadCalendar(): Promise<void> {
    try {
      setCalendar(await fetchCalendar());
    } catch (error) {
      // the default calendar keeps the countdowns going; the header says it is the default
      console.warn('calendar not loaded, using the default:', error instanceof Error ? error.message : error);
    }
  }

  function showToast(text: string, clientNow = Date.now()): void {
    toast.value = { text, at: clientNow };
    if (toastTimer) clearTimeout(toastTimer);
    toastTimer = setTimeout(() => (toast.value = null), TOAST_MS);
  }

  function resetFilters(): void {
    Object.assign(filters, emptyFilters());
  }

  /** a new session starts with a clean desk */
  function reset(): void {
    resetFilters();
    pane.value = 'cases';
    cursorId.value = null;
    openId.value = null;
    alarmCursorId.value = null;
    alarmAnchor.value = null;
    alertCursorId.value = null;
    toast.value = null;
    if (toastTimer) clearTimeout(toastTimer);
    toastTimer = null;
  }

  return { lang, pane, filters, cursorId, openId, alarmCursorId, alarmAnchor, alertCursorId, calendar, tzOffsetMinutes, calendarLoaded, toast, setCalendar, loadCalendar, showToast, resetFilters, reset };
});
