/** Builders of focus and alert payloads for the wall's tests (issue 16). */
import type { Alert } from '@shared/schemas/alert';
import type { Focus, FocusTrack } from '@shared/schemas/focus';
import type { Delta } from '@shared/schemas/live';
import { T0 } from './fixtures';

export function focus(id: string, over: Partial<Focus> = {}): Focus {
  return {
    id,
    regionCode: '330200',
    reaches: ['330200', '330203', '330203001', '330203001001', '330203001001001'],
    incidentId: 'E1',
    title: '南门街道化工仓库火情',
    category: 'fire_safety',
    severity: 4,
    lng: 121.55,
    lat: 29.87,
    startedAt: T0,
    startedBy: { kind: 'operator', id: 'op1', name: '值班员甲' },
    endsWithAlert: null,
    responders: [
      { patrolId: 'P0', name: '网格员0', kind: 'worker', role: 'grid_manager', mode: 'foot' },
      { patrolId: 'P7', name: '消防一队', kind: 'unit', role: 'firefighter', mode: 'car' },
    ],
    cameras: [
      { cameraId: 'C1', name: '南门街道·路口C1', lng: 121.551, lat: 29.871, heading: 200, fovDeg: 60, sees: true, distanceM: 140, status: 'online', streamUrl: 'https://video.example.invalid/play/C1' },
      { cameraId: 'C2', name: '南门街道·路口C2', lng: 121.553, lat: 29.869, heading: null, fovDeg: null, sees: null, distanceM: 320, status: 'online', streamUrl: null },
    ],
    timeline: [{ at: T0, kind: 'focus_started', actor: '值班员甲', action: null, text: null }],
    ...over,
  };
}

export const focusChanged = (seq: number, f: Focus | null, focusId = f?.id ?? 'F?', regionCode = f?.regionCode ?? '330200'): Delta => ({ type: 'focus:changed', seq, focusId, regionCode, focus: f });

export function alert(id: string, over: Partial<Alert> = {}): Alert {
  return {
    id,
    kind: 'case',
    ruleId: 'serious-case',
    ruleName: '重大事件',
    incidentId: 'E1',
    cameraId: null,
    videoAlarmId: null,
    title: `告警 ${id}`,
    severity: 3,
    regionPath: ['330200', '330203', '330203001', '330203001001', '330203001001001'],
    lng: 121.55,
    lat: 29.87,
    raisedAt: T0,
    sound: true,
    repeat: true,
    openCameras: false,
    notifyRoles: ['operator'],
    state: 'waiting',
    escalatedAt: null,
    acknowledgedAt: null,
    acknowledgedBy: null,
    note: null,
    focusId: null,
    ...over,
  };
}

export const alertChanged = (seq: number, a: Alert): Delta => ({ type: 'alert:changed', seq, alert: a });

export function track(focusId: string, at: number, distances: Record<string, number | null>): FocusTrack {
  return {
    focusId,
    at,
    responders: Object.entries(distances).map(([patrolId, d]) => ({
      patrolId,
      status: 'responding',
      lng: d === null ? null : 121.55 + d / 100_000,
      lat: d === null ? null : 29.87,
      fixAt: d === null ? null : at - 1000,
      distanceM: d,
      etaS: d === null ? null : Math.round(d / 1.4),
    })),
  };
}
