/**
 * Open incidents as markers coloured AND shaped by severity; new and serious ones pulse, overdue
 * ones wear a white ring. Pure: the store's Map goes in, a FeatureCollection comes out.
 */
import type { Incident } from '@shared/schemas/incident';
import { TERMINAL_STAGES } from '@shared/schemas/incident';
import { severityStyle } from './palette';
import { SOURCE } from './sources';
import { isUsablePosition, point, pointCollection, type Expr, type LayerSpec, type PointCollection } from './mapTypes';

/** An incident is "new" for this long after it was reported. */
export const NEW_FOR_MS = 5 * 60_000;
/** Severity from which an open incident pulses whatever its age (重大 and 特别重大). */
export const PULSE_SEVERITY = 3;

export interface IncidentProps {
  id: string;
  severity: number;
  icon: string;
  /** icon scale of the severity */
  size: number;
  color: string;
  /** 1 when the marker pulses: new, or serious */
  pulse: 0 | 1;
  /** 1 when the marker keeps its full icon at every zoom: serious, new or overdue */
  major: 0 | 1;
  isNew: 0 | 1;
  overdue: 0 | 1;
  supervised: 0 | 1;
  title: string;
  reportedAt: number;
}

export function isOpen(incident: Pick<Incident, 'stage'>): boolean {
  return !TERMINAL_STAGES.includes(incident.stage);
}

export function incidentFeatures(incidents: Iterable<Incident>, now: number): PointCollection<IncidentProps> {
  const features = [];
  for (const inc of incidents) {
    if (!isOpen(inc)) continue;
    const { lng, lat } = inc.location;
    if (!isUsablePosition(lng, lat)) continue;
    const style = severityStyle(inc.severity);
    const age = now - inc.reportedAt;
    const isNew = age >= -60_000 && age < NEW_FOR_MS;
    const f = point<IncidentProps>(lng, lat, {
      id: inc.id,
      severity: inc.severity,
      icon: style.icon,
      size: style.size,
      color: style.color,
      pulse: isNew || inc.severity >= PULSE_SEVERITY ? 1 : 0,
      major: isNew || inc.overdue || inc.severity >= PULSE_SEVERITY ? 1 : 0,
      isNew: isNew ? 1 : 0,
      overdue: inc.overdue ? 1 : 0,
      supervised: inc.supervised ? 1 : 0,
      title: inc.title,
      reportedAt: inc.reportedAt,
    });
    features.push(f);
  }
  // the worst last: drawn on top where markers overlap
  features.sort((a, b) => a.properties.severity - b.properties.severity || a.properties.reportedAt - b.properties.reportedAt);
  return pointCollection(features);
}

/** The instant the next marker stops being "new", so the caller can rebuild exactly then. */
export function nextNewExpiry(incidents: Iterable<Incident>, now: number): number | null {
  let next: number | null = null;
  for (const inc of incidents) {
    if (!isOpen(inc)) continue;
    const ends = inc.reportedAt + NEW_FOR_MS;
    if (ends > now && (next === null || ends < next)) next = ends;
  }
  return next;
}

const zoomedSize = (scale: number): Expr => [
  'interpolate',
  ['linear'],
  ['zoom'],
  7,
  ['*', ['get', 'size'], 0.6 * scale],
  11,
  ['*', ['get', 'size'], 0.85 * scale],
  15,
  ['*', ['get', 'size'], 1.15 * scale],
];

/**
 * Below this zoom the minor markers (general and major grades, not new, not overdue) are small
 * dots: a city holds thousands of open cases, and full icons would carpet the risk and heat maps.
 */
export const MINOR_ICON_ZOOM = 10;

/** Radius of the pulse ring at phase 0..1 (the animation sets it every frame). */
export function pulseRadius(phase: number, scale: number): number {
  return (9 + 22 * phase) * scale;
}

export function pulseOpacity(phase: number): number {
  return 0.75 * (1 - phase) * (1 - phase);
}

type SymbolLayout = Extract<LayerSpec, { type: 'symbol' }>['layout'];

function iconLayout(scale: number): SymbolLayout {
  return {
    'icon-image': ['get', 'icon'],
    'icon-size': zoomedSize(scale) as never,
    'icon-allow-overlap': true,
    // markers never hide the labels, and the labels never hide markers
    'icon-ignore-placement': true,
    'symbol-sort-key': ['get', 'severity'],
    'symbol-z-order': 'source',
  };
}

export function incidentLayers(scale: number): LayerSpec[] {
  return [
    {
      id: 'incident-pulse',
      type: 'circle',
      source: SOURCE.incidents,
      filter: ['==', ['get', 'pulse'], 1],
      paint: {
        'circle-radius': pulseRadius(0.5, scale),
        'circle-color': 'rgba(0,0,0,0)',
        'circle-stroke-color': ['get', 'color'],
        'circle-stroke-width': 2.5 * scale,
        'circle-stroke-opacity': pulseOpacity(0.5),
        'circle-pitch-alignment': 'map',
      },
    },
    {
      id: 'incident-overdue',
      type: 'circle',
      source: SOURCE.incidents,
      filter: ['==', ['get', 'overdue'], 1],
      paint: {
        'circle-radius': ['interpolate', ['linear'], ['zoom'], 7, 8 * scale, 11, 11 * scale, 15, 15 * scale] as never,
        'circle-color': 'rgba(0,0,0,0)',
        'circle-stroke-color': '#ffffff',
        'circle-stroke-width': 1.6 * scale,
        'circle-stroke-opacity': 0.9,
      },
    },
    {
      id: 'incident-dots',
      type: 'circle',
      source: SOURCE.incidents,
      maxzoom: MINOR_ICON_ZOOM,
      filter: ['==', ['get', 'major'], 0],
      paint: {
        'circle-radius': [
          'interpolate',
          ['linear'],
          ['zoom'],
          7,
          ['*', ['get', 'size'], 2 * scale],
          MINOR_ICON_ZOOM,
          ['*', ['get', 'size'], 3.6 * scale],
        ] as never,
        'circle-color': ['get', 'color'],
        'circle-opacity': 0.9,
        'circle-stroke-color': 'rgba(2,8,18,0.9)',
        'circle-stroke-width': 0.6 * scale,
      },
    },
    {
      id: 'incident-icons-minor',
      type: 'symbol',
      source: SOURCE.incidents,
      minzoom: MINOR_ICON_ZOOM,
      filter: ['==', ['get', 'major'], 0],
      layout: iconLayout(scale),
    },
    {
      id: 'incident-icons',
      type: 'symbol',
      source: SOURCE.incidents,
      filter: ['==', ['get', 'major'], 1],
      layout: iconLayout(scale),
    },
  ];
}
