/** Builders of focus-mode and alert payloads for the console's tests (issue 16), in 南门第1网格, 海曙区. */
import type { Alert } from '@shared/schemas/alert';
import type { Focus } from '@shared/schemas/focus';
import type { NearbyPatrol, NearbyResponse } from '@shared/schemas/nearby';
import { T0 } from './helpers/fixtures';

export const PATH = ['330200', '330203', '330203001', '330203001001', '330203001001001'];

export function focus(id: string, over: Partial<Focus> = {}): Focus {
  return {
    id,
    regionCode: '330203',
    reaches: PATH.slice(1),
    incidentId: 'E1',
    title: '燃气泄漏',
    category: 'dispute',
    severity: 4,
    lng: 121.55,
    lat: 29.87,
    startedAt: T0 - 180_000,
    startedBy: { kind: 'operator', id: 'op2', name: '李四' },
    endsWithAlert: null,
    responders: [
      { patrolId: 'P1', name: '张伟', kind: 'worker', role: 'police', mode: 'e_bike' },
      { patrolId: 'P2', name: '王芳', kind: 'worker', role: 'grid_manager', mode: 'foot' },
    ],
    cameras: [],
    timeline: [],
    ...over,
  };
}

export function alert(id: string, over: Partial<Alert> = {}): Alert {
  return {
    id,
    kind: 'case',
    ruleId: 'serious-case',
    ruleName: '特别重大案件',
    incidentId: 'E1',
    cameraId: null,
    videoAlarmId: null,
    title: `告警 ${id}`,
    severity: 3,
    regionPath: PATH,
    lng: 121.55,
    lat: 29.87,
    raisedAt: T0 - 120_000,
    sound: true,
    repeat: true,
    openCameras: false,
    notifyRoles: ['operator', 'supervisor'],
    state: 'waiting',
    escalatedAt: null,
    acknowledgedAt: null,
    acknowledgedBy: null,
    note: null,
    focusId: null,
    ...over,
  };
}

export function nearbyPatrol(id: string, distanceM: number, over: Partial<NearbyPatrol> = {}): NearbyPatrol {
  return {
    id,
    name: `巡逻${id}`,
    kind: 'worker',
    role: 'police',
    mode: 'e_bike',
    status: 'on_duty',
    lng: 121.55,
    lat: 29.87,
    distanceM,
    etaSec: Math.round((distanceM * 1.3) / (15_000 / 3600)),
    fixAt: T0 - 5_000,
    ...over,
  };
}

export function nearby(patrols: NearbyPatrol[]): NearbyResponse {
  return { at: { lng: 121.55, lat: 29.87 }, incidentId: 'E1', patrols, cameras: [], indexAgeMs: 1000 };
}
