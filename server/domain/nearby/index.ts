/** Nearest units: distances, ETAs, camera sight and the point index (pure: no transport, no store). */
export * from './geodesy';
export * from './eta';
export * from './visibility';
export * from './pointIndex';
export * from './nearby';
