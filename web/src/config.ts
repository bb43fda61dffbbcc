/**
 * Settings of one wall, from the page's URL so that a kiosk's command line says everything:
 *   http://hub:8080/?lang=en&region=330203&tour=1&tourSec=30&idleSec=90&staleSec=4&lostSec=15
 *   http://hub:8080/?diagonal=199&distance=6   (a wall of 2 × 4 55" screens read from 6 m)
 * Unknown or malformed values fall back to the defaults.
 */
import type { ViewingSetup } from './layouts/scale';

export interface WallConfig {
  lang: 'zh' | 'en' | null;
  /** region to show instead of the hub's root region */
  region: string | null;
  /** start the briefing tour on load */
  tour: boolean;
  tourStepMs: number;
  /** the tour resumes after this long without pointer or keyboard input */
  idleMs: number;
  /** nothing heard from the hub (it sends a heartbeat every second) for this long → "data delayed", and every live element dims */
  staleAfterMs: number;
  /** silence for this long → "connection lost", even while the transport still calls the socket open */
  lostAfterMs: number;
  /** an alarm popup closes itself after this long if nobody acknowledges it */
  alarmAutoCloseMs: number;
  /** play the alarm tone */
  sound: boolean;
  /** the wall's diagonal (inches) and its readers' distance (metres): text sized for the room, not the pixel count */
  viewing: ViewingSetup | null;
}

export const DEFAULT_CONFIG: WallConfig = {
  lang: null,
  region: null,
  tour: false,
  tourStepMs: 30_000,
  idleMs: 90_000,
  // four heartbeats missed: a busy network or a slow answer delays one or two, never four
  staleAfterMs: 4_000,
  lostAfterMs: 15_000,
  alarmAutoCloseMs: 120_000,
  sound: true,
  viewing: null,
};

/** both or neither: a diagonal of 10–2000 inches and a distance of 0.3–50 m */
function viewing(q: URLSearchParams): ViewingSetup | null {
  const diagonalInches = Number(q.get('diagonal'));
  const distanceMetres = Number(q.get('distance'));
  if (!q.has('diagonal') || !q.has('distance')) return null;
  if (!(diagonalInches >= 10 && diagonalInches <= 2000 && distanceMetres >= 0.3 && distanceMetres <= 50)) return null;
  return { diagonalInches, distanceMetres };
}

function seconds(v: string | null, min: number, max: number): number | null {
  if (v === null) return null;
  const n = Number(v);
  return Number.isFinite(n) && n >= min && n <= max ? Math.round(n * 1000) : null;
}

export function readConfig(search: string = typeof location === 'undefined' ? '' : location.search): WallConfig {
  const q = new URLSearchParams(search);
  const lang = q.get('lang');
  const region = q.get('region');
  return {
    lang: lang === 'zh' || lang === 'en' ? lang : null,
    region: region && /^[A-Za-z0-9_-]{2,32}$/.test(region) ? region : null,
    tour: q.get('tour') === '1' || q.get('tour') === 'true',
    tourStepMs: seconds(q.get('tourSec'), 5, 3600) ?? DEFAULT_CONFIG.tourStepMs,
    idleMs: seconds(q.get('idleSec'), 5, 3600) ?? DEFAULT_CONFIG.idleMs,
    staleAfterMs: seconds(q.get('staleSec'), 2, 3600) ?? DEFAULT_CONFIG.staleAfterMs,
    lostAfterMs: seconds(q.get('lostSec'), 3, 3600) ?? DEFAULT_CONFIG.lostAfterMs,
    alarmAutoCloseMs: seconds(q.get('alarmSec'), 5, 3600) ?? DEFAULT_CONFIG.alarmAutoCloseMs,
    sound: q.get('sound') !== '0',
    viewing: viewing(q),
  };
}
