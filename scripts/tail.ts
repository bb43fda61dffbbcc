/**
 * npm run tail — a real socket.io-client that prints the live stream in a terminal.
 *
 *   npm run tail                          # the whole city, every layer
 *   npm run tail -- --region 330203       # one district
 *   npm run tail -- --url http://hub:8080 --layers incidents,stats --json
 *   HUB_TOKEN=… npm run tail -- --url http://hub:8080   # signed in, where anonymous reading is off
 *
 * It also shows the protocol at work: subscribe → snapshot, then ordered deltas; on a reconnect
 * it resumes from its last sequence number, and says so.
 */
import { parseArgs } from 'node:util';
import { io, type Socket } from 'socket.io-client';
import { PROTOCOL_VERSION, type ClientToServerEvents, type ServerToClientEvents } from '../shared/events';
import { readPositionsFrame } from '../shared/binary/positionsFrame';
import { decodeSubscribeResult } from '../shared/binary/snapshotGzip';
import { LAYERS, type Delta, type Layer, type SubscribeResult } from '../shared/schemas/live';
import type { Incident } from '../shared/schemas/incident';

const { values } = parseArgs({
  options: {
    url: { type: 'string', default: process.env.HUB_URL ?? `http://localhost:${process.env.PORT ?? 8080}` },
    /** a session token (POST /api/auth/login) where the hub does not let anonymous clients read */
    token: { type: 'string', default: process.env.HUB_TOKEN },
    region: { type: 'string' },
    layers: { type: 'string', default: LAYERS.join(',') },
    json: { type: 'boolean', default: false },
    seconds: { type: 'string' },
  },
});

const layers = values.layers!.split(',').filter((l): l is Layer => (LAYERS as readonly string[]).includes(l));
const useColour = process.stdout.isTTY && !values.json;
const c = (code: number, s: string) => (useColour ? `\x1b[${code}m${s}\x1b[0m` : s);
const time = (ms: number) => new Date(ms).toLocaleTimeString('zh-CN', { hour12: false, timeZone: 'Asia/Shanghai' });
const sevColour = [0, 37, 33, 35, 31];
const names = new Map<string, string>();

function line(kind: string, text: string, payload?: unknown): void {
  if (values.json) console.log(JSON.stringify({ kind, ...(payload as object) }));
  else console.log(`${c(90, time(Date.now()))} ${kind.padEnd(9)} ${text}`);
}

function describe(incident: Incident): string {
  const where = incident.regionPath.slice(1, 3).map((code) => names.get(code) ?? code).join(' ');
  const sev = c(sevColour[incident.severity] ?? 37, `S${incident.severity}`);
  const flags = [incident.overdue ? c(31, '超期') : '', incident.supervised ? c(33, '督办') : ''].filter(Boolean).join(' ');
  return `${incident.id} ${sev} ${incident.stage.padEnd(10)} ${incident.title} · ${where} ${flags}`;
}

const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(values.url!, { transports: ['websocket'], ...(values.token ? { auth: { token: values.token } } : {}) });
let lastSeq: number | undefined;
/** the history lastSeq belongs to: the hub resumes only within it */
let historyId: string | undefined;
let region = values.region;

function applyDelta(d: Delta): void {
  if (lastSeq !== undefined && d.seq <= lastSeq) return; // already applied
  lastSeq = d.seq;
  switch (d.type) {
    case 'incident:reported':
      line('reported', `#${d.seq} ${describe(d.incident)}`, d);
      break;
    case 'incident:updated':
      line('updated', `#${d.seq} ${describe(d.incident)} ← ${d.entry.type} by ${d.entry.actor.name ?? d.entry.actor.id}`, d);
      break;
    case 'camera:updated':
      line('camera', `#${d.seq} ${d.camera.name} → ${d.camera.status}${d.camera.alarm ? ` alarm:${d.camera.alarm.type}` : ''}`, d);
      break;
    case 'patrol:updated':
      line('patrol', `#${d.seq} ${d.patrol.name} → ${d.patrol.status}`, d);
      break;
  }
}

let rootRegion = '';
socket.on('hello', (hello) => {
  line('hello', `connected to ${values.url} (node ${hello.node}, protocol ${hello.protocolVersion})`, hello);
  rootRegion = hello.rootRegion;
  subscribe();
});

