/** Statistics and the risk map, computed from incidents' logs. Pure, no I/O. */
export { computeStatistics, computeWindow, createStatsAccumulator, HOUR_MS, MAX_BUCKETS, type StatsAccumulator, type WindowOptions } from './statistics';
export {
  addOpenCase,
  AGE_FULL_WEIGHT_MS,
  computeGridRisk,
  incidentRiskPoints,
  OVERDUE_POINTS,
  RISK_THRESHOLDS,
  riskLevelOf,
  riskPoints,
  RiskTally,
  SEVERITY_POINTS,
} from './risk';
export { compositeScore, rankUnits, SCORE_WEIGHTS } from './ranking';
export { cameraFigures, patrolFigures } from './rosters';
export { rate, summariseDurations } from './figures';
export type { IncidentRecord, StatsInput } from './types';
