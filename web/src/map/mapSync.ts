/**
 * Store → map: one watcher per store counter, each feeding a throttled rebuild of one source with
 * setData. Rates: incidents ≤ 2/s, patrols ≤ 4/s while markers glide between fixes and the region
 * has at most GLIDE_PATROLS of them (≤ 1/s otherwise: setData of tens of thousands of points is
 * not cheap), cameras ≤ 1/s, risk ≤ 1/s, heat ≤ 1 per 2 s.
 * Returns the function that stops every watcher and timer.
 */
import { prefersReducedMotion } from '../motion';
import { watch } from 'vue';
import { useIncidentsStore } from '../stores/incidents';
import { usePatrolsStore } from '../stores/patrols';
import { useCamerasStore } from '../stores/cameras';
import { useStatsStore } from '../stores/stats';
import { useLiveStore } from '../stores/live';
import { useWallStore } from '../stores/wall';
import { incidentFeatures, nextNewExpiry } from './incidentLayer';
import { heatFeatures } from './heatLayer';
import { areaFeatures, showsOverview } from './areaLayer';
import { patrolFeatures } from './patrolLayer';
import { cameraFeatures } from './cameraLayer';
import { isOn, type WallLayers } from './layerVisibility';
import { SOURCE } from './sources';
import { throttle, type Throttled } from './throttle';
import type { WallMap } from './wallMap';

/** patrols with a fix above which markers jump from fix to fix instead of gliding */
export const GLIDE_PATROLS = 3_000;
const GLIDE_REBUILD_MS = 250;

/** The heat window slides (and "today" rolls over at midnight) without any new incident. */
const HEAT_SLIDE_MS = 60_000;

export function currentLayers(wall: ReturnType<typeof useWallStore>): WallLayers {
  const l = wall.layers;
  return { heat: l.heat, incidents: l.incidents, patrols: l.patrols, cameras: l.cameras, risk: l.risk };
}

export function bindMapData(wallMap: WallMap): () => void {
  const incidents = useIncidentsStore();
  const patrols = usePatrolsStore();
  const cameras = useCamerasStore();
  const stats = useStatsStore();
  const live = useLiveStore();
  const wall = useWallStore();
  const now = () => live.serverNow();
  let expiryTimer: ReturnType<typeof setTimeout> | null = null;
  let anyPulse = false;
  let anyAlarm = false;

  const updatePulse = () => {
    const layers = currentLayers(wall);
    wallMap.setPulse({ incidents: anyPulse && layers.incidents, cameras: anyAlarm && layers.cameras });
  };

  const rebuildIncidents = throttle(() => {
    const t = now();
    const fc = incidentFeatures(incidents.byId.values(), t);
    anyPulse = fc.features.some((f) => f.properties.pulse === 1);
    wallMap.setSourceData(SOURCE.incidents, fc);
    updatePulse();
    // rebuild again when the next "new" marker stops being new, so its pulse ends on time
    if (expiryTimer) clearTimeout(expiryTimer);
    const next = nextNewExpiry(incidents.byId.values(), t);
    expiryTimer = next === null ? null : setTimeout(() => rebuildIncidents.schedule(), Math.max(250, next - t + 50));
  }, 500);

  const rebuildHeat = throttle(() => {
    wallMap.setSourceData(SOURCE.heat, heatFeatures(incidents.heat, wall.layers.heat, now(), stats.tzOffsetMinutes));
  }, 2000);

  let glideAllowed = false;
  const rebuildPatrols = throttle(
    () => {
      // gliding decided by the previous rebuild's count of markers (the first one jumps)
      const shown = glideAllowed ? patrols.shownPositions() : { lng: patrols.lng, lat: patrols.lat, gliding: false };
      const fc = patrolFeatures({ byIdx: patrols.byIdx, lng: shown.lng, lat: shown.lat, status: patrols.status });
      wallMap.setSourceData(SOURCE.patrols, fc);
      glideAllowed = fc.features.length <= GLIDE_PATROLS && !prefersReducedMotion();
      // still between fixes: draw again at the glide's rate until every marker has arrived
      if (glideAllowed && shown.gliding) rebuildPatrols.schedule();
    },
    () => (glideAllowed ? GLIDE_REBUILD_MS : 1000),
  );

  const rebuildCameras = throttle(() => {
    const fc = cameraFeatures(cameras.byId.values());
    anyAlarm = fc.features.some((f) => f.properties.alarm === 1);
    wallMap.setSourceData(SOURCE.cameras, fc);
    updatePulse();
  }, 1000);

  const pushRisk = throttle(() => wallMap.setRisk(stats.risk), 1000);

  // bubbles per child area where the hub summarises the cases, and in the overview of a city or a
  // province (the map shows them only below its overview zoom: see WallMap.setOverview)
  const rebuildAreas = throttle(() => {
    const summarised = live.detail?.incidents === 'summary';
    const r = live.region;
    const shown = summarised || showsOverview(r, r ? live.childrenOf(r.code).length : 0);
    wallMap.setSourceData(SOURCE.areas, areaFeatures(shown ? stats.areas : [], (code) => live.regions.get(code), wall.lang));
  }, 1000);

  const all: Throttled[] = [rebuildIncidents, rebuildHeat, rebuildPatrols, rebuildCameras, pushRisk, rebuildAreas];
  const stops = [
    watch(() => incidents.version, () => rebuildIncidents.schedule(), { immediate: true }),
    watch(() => incidents.heatVersion, () => rebuildHeat.schedule(), { immediate: true }),
    watch([() => patrols.fixVersion, () => patrols.rosterVersion], () => rebuildPatrols.schedule(), { immediate: true }),
    watch(() => cameras.version, () => rebuildCameras.schedule(), { immediate: true }),
    watch(() => stats.version, () => pushRisk.schedule(), { immediate: true }),
    watch([() => stats.version, () => live.detail, () => live.regionsVersion, () => live.region?.code, () => wall.lang], () => rebuildAreas.schedule(), { immediate: true }),
    watch(() => wall.lang, (lang) => wallMap.setLang(lang), { immediate: true }),
    watch(
      () => ({ ...wall.layers }),
      (layers, before) => {
        wallMap.setLayers(currentLayers(wall));
        if (!before || layers.heat !== before.heat) {
          rebuildHeat.schedule();
          rebuildHeat.flush();
        }
        updatePulse();
      },
      { immediate: true },
    ),
  ];
  const slide = setInterval(() => {
    if (isOn(currentLayers(wall), 'heat')) rebuildHeat.schedule();
  }, HEAT_SLIDE_MS);

  return () => {
    for (const stop of stops) stop();
    for (const t of all) t.cancel();
    if (expiryTimer) clearTimeout(expiryTimer);
    clearInterval(slide);
  };
}