function subscribe(): void {
  const request = { protocolVersion: PROTOCOL_VERSION, region: region ?? rootRegion, layers, snapshotEncoding: 'gzip' as const, ...(lastSeq !== undefined ? { lastSeq, ...(historyId ? { historyId } : {}) } : {}) };
  socket.emit('subscribe', request, (answer) => {
    if (!answer.ok) {
      line('error', `${answer.error}: ${answer.message}`, answer);
      process.exitCode = 1;
      return;
    }
    onSubscribed(answer.data);
  });
}

function onSubscribed(answer: SubscribeResult): void {
  const result = decodeSubscribeResult(answer);
  if (result.mode === 'resume') {
    line('resume', `resumed after #${result.fromSeq}: ${result.deltas.length} missed deltas, now at #${result.seq}`, { ...result, deltas: undefined });
    result.deltas.forEach(applyDelta);
    lastSeq = Math.max(lastSeq ?? 0, result.seq);
    historyId = result.historyId ?? historyId;
    return;
  }
  const s = result.snapshot;
  for (const r of s.regions) names.set(r.code, r.name);
  region = s.region.code;
  lastSeq = s.seq;
  historyId = s.historyId;
  const open = s.incidents.filter((i) => i.stage !== 'closed' && i.stage !== 'rejected').length;
  line(
    'snapshot',
    `${s.region.name} at #${s.seq}: ${s.regions.length} regions, ${s.incidents.length} incidents (${open} open), ${s.patrols.length} patrols, ${s.cameras.length} cameras`,
    { seq: s.seq, region: s.region.code },
  );
  if (s.stats) printStats(s.stats);
}

function pct(x: number | null): string {
  return x === null ? '—' : `${(x * 100).toFixed(1)}%`;
}

function printStats(st: NonNullable<Extract<SubscribeResult, { mode: 'snapshot' }>['snapshot']['stats']>): void {
  line(
    'stats',
    `today: reported ${st.intake.total} · registered ${st.registered} · closed ${st.closed} · closure ${pct(st.closureRate)} · on-time ${pct(st.onTimeRate)} · overdue ${st.overdueOpen} · patrols on duty ${pct(st.patrols.onDutyRate)} · cameras online ${pct(st.cameras.onlineRate)}`,
    { stats: st },
  );
}

for (const event of ['incident:reported', 'incident:updated', 'camera:updated', 'patrol:updated'] as const) {
  socket.on(event, (d: Delta) => applyDelta(d));
}

let framesSinceReport = 0;
let positionsSinceReport = 0;
let bytesSinceReport = 0;
socket.on('positions', (...frames) => {
  for (const frame of frames) {
    const cols = readPositionsFrame(frame as ArrayBuffer);
    framesSinceReport++;
    positionsSinceReport += cols.count;
    bytesSinceReport += (frame as ArrayBuffer).byteLength;
  }
});

let lastStatsLine = 0;
socket.on('stats:updated', (frame) => {
  if (Date.now() - lastStatsLine < 10_000) return;
  lastStatsLine = Date.now();
  printStats(frame.stats);
});

// Positions are many and small: summarise them every five seconds instead of a line per frame.
setInterval(() => {
  if (framesSinceReport === 0) return;
  line('positions', `${framesSinceReport} frames, ${positionsSinceReport} fixes, ${(bytesSinceReport / Math.max(1, positionsSinceReport)).toFixed(1)} bytes per fix (header included)`, {
    frames: framesSinceReport,
    fixes: positionsSinceReport,
    bytes: bytesSinceReport,
  });
  framesSinceReport = positionsSinceReport = bytesSinceReport = 0;
}, 5_000).unref();

socket.on('resync', ({ reason }) => {
  line('resync', reason);
  lastSeq = undefined;
  subscribe();
});
socket.on('disconnect', (reason) => line('offline', `disconnected (${reason}); reconnecting…`));
socket.on('connect_error', (error) => line('offline', `cannot reach ${values.url}: ${error.message}; retrying…`));

if (values.seconds) setTimeout(() => socket.close(), Number(values.seconds) * 1000);
