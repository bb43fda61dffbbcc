/** A summarised region's cases stay bounded on the wall, and the notable ones are the last to leave. */
import { beforeEach, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { SUMMARY_CAP, useIncidentsStore } from '../../web/src/stores/incidents';
import { incident, reported, snapshot, T0 } from './helpers/fixtures';

beforeEach(() => setActivePinia(createPinia()));

describe('incidents of a summarised region', () => {
  it('keeps at most SUMMARY_CAP cases, the open serious and overdue ones first', () => {
    const store = useIncidentsStore();
    store.applySnapshot(snapshot({ incidents: [], detail: { incidents: 'summary', patrols: 'summary', cameras: 'summary', grids: 'summary' } }));
    const notable: string[] = [];
    let seq = 1_000;
    for (let k = 0; k < SUMMARY_CAP * 2; k++) {
      const serious = k % 50 === 0;
      const overdue = k % 77 === 0;
      const at = T0 + k;
      const id = `S${k}`;
      if (serious || overdue) notable.push(id);
      store.applyDelta(reported(incident(id, { severity: serious ? 4 : 1, overdue, reportedAt: at, updatedAt: at }), ++seq), T0 + k);
      expect(store.byId.size).toBeLessThanOrEqual(SUMMARY_CAP);
    }
    for (const id of notable) expect(store.byId.has(id)).toBe(true);
    // the newest plain cases stay beside them
    expect(store.byId.has(`S${SUMMARY_CAP * 2 - 1}`)).toBe(true);
  });

  it('a region given case by case is not cut at SUMMARY_CAP', () => {
    const store = useIncidentsStore();
    store.applySnapshot(snapshot({ incidents: [] }));
    let seq = 1_000;
    for (let k = 0; k < SUMMARY_CAP + 50; k++) store.applyDelta(reported(incident(`I${k}`, { reportedAt: T0 + k, updatedAt: T0 + k }), ++seq), T0 + k);
    expect(store.byId.size).toBe(SUMMARY_CAP + 50);
  });
});
