/**
 * Small factories for valid domain objects, type-checked against the shared types. Each takes
 * overrides so a test states only what it is about. Not a test file (no `.test.ts`).
 */
import type { Actor } from '@shared/schemas/common';
import type { Camera } from '@shared/schemas/camera';
import type { Incident } from '@shared/schemas/incident';
import type { Patrol } from '@shared/schemas/patrol';
import type { NewEvent } from '../../server/store/types';
import { baseIncident } from '../support/incident';

export const T0 = Date.UTC(2026, 10, 25, 1, 30); // 2026-11-25 09:30 in Ningbo
export const MINUTE = 60_000;

export const operator: Actor = { kind: 'operator', id: 'op-1', name: 'Duty operator' };

/** A prefix unique to one test, so tests sharing a database never read each other's rows. */
let counter = 0;
export const uniquePrefix = (label: string) => `${label}-${Date.now().toString(36)}-${(counter++).toString(36)}`;

export function makeIncident(overrides: Partial<Incident> & Pick<Incident, 'id'>): Incident {
  const reportedAt = overrides.reportedAt ?? T0;
  return {
    ...baseIncident(reportedAt),
    source: 'hotline',
    category: 'environment',
    subcategory: '01-02',
    severity: 1,
    title: 'Overflowing bin',
    description: 'Bin outside no. 12 overflowing since morning',
    location: { lng: 121.55, lat: 29.87, address: 'Zhongshan East Road 12' },
    gridCode: '330203001001001',
    regionPath: ['330200', '330203', '330203001', '330203001001', '330203001001001'],
    stage: 'reported',
    reportedAt,
    stageEnteredAt: { reported: reportedAt },
    deadline: { stage: 'reported', dueAt: reportedAt + 30 * MINUTE },
    reporter: { kind: 'citizen', phone: '138****5678' },
    updatedAt: reportedAt,
    ...overrides,
  };
}

export function makeCamera(overrides: Partial<Camera> & Pick<Camera, 'id'>): Camera {
  return {
    gbId: '33020300001320000001',
    name: 'Tianyi Square east gate',
    gridCode: '330203001001001',
    lng: 121.551,
    lat: 29.871,
    status: 'online',
    statusSince: T0,
    alarm: null,
    owner: 'public_security',
    ...overrides,
  };
}

export function makePatrol(overrides: Partial<Patrol> & Pick<Patrol, 'id' | 'idx'>): Patrol {
  return {
    name: 'Grid worker',
    kind: 'worker',
    role: 'grid_manager',
    gridCode: '330203001001001',
    status: 'on_duty',
    statusSince: T0,
    lng: 121.552,
    lat: 29.872,
    fixAt: T0,
    ...overrides,
  };
}

export function makeEvent(overrides: Partial<NewEvent> & Pick<NewEvent, 'aggregateId'>): NewEvent {
  return {
    kind: 'incident',
    type: 'reported',
    at: T0,
    actor: operator,
    payload: { note: null },
    ...overrides,
  };
}
