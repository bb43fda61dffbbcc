/**
 * What the pointer is over (tooltip) and what was clicked (detail card), kept current from the
 * stores: a card shows the incident as it is now, not as it was when clicked. The card's clock
 * ticks every 15 s so that "12 minutes ago" and deadlines stay true; the timer stops on unmount.
 */
import { computed, onBeforeUnmount, ref, shallowRef, type Ref } from 'vue';
import { PATROL_STATUSES } from '@shared/schemas/patrol';
import type { Lang } from '../format';
import { useLiveStore } from '../stores/live';
import { useIncidentsStore } from '../stores/incidents';
import { usePatrolsStore } from '../stores/patrols';
import { useCamerasStore } from '../stores/cameras';
import { useStatsStore } from '../stores/stats';
import { cameraDetails, incidentDetails, patrolDetails, type Details } from './details';
import { word } from './i18n';
import type { HitPoint, HitTarget } from './interaction';

export type MarkerTarget = Exclude<HitTarget, { kind: 'region' }>;

export function useSelection(lang: Readonly<Ref<Lang>>) {
  const live = useLiveStore();
  const incidents = useIncidentsStore();
  const patrols = usePatrolsStore();
  const cameras = useCamerasStore();
  const stats = useStatsStore();
  const hover = shallowRef<{ target: HitTarget; at: HitPoint } | null>(null);
  const selected = shallowRef<MarkerTarget | null>(null);
  const clock = ref(0);
  const timer = setInterval(() => clock.value++, 15_000);
  onBeforeUnmount(() => clearInterval(timer));

  function detailsOf(target: MarkerTarget): Details | null {
    const ctx = { now: live.serverNow(), lang: lang.value, tzOffsetMinutes: stats.tzOffsetMinutes };
    if (target.kind === 'incident') {
      const inc = incidents.byId.get(target.id);
      return inc ? incidentDetails(inc, ctx) : null;
    }
    if (target.kind === 'camera') {
      const cam = cameras.byId.get(target.id);
      return cam ? cameraDetails(cam, ctx) : null;
    }
    const p = patrols.byIdx.find((x) => x?.id === target.id);
    if (!p) return null;
    return patrolDetails(p, ctx, PATROL_STATUSES[patrols.status[p.idx] ?? -1] ?? p.status, patrols.fixAt[p.idx] ?? p.fixAt);
  }

  const details = computed<Details | null>(() => {
    void clock.value;
    void incidents.version;
    void cameras.version;
    void patrols.rosterVersion;
    void patrols.fixVersion; // the fix's age, to the second
    return selected.value ? detailsOf(selected.value) : null;
  });

  const tooltip = computed(() => {
    const h = hover.value;
    if (!h) return null;
    let text: string;
    if (h.target.kind === 'region') text = `${h.target.name} · ${word(lang.value, 'clickToOpen')}`;
    else {
      const d = detailsOf(h.target);
      if (!d) return null;
      text = `${d.title} · ${d.badge}`;
    }
    return { text, x: h.at.x, y: h.at.y };
  });

  function onHover(target: HitTarget | null, at: HitPoint): void {
    hover.value = target ? { target, at } : null;
  }

  return { hover, selected, details, tooltip, onHover };
}
