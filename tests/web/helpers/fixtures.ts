/** Small, explicit builders of protocol payloads for the wall's tests (no shared mutable state). */
import { PROTOCOL_VERSION } from '@shared/events';
import type { Camera } from '@shared/schemas/camera';
import type { Catalog } from '@shared/schemas/catalog';
import type { Incident, IncidentLogEntry } from '@shared/schemas/incident';
import type { Delta, Snapshot } from '@shared/schemas/live';
import type { Patrol } from '@shared/schemas/patrol';
import type { Region } from '@shared/schemas/region';
import type { Statistics } from '@shared/schemas/stats';
import type { AiPrecision, VideoAlarm } from '@shared/schemas/videoAlarm';
import { baseIncident } from '../../support/incident';

export const T0 = Date.UTC(2026, 10, 25, 2, 0, 0); // 10:00 in Ningbo

export function region(code: string, name: string, level: Region['level'], parentCode: string | null): Region {
  return { code, name, level, parentCode, center: [121.55, 29.87], bbox: [121.5, 29.8, 121.6, 29.9], generated: false };
}

export const REGIONS: Region[] = [
  region('330200', '宁波市', 'city', null),
  region('330203', '海曙区', 'district', '330200'),
  region('330205', '江北区', 'district', '330200'),
  region('330203001', '南门街道', 'street', '330203'),
  region('330203001001', '南门社区', 'community', '330203001'),
  region('330203001001001', '南门第1网格', 'grid', '330203001001'),
];

export const CATALOG: Catalog = {
  categories: [
    { code: 'dispute', zh: '矛盾纠纷', en: 'Disputes' },
    { code: 'sanitation', zh: '环境卫生', en: 'Sanitation' },
    { code: 'traffic', zh: '交通', en: 'Traffic' },
  ],
  sources: [
    { code: 'patrol', zh: '网格员上报', en: 'Patrol report' },
    { code: 'hotline', zh: '12345热线', en: '12345 hotline' },
    { code: 'video_ai', zh: '视频智能告警', en: 'Video AI alarm' },
  ],
  stages: [{ code: 'reported', zh: '上报', en: 'Reported' }],
  severities: [
    { code: '1', zh: '一般', en: 'General' },
    { code: '3', zh: '重大', en: 'Serious' },
  ],
};

export function incident(id: string, over: Partial<Incident> = {}): Incident {
  return {
    ...baseIncident(T0 - 60_000),
    id,
    source: 'patrol',
    category: 'dispute',
    subcategory: null,
    severity: 1,
    title: `事件 ${id}`,
    description: '',
    location: { lng: 121.55, lat: 29.87, address: '中山西路1号' },
    gridCode: '330203001001001',
    regionPath: ['330200', '330203', '330203001', '330203001001', '330203001001001'],
    stage: 'reported',
    reportedAt: T0 - 60_000,
    stageEnteredAt: { reported: T0 - 60_000 },
    deadline: { stage: 'reported', dueAt: T0 + 3_600_000 },
    reporter: { kind: 'patrol', id: 'p1', name: '张三' },
    updatedAt: T0 - 60_000,
    ...over,
  };
}

export function entry(inc: Incident, seq: number, type: IncidentLogEntry['type'] = 'reported'): IncidentLogEntry {
  return { seq, incidentId: inc.id, type, from: null, to: inc.stage, actor: { kind: 'system', id: 'hub' }, at: inc.updatedAt, note: null, data: null };
}

export function reported(inc: Incident, seq: number): Extract<Delta, { type: 'incident:reported' }> {
  return { type: 'incident:reported', seq, incident: inc, entry: entry(inc, seq, 'reported') };
}

export function updated(inc: Incident, seq: number, type: IncidentLogEntry['type']): Extract<Delta, { type: 'incident:updated' }> {
  return { type: 'incident:updated', seq, incident: inc, entry: entry(inc, seq, type) };
}

export function patrol(idx: number, over: Partial<Patrol> = {}): Patrol {
  return {
    id: `P${idx}`,
    idx,
    name: `网格员${idx}`,
    kind: 'worker',
    role: 'grid_manager',
    gridCode: '330203001001001',
    status: 'on_duty',
    statusSince: T0 - 3_600_000,
    lng: 121.5,
    lat: 29.8,
    fixAt: T0 - 10_000,
    ...over,
  };
}

export function camera(id: string, over: Partial<Camera> = {}): Camera {
  return {
    id,
    gbId: null,
    name: `南门街道·路口${id}`,
    gridCode: '330203001001001',
    lng: 121.55,
    lat: 29.87,
    status: 'online',
    statusSince: T0 - 86_400_000,
    alarm: null,
    owner: '公安',
    ...over,
  };
}

