import { defaultCatalog } from '../../domain/catalog';
import { defaultSlaPolicy } from '../../domain/lifecycle';
import { generateCity } from '../../geo/generateCity';
import { createGeoContext } from '../../hub/createGeoContext';
import { Hub } from '../../hub/hub';
import { HubViews } from '../../hub/views';
import { createLogger } from '../../lib/log';
import { createPgliteStore } from '../../store/pgliteStore';
import { startSimulator } from '../simulator/index';

const scale = (process.argv[2] ?? 'district') as 'district';
const T = Date.UTC(2026, 10, 25, 3, 0); // 11:00 local Wednesday
let now = T;
const regions = generateCity({ seed: 'ningbo', scale });
const store = await createPgliteStore({});
await store.migrate();
const catalog = defaultCatalog();
const log = createLogger('warn');
const hub = await Hub.open({ store, geo: createGeoContext(regions), policy: defaultSlaPolicy(), clock: () => now, log, resumeBuffer: 50000, memoryDays: 35, tzOffsetMinutes: 480, knownCategories: new Set(catalog.categories.map((c) => c.code)) });
const sim = await startSimulator({ hub, regions, seed: 'ningbo', scale, rate: 1, historyDays: 7, log, clock: () => now });
const inc = [...hub.incidents.values()].map((r) => r.incident);
const by = (f: (i: any) => string) => { const m: Record<string, number> = {}; for (const i of inc) m[f(i)] = (m[f(i)] ?? 0) + 1; return m; };
console.log('n', inc.length);
console.log('stage', by((i) => i.stage));
console.log('source', by((i) => i.source));
console.log('category', by((i) => i.category));
console.log('severity', by((i) => String(i.severity)));
console.log('overdue open', inc.filter((i) => i.overdue).length, 'supervised', inc.filter(i=>i.supervised).length, 'rework>0', inc.filter((i) => i.reworkCount > 0).length, 'rejected dup', inc.filter(i=>i.rejectReason==='duplicate').length, 'paused', inc.filter(i=>i.sla.pausedAt!==null).length);
const views = new HubViews(hub, catalog, 480);
const root = hub.geo.rootCode;
const st = views.todayStatistics(root);
console.log(JSON.stringify({ ...st, ranking: st.ranking.slice(0, 3), intake: { ...st.intake, byHour: st.intake.byHour } }, null, 1).slice(0, 3000));
const wk = views.statistics(root, { from: T - 7 * 86400000, to: T });
console.log('week', { registered: wk.registered, closed: wk.closed, closureRate: wk.closureRate, onTime: wk.onTimeRate, rework: wk.reworkRate, rejected: wk.rejected, verifications: wk.verifications });
// live for 2 hours fake clock
for (let s = 0; s < 2 * 3600; s += 1) { now += 1000; await sim.tick(); }
console.log(sim.status());
const st2 = views.todayStatistics(root);
console.log('after 2h', { open: st2.open, overdueOpen: st2.overdueOpen, patrols: st2.patrols, cameras: st2.cameras, intake: st2.intake.total });
await sim.stop();
await store.close();
