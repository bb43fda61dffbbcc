import { it } from 'vitest';
import { IncidentCommand, NewIncident } from '@shared/schemas/incident';
import { applyCommand, defaultSlaPolicy, reportIncident, type EntryDraft } from '../../server/domain/lifecycle';
import { computeStatistics, computeGridRisk, incidentRiskPoints } from '../../server/domain/stats';
it('perf', () => {
  const policy = defaultSlaPolicy();
  const t0 = Date.UTC(2026, 10, 1);
  const records = [];
  const cats = ['sanitation', 'traffic', 'dispute', 'public_order'];
  for (let i = 0; i < 20000; i++) {
    const at = t0 + i * 60_000;
    let d = reportIncident(NewIncident.parse({ source: 'patrol', category: cats[i % 4], severity: (i % 4) + 1, title: 't', location: { lng: 121, lat: 29 }, reporter: { kind: 'patrol', id: 'p' }, reportedAt: at }), { id: `I${i}`, gridCode: `G${i % 500}`, regionPath: ['C1', `S${i % 20}`, `G${i % 500}`], now: at, policy });
    const entries: EntryDraft[] = [d.entry];
    const steps = ['register', 'dispatch', 'accept', 'feedback', 'verify_pass', 'close'].slice(0, i % 7);
    let t = at;
    for (const a of steps) {
      t += 20 * 60_000;
      d = applyCommand(d.incident, IncidentCommand.parse({ action: a, actor: { kind: 'operator', id: a.startsWith('verify') ? 's' : 'o' }, at: t, ...(a === 'dispatch' ? { assignee: { id: 'd', name: 'd' } } : {}) }), { now: t + 1, policy });
      entries.push(d.entry);
    }
    records.push({ incident: d.incident, entries });
  }
  const children = Array.from({ length: 20 }, (_, i) => ({ code: `S${i}`, name: `S${i}` }));
  const open = records.map((x) => x.incident).filter((x) => x.stage !== 'closed');
  for (let k = 0; k < 40; k++) {
    let tb = performance.now();
    computeStatistics({ regionCode: 'C1', window: { from: t0, to: t0 + 86400000 }, asOf: t0 + 15 * 86400000, incidents: records, patrols: [], cameras: [], children, childOf: (x) => x.regionPath[1] });
    const a = performance.now() - tb; tb = performance.now();
    computeGridRisk(open, t0 + 15 * 86400000);
    tb = performance.now(); let z = 0; for (const x of open) z += incidentRiskPoints(x, t0); const p = performance.now() - tb;
    tb = performance.now(); const m = new Map(); for (const x of open) m.set(x.gridCode, (m.get(x.gridCode) ?? 0) + 1); const q = performance.now() - tb;
    console.log('pts', p.toFixed(1), 'map', q.toFixed(1), open.length, 'stats', a.toFixed(1), 'risk', (performance.now() - tb).toFixed(1));
  }
});