export function statistics(over: Partial<Statistics> = {}): Statistics {
  const dayStart = Date.UTC(2026, 10, 24, 16, 0, 0); // midnight in Ningbo (UTC+8)
  return {
    regionCode: '330200',
    window: { from: dayStart, to: T0 + 1 },
    asOf: T0,
    intake: {
      total: 57,
      bySource: { patrol: 30, hotline: 20, video_ai: 7 },
      byCategory: { dispute: 12, sanitation: 40, traffic: 5 },
      bySeverity: { '1': 50, '2': 5, '3': 2 },
      byHour: [1, 0, 0, 2, 3, 5, 8, 10, 12, 9, 7],
    },
    registered: 48,
    rejected: 3,
    closed: 31,
    // a published bulletin's shape: of 48 cases due, 31 closed, 28 of them by their due time
    due: 48,
    dueClosed: 31,
    dueClosedOnTime: 28,
    closureRate: 31 / 48,
    onTimeRate: 28 / 48,
    overdueInWindow: 5,
    open: 1234,
    overdueOpen: 17,
    supervisedOpen: 9,
    verifications: 30,
    verificationFailures: 2,
    casesVerified: 29,
    casesReworked: 2,
    reworkRate: 2 / 29,
    stageDurations: {},
    timeToClose: { count: 31, meanMs: 26 * 3_600_000, p90Ms: 60 * 3_600_000, workingMeanMs: 5.25 * 3_600_000, workingP90Ms: 14 * 3_600_000 },
    hotline: {
      responseDue: 40,
      respondedOnTime: 38,
      responseRate: 38 / 40,
      callbacks: 22,
      contacted: 20,
      resolved: 17,
      satisfied: 18,
      dissatisfied: 2,
      resolutionRate: 17 / 20,
      satisfactionRate: 18 / 20,
    },
    patrols: { total: 5137, onShift: 1279, onDuty: 1200, responding: 40, onDutyRate: 1240 / 1279 },
    cameras: { total: 2990, online: 2829, offline: 60, videoLost: 9, fault: 92, alarming: 3, onlineRate: 2829 / 2990 },
    ranking: [
      { code: 'S2', name: '江厦街道', registered: 10, due: 10, dueClosed: 6, dueClosedOnTime: 6, closureRate: 0.6, onTimeRate: 0.6, overdueOpen: 2, score: 71.5, rank: 2 },
      { code: 'S1', name: '南门街道', registered: 12, due: 12, dueClosed: 11, dueClosedOnTime: 10, closureRate: 11 / 12, onTimeRate: 10 / 12, overdueOpen: 0, score: 92.25, rank: 1 },
    ],
    departmentRanking: [
      { code: 'D330203-CGZF', name: '海曙区城管执法局', registered: 30, due: 25, dueClosed: 24, dueClosedOnTime: 22, closureRate: 24 / 25, onTimeRate: 22 / 25, overdueOpen: 1, score: 90.1, rank: 1 },
      { code: 'D330203001-ZZZX', name: '南门街道综治中心', registered: 6, due: 4, dueClosed: 3, dueClosedOnTime: 2, closureRate: 3 / 4, onTimeRate: 2 / 4, overdueOpen: 1, score: 60, rank: 2 },
    ],
    ...over,
  };
}

export function snapshot(over: Partial<Snapshot> = {}): Snapshot {
  return {
    protocolVersion: PROTOCOL_VERSION,
    seq: 100,
    serverTime: T0,
    region: REGIONS[0]!,
    layers: ['incidents', 'patrols', 'cameras', 'stats'],
    regions: REGIONS,
    catalog: CATALOG,
    detail: { incidents: 'items', patrols: 'items', cameras: 'items', grids: 'items' },
    areas: [],
    incidents: [incident('E1'), incident('E2', { stage: 'closed', updatedAt: T0 - 3_600_000, deadline: null })],
    heat: [121.55, 29.87, 1, T0 - 60_000, 1, 121.56, 29.88, 2, T0 - 6 * 86_400_000, 1],
    patrols: [patrol(0), patrol(2, { status: 'offline', lng: null, lat: null, fixAt: null })],
    cameras: [camera('C1'), camera('C2', { status: 'fault', statusSince: T0 - 1000 }), camera('C3', { status: 'offline', statusSince: T0 - 5000 })],
    stats: statistics(),
    week: statistics({ registered: 700 }),
    risk: { '330203001001001': 3 },
    ...over,
  };
}

/** an AI video alarm waiting in the confirm queue (in 南门第1网格, 海曙区) */
export function videoAlarm(id: string, over: Partial<VideoAlarm> = {}): VideoAlarm {
  return {
    id,
    cameraId: 'C1',
    cameraName: '南门街道·解放南路口(球机)',
    alarmType: 'garbage',
    confidence: 0.87,
    snapshotUrl: null,
    at: T0 - 120_000,
    location: { lng: 121.55, lat: 29.87 },
    gridCode: '330203001001001',
    regionPath: ['330200', '330203', '330203001', '330203001001', '330203001001001'],
    category: 'sanitation',
    subcategory: '01-02',
    title: '视频识别：南门街道·解放南路口(球机)暴露垃圾',
    externalRef: null,
    status: 'pending',
    decidedBy: null,
    decidedAt: null,
    reason: null,
    incidentId: null,
    version: 1,
    ...over,
  };
}

export function aiPrecision(byType: AiPrecision['byType'], pending = byType.reduce((n, t) => n + t.pending, 0)): AiPrecision {
  return { from: T0 - 7 * 86_400_000, to: T0 + 1, byType, pending };
}
