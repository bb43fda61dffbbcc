/**
 * Colours, shapes and words of the map, in one place so that the layers, the icons drawn at run
 * time and the HTML legend can never disagree. Tuned for a dark wall read from several metres.
 */
import type { Severity } from '@shared/schemas/incident';
import type { PatrolStatus } from '@shared/schemas/patrol';
import type { CameraStatus } from '@shared/schemas/camera';

export const BASEMAP = {
  background: '#050d19',
  land: '#0c1a2c',
  landAlt: '#0e1f34',
  cityGlow: '#1f8bff',
  cityLine: '#4fb2ff',
  districtGlow: '#2a74d6',
  districtLine: '#5d9ded',
  streetLine: '#2c5b8f',
  gridLine: '#1d3a5c',
  mask: '#02070f',
  districtLabel: '#e8f1ff',
  streetLabel: '#9ec1e8',
  labelHalo: '#050d19',
  selection: '#7fd4ff',
  // a deployment's own vector basemap (vectorBasemap.ts): quieter than the hub's own boundaries,
  // so roads and water give a sense of place without competing with the live layers
  earth: '#09162a',
  water: '#030913',
  roadHighway: '#2a5684',
  roadMajor: '#21456d',
  roadMinor: '#183553',
  placeLabel: '#86a7cc',
} as const;

/**
 * Severity: colour AND shape AND size, so that nobody has to tell colours apart. The hues follow
 * the Okabe–Ito palette (safe for the common colour-vision deficiencies) from cool to hot; the
 * shapes gain corners as the grade rises.
 */
export interface SeverityStyle {
  severity: Severity;
  label: string;
  color: string;
  /** icon image name registered with map.addImage */
  icon: string;
  /** SVG path in a 24×24 box, shared by the canvas icons and the legend */
  path: string;
  /** icon scale relative to the base icon */
  size: number;
}

export const SEVERITY_STYLES: readonly SeverityStyle[] = [
  { severity: 1, label: '一般', color: '#56b4e9', icon: 'sev-1', size: 0.8, path: 'M12 4a8 8 0 1 1 0 16a8 8 0 1 1 0-16z' },
  { severity: 2, label: '较大', color: '#f0e442', icon: 'sev-2', size: 0.9, path: 'M12 2.5L21.5 12L12 21.5L2.5 12z' },
  { severity: 3, label: '重大', color: '#ff9f1c', icon: 'sev-3', size: 1.05, path: 'M12 2.5L22 20.5H2z' },
  {
    severity: 4,
    label: '特别重大',
    color: '#ff3b6b',
    icon: 'sev-4',
    size: 1.2,
    // a five-pointed star
    path: 'M12 1.8l2.9 6.6l7.1.6l-5.4 4.7l1.6 7L12 17l-6.2 3.7l1.6-7L2 9l7.1-.6z',
  },
];

export function severityStyle(severity: number): SeverityStyle {
  return SEVERITY_STYLES[Math.min(4, Math.max(1, Math.round(severity))) - 1]!;
}

/** The five-colour risk map (五色图) uses the colours every command centre knows by name. */
export const RISK_STYLES = [
  { level: 0, label: '低', name: '绿', color: '#2fbf71', opacity: 0.12 },
  { level: 1, label: '较低', name: '蓝', color: '#3a8dff', opacity: 0.3 },
  { level: 2, label: '一般', name: '黄', color: '#f5d423', opacity: 0.42 },
  { level: 3, label: '较高', name: '橙', color: '#ff8a1f', opacity: 0.52 },
  { level: 4, label: '高', name: '红', color: '#ff2e3f', opacity: 0.62 },
] as const;

/** Statuses drawn on the map; patrols off duty are not shown (positions serve dispatch only). */
export const PATROL_STYLES: Readonly<Record<PatrolStatus, { label: string; color: string; shown: boolean }>> = {
  on_duty: { label: '在岗', color: '#3ee08f', shown: true },
  responding: { label: '处置中', color: '#00d5ff', shown: true },
  offline: { label: '离线', color: '#8592a6', shown: true },
  off_duty: { label: '未在班', color: '#4a5568', shown: false },
};

export const CAMERA_STYLES: Readonly<Record<CameraStatus | 'alarm', { label: string; color: string; icon: string }>> = {
  online: { label: '在线', color: '#38c6a5', icon: 'cam-online' },
  offline: { label: '离线', color: '#7a8699', icon: 'cam-offline' },
  video_lost: { label: '视频丢失', color: '#b48cff', icon: 'cam-video_lost' },
  fault: { label: '故障', color: '#e0b23a', icon: 'cam-fault' },
  alarm: { label: '告警', color: '#ff3b6b', icon: 'cam-alarm' },
};

/** Camera glyph in a 24×24 box: a body with a lens, distinct from the incident shapes. */
export const CAMERA_PATH = 'M4 7h11a2 2 0 0 1 2 2v1.5l4-2.5v8l-4-2.5V15a2 2 0 0 1-2 2H4a2 2 0 0 1-2-2V9a2 2 0 0 1 2-2z';

/** Heat ramp: transparent night blue → cyan → yellow → hot red-white. */
export const HEAT_RAMP: readonly [number, string][] = [
  [0, 'rgba(0,0,0,0)'],
  [0.12, 'rgba(24,70,160,0.45)'],
  [0.3, 'rgba(0,170,220,0.6)'],
  [0.5, 'rgba(70,225,160,0.7)'],
  [0.68, 'rgba(245,220,60,0.8)'],
  [0.85, 'rgba(255,130,40,0.88)'],
  [1, 'rgba(255,60,80,0.95)'],
];

/** Font stacks: with no `glyphs` in the style MapLibre draws text with these CSS families. */
export const FONT_FAMILY = 'Noto Sans SC Variable';
/** The first name is not a real family: MapLibre reads the weight from it, CSS falls through. */
export const FONT_BOLD = ['Noto Sans SC Variable Bold', FONT_FAMILY];
export const FONT_MEDIUM = ['Noto Sans SC Variable Medium', FONT_FAMILY];
