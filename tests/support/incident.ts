/**
 * Test support: a valid, unremarkable incident in 海曙区 reported at `at` — open, on time, no
 * flags. Each test file's builder spreads it and states only what matters to its own tests.
 */
import type { Incident } from '@shared/schemas/incident';

export const TEST_GRID = '330203001001001';
export const TEST_PATH = ['330200', '330203', '330203001', '330203001001', TEST_GRID];

export function baseIncident(at: number): Incident {
  return {
    id: 'E20261125-00001',
    source: 'patrol',
    category: 'sanitation',
    subcategory: null,
    severity: 1,
    title: '测试事件',
    description: '',
    location: { lng: 121.55, lat: 29.87 },
    gridCode: TEST_GRID,
    regionPath: TEST_PATH,
    stage: 'reported',
    reportedAt: at,
    stageEnteredAt: { reported: at },
    deadline: null,
    sla: { pausedAt: null, pausedMs: 0 },
    assignee: null,
    reporter: { kind: 'citizen' },
    overdue: false,
    supervised: false,
    fastTrack: false,
    reworkCount: 0,
    rejectReason: null,
    duplicateOf: null,
    externalRef: null,
    version: 1,
    updatedAt: at,
  };
}
