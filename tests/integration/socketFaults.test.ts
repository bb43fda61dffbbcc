/**
 * Fault tests of issue 17 part 1 against a real hub, printing their figures: one raw client asking
 * for many snapshots of the test city's root without reading them (the hub builds at most one at a
 * time for it, holds memory bounded by a few snapshots, drops it, and keeps answering /healthz),
 * and one signed-in client flooding reports while a bystander wall keeps its position frames.
 * Each test has a hub of its own. The hub runs in this process: memory is read after a full
 * collection (live bytes), at the moments the hub hands an answer to Engine.IO — when it holds the
 * most for that client. Nothing waits for a fixed time; no wall-clock limit is asserted.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import { PROTOCOL_VERSION, type Ack } from '@shared/events';
import type { Incident } from '@shared/schemas/incident';
import type { SubscribeResult } from '@shared/schemas/live';
import { decodePositionsFrame } from '@shared/binary/positionsFrame';
import { DEFAULT_SOCKET_LIMITS } from '../../server/transport/socket/limits';
import { bigRoster, connectClient, grids, nextEvent, signedInUser, startTestHub, type TestClient, type TestHub } from './harness';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
/**
 * What this process holds alive: the JS heap after a full collection (where a snapshot's objects
 * and its encoded answer live), and ArrayBuffers (Node's Buffers: WebSocket frames). Only the
 * heap is asserted: ArrayBuffers and `external` moved here by 100–400 MB between two readings with
 * no client doing anything (PGlite's WebAssembly memory and buffers), far above a snapshot.
 */
function live(): { heap: number; buffers: number } {
  gc();
  const m = process.memoryUsage();
  return { heap: m.heapUsed, buffers: m.arrayBuffers };
}
const MB = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

let t: TestHub | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const ALL_LAYERS = ['incidents', 'patrols', 'cameras', 'stats'] as const;

function subscribeAck(socket: TestClient, region: string, layers: readonly string[], extra: Record<string, unknown> = {}): Promise<Ack<SubscribeResult>> {
  return new Promise((resolve) => socket.emit('subscribe', { protocolVersion: PROTOCOL_VERSION, region, layers: layers as never, ...extra } as never, resolve));
}

/** /healthz answered, and how long it took (printed, never asserted) */
async function health(url: string): Promise<{ status: number; ms: number }> {
  const started = performance.now();
  const res = await fetch(`${url}/healthz`);
  await res.arrayBuffer();
  return { status: res.status, ms: performance.now() - started };
}

interface UnreadFlood {
  snapshotBytes: number;
  sent: number;
  rounds: number;
  answers: { snapshot: number; superseded: number; other: number };
  /** the most snapshot builds running at once for the connection */
  mostBuildsAtOnce: number;
  before: { heap: number; buffers: number };
  peak: { heap: number; buffers: number };
  after: { heap: number; buffers: number };
  dropReason: string;
  healthz: { status: number; ms: number };
}

/**
 * A raw WebSocket client (as socketLimits.test.ts makes one) that stops reading, then asks for the
 * root in rounds of 30 subscriptions sent at once — each round once the hub has answered the one
 * before — until the hub drops it. `layersOf(i)` gives the i-th subscription's layers. The hub's
 * side is watched: every acknowledgement it hands to Engine.IO for this client (and the live
 * memory then), and how many snapshot builds run at once (`build` names the read model's method).
 */
async function floodUnread(hub: TestHub, layersOf: (i: number) => readonly string[], build: 'snapshot' | 'prepareSnapshot'): Promise<UnreadFlood> {
  const root = hub.hub.geo.rootCode;
  // one answer's size with every layer, as a wall that reads receives it
  const { socket: wall } = await connectClient(hub.url);
  const first = await subscribeAck(wall, root, ALL_LAYERS);
  expect(first.ok && first.data.mode).toBe('snapshot');
  const snapshotBytes = Buffer.byteLength(JSON.stringify(first));
  wall.close();

  const views = hub.app.views;
  const real = views[build].bind(views) as (...args: unknown[]) => unknown;
  let building = 0;
  let mostBuildsAtOnce = 0;
  const spy = vi.spyOn(views, build).mockImplementation(((...args: unknown[]) => {
    building++;
    mostBuildsAtOnce = Math.max(mostBuildsAtOnce, building);
    const out = real(...args);
    if (out instanceof Promise) return out.finally(() => building--);
    building--;
    return out;
  }) as never);

  const before = live();
  const peak = { ...before };
  const answers = { snapshot: 0, superseded: 0, other: 0 };
  let sent = 0;
  let onAnswer = () => {};
  const hubSide = new Promise<Parameters<Parameters<typeof hub.app.io.on>[1]>[0]>((resolve) => hub.app.io.once('connection', resolve));
  const ws = new WebSocket(`${hub.url.replace('http', 'ws')}/socket.io/?EIO=4&transport=websocket`);
  await new Promise<void>((resolve, reject) => {
    ws.once('message', () => resolve()); // Engine.IO's open packet
    ws.once('error', reject);
  });
  ws.send('40');
  await new Promise<void>((resolve) => ws.once('message', () => resolve())); // the connect answer
  const server = await hubSide;
  server.conn.on('packetCreate', (packet: { type: string; data?: unknown }) => {
    if (packet.type !== 'message' || typeof packet.data !== 'string' || !packet.data.startsWith('3')) return;
    const head = packet.data.slice(0, 120);
    if (head.includes('"mode":"snapshot"')) answers.snapshot++;
    else if (head.includes('SUPERSEDED')) answers.superseded++;
    else answers.other++;
    // the answer is encoded and its snapshot still referenced: the most the hub holds for it
    const now = live();
    peak.heap = Math.max(peak.heap, now.heap);
    peak.buffers = Math.max(peak.buffers, now.buffers);
    onAnswer();
  });
  let dropped = false;
  const dropReason = new Promise<string>((resolve) => server.once('disconnect', resolve));
  void dropReason.then(() => (dropped = true));

  const raw = (ws as unknown as { _socket: { pause(): void; resume(): void } })._socket;
  raw.pause();
  const ROUND = 30;
  let rounds = 0;
  while (!dropped && rounds < 300 && ws.readyState === WebSocket.OPEN) {
    rounds++;
    const answered = new Promise<void>((resolve) => {
      onAnswer = () => {
        if (answers.snapshot + answers.superseded + answers.other >= sent) resolve();
      };
    });
    for (let i = 0; i < ROUND; i++, sent++) ws.send(`42${sent}${JSON.stringify(['subscribe', { protocolVersion: PROTOCOL_VERSION, region: root, layers: layersOf(sent) }])}`);
    await Promise.race([answered, dropReason]);
  }
  if (!dropped) throw new Error(`the hub answered ${sent} subscriptions of a client that never reads and did not drop it`);
  const reason = await dropReason;
  const healthz = await health(hub.url);
  raw.pause = () => {};
  raw.resume();
  await new Promise<void>((resolve) => (ws.readyState === WebSocket.CLOSED ? resolve() : ws.once('close', () => resolve())));
  spy.mockRestore();
  const after = live();
  return { snapshotBytes, sent, rounds, answers, mostBuildsAtOnce, before, peak, after, dropReason: reason, healthz };
}

function printFlood(title: string, f: UnreadFlood, maxPendingBytes: number): void {
  console.log(
    [
      title,
      `  snapshot answer with every layer ${MB(f.snapshotBytes)}; bound on unsent bytes ${MB(maxPendingBytes)}`,
      `  subscriptions sent ${f.sent} in ${f.rounds} rounds of 30; answered ${f.answers.snapshot} snapshots, ${f.answers.superseded} SUPERSEDED, ${f.answers.other} other`,
      `  most snapshot builds at once for the connection: ${f.mostBuildsAtOnce}`,
      `  live JS heap (hub and test in one process): before ${MB(f.before.heap)}, peak ${MB(f.peak.heap)} (+${MB(f.peak.heap - f.before.heap)} = ${((f.peak.heap - f.before.heap) / f.snapshotBytes).toFixed(1)} snapshots), after ${MB(f.after.heap)}`,
      `  ArrayBuffers: before ${MB(f.before.buffers)}, peak ${MB(f.peak.buffers)}, after ${MB(f.after.buffers)}`,
      `  dropped by the hub (${f.dropReason}); /healthz then ${f.healthz.status} in ${f.healthz.ms.toFixed(0)} ms`,
    ].join('\n'),
  );
}

/** the 15 non-empty sets of layers: each a snapshot of its own */
const LAYER_SETS = Array.from({ length: 15 }, (_, k) => ALL_LAYERS.filter((_, b) => ((k + 1) >> b) & 1));

describe('socket faults, with figures', () => {
  it('snapshot amplification, a region built at once: a client asking for the root again and again without reading holds memory of a few snapshots and is dropped; the hub answers /healthz', async () => {
    const maxPendingBytes = 4 * 1024 * 1024;
    t = await startTestHub({ fusion: 'off', socketLimits: { ...DEFAULT_SOCKET_LIMITS, subscribesPer10s: 100_000, maxPendingBytes }, coordination: { rules: [] } });
    const roster = bigRoster(5_000, Date.now());
    await t.hub.loadRoster(roster.cameras, roster.patrols);
    const f = await floodUnread(t, () => ALL_LAYERS, 'snapshot');
    printFlood('snapshot amplification (issue 17), the root built in one go: one client, never reading', f, maxPendingBytes);
    expect(f.healthz.status).toBe(200);
    expect(t.app.io.sockets.sockets.size).toBe(0);
    expect(f.mostBuildsAtOnce).toBe(1);
    // bounded by what the hub lets a connection hold unsent plus the answer being made — a few
    // snapshots — however many were asked for
    expect(f.sent).toBeGreaterThan(f.answers.snapshot);
    // (unsent answers are two-byte strings: up to twice maxPendingBytes, here 1.7 snapshots; an answer
    // being made is its objects and its string; 5.5 snapshots measured after two answers)
    expect(f.peak.heap - f.before.heap).toBeLessThan(10 * f.snapshotBytes);
  });

  it('snapshot amplification, a large region built in slices: subscriptions for other layers wait for the one being built instead of building side by side', async () => {
    const maxPendingBytes = 4 * 1024 * 1024;
    // a root holding more cases than largeCases is large: its snapshots are built in slices, shared, kept a moment
    t = await startTestHub({ fusion: 'off', snapshotBudget: { largeCases: 0 }, socketLimits: { ...DEFAULT_SOCKET_LIMITS, subscribesPer10s: 100_000, maxPendingBytes }, coordination: { rules: [] } });
    const roster = bigRoster(5_000, Date.now());
    await t.hub.loadRoster(roster.cameras, roster.patrols);
    const [lng, lat] = grids()[0]!.center;
    await t.hub.report({ source: 'hotline', category: 'sanitation', severity: 1, title: '垃圾满溢', location: { lng, lat }, reporter: { kind: 'citizen' } });
    const f = await floodUnread(t, (i) => LAYER_SETS[i % LAYER_SETS.length]!, 'prepareSnapshot');
    printFlood('snapshot amplification (issue 17), the root large (built in slices), 15 sets of layers in turn: one client, never reading', f, maxPendingBytes);
    expect(f.healthz.status).toBe(200);
    expect(t.app.io.sockets.sockets.size).toBe(0);
    expect(f.mostBuildsAtOnce).toBe(1);
    expect(f.sent).toBeGreaterThan(f.answers.snapshot);
  });

  it('one connection, fifteen subscriptions at once for other layers of a large region: one snapshot built at a time, the ones overtaken answer SUPERSEDED, the last one its snapshot', async () => {
    t = await startTestHub({ fusion: 'off', snapshotBudget: { largeCases: 0 }, socketLimits: { ...DEFAULT_SOCKET_LIMITS, subscribesPer10s: 100_000 }, coordination: { rules: [] } });
    const roster = bigRoster(5_000, Date.now());
    await t.hub.loadRoster(roster.cameras, roster.patrols);
    const [lng, lat] = grids()[0]!.center;
    await t.hub.report({ source: 'hotline', category: 'sanitation', severity: 1, title: '垃圾满溢', location: { lng, lat }, reporter: { kind: 'citizen' } });
    const views = t.app.views;
    const real = views.prepareSnapshot.bind(views);
    let building = 0;
    let mostAtOnce = 0;
    let builds = 0;
    const { socket } = await connectClient(t.url);
    const before = live();
    let peak = before.heap;
    vi.spyOn(views, 'prepareSnapshot').mockImplementation((...args) => {
      builds++;
      mostAtOnce = Math.max(mostAtOnce, ++building);
      return real(...args).finally(() => {
        building--;
        peak = Math.max(peak, live().heap);
      });
    });
    const answers = await Promise.all(LAYER_SETS.map((layers) => subscribeAck(socket, t!.hub.geo.rootCode, layers)));
    const words = answers.map((a) => (a.ok ? a.data.mode : a.error));
    const snapshotBytes = Buffer.byteLength(JSON.stringify(answers[answers.length - 1]));
    const after = live().heap; // with the large region's snapshots kept for sharing (ReadModel.keepSnapshot)
    console.log(
      [
        `fifteen subscriptions at once from one client, the large root: ${builds} snapshots built, at most ${mostAtOnce} at once; answers ${words.join(' ')}`,
        `  live JS heap: before ${MB(before.heap)}, most when a build's slices ended ${MB(peak)}, after the answers ${MB(after)} (+${MB(after - before.heap)}); the last answer ${MB(snapshotBytes)}`,
      ].join('\n'),
    );
    expect(mostAtOnce).toBe(1);
    expect(words[words.length - 1]).toBe('snapshot');
    expect(words.slice(0, -1).every((w) => w === 'SUPERSEDED' || w === 'snapshot')).toBe(true);
    // the layers subscribed are the last one's
    expect(t.app.io.sockets.sockets.get(socket.id!)?.data.layers).toEqual(LAYER_SETS[LAYER_SETS.length - 1]);
    socket.close();
  });

  it('command flood: one connection sends thousands of reports without waiting; beyond its rate each is refused at once, a bystander wall keeps its position frames, /healthz answers, stored cases = accepted', async () => {
    t = await startTestHub({ fusion: 'off', socketLimits: DEFAULT_SOCKET_LIMITS, coordination: { rules: [] } });
    const hub = t;
    const at = Date.now();
    const patrols = bigRoster(20, at).patrols;
    await hub.hub.loadRoster([], patrols);
    const root = hub.hub.geo.rootCode;

    // everything the test hears, numbered in the order it heard it
    let heard = 0;
    const frameAt: number[] = [];
    const frameMs: number[] = [];
    let frameArrived = () => {};
    const { socket: bystander } = await connectClient(hub.url);
    bystander.on('positions', (...bufs) => {
      for (const buf of bufs) decodePositionsFrame(buf as unknown as Uint8Array);
      frameAt.push(++heard);
      frameMs.push(performance.now());
      frameArrived();
    });
    const sub = await subscribeAck(bystander, root, ['patrols'], { positions: { minIntervalMs: 100 } });
    expect(sub.ok).toBe(true);

    const op = await signedInUser(hub, 'flooder', 'operator');
    const { socket: flooder } = await connectClient(hub.url, op.token);
    const accepted: string[] = [];
    const limitedAt: number[] = [];
    const otherAnswers: string[] = [];
    let sent = 0;
    let answered = 0;
    let allAnswered = () => {};
    let flooding = true;
    let endFlood = () => {};
    const floodOver = new Promise<void>((resolve) => (endFlood = resolve));

    // positions fed through the hub's facade (POST /api/positions is a machine feed whose keys are
    // another change's) while the flood runs: every patrol moves, then the next batch once the
    // bystander has its frame — or the flood is over
    const posting = (async () => {
      let step = 0;
      while (flooding) {
        step++;
        const next = new Promise<void>((resolve) => (frameArrived = resolve));
        const fed = hub.hub.ingestPositions({ positions: patrols.map((p) => ({ patrolId: p.id, lng: p.lng! + step * 1e-5, lat: p.lat!, at: Date.now() })) });
        expect(fed.accepted).toBe(patrols.length);
        await Promise.race([next, floodOver]);
      }
      return step;
    })();
    // /healthz asked one after another while the flood runs
    const healthMs: number[] = [];
    const probing = (async () => {
      while (flooding) {
        const h = await health(hub.url);
        expect(h.status).toBe(200);
        healthMs.push(h.ms);
      }
    })();

    // waves of 1,000 reports without waiting for any answer, a turn of the event loop between
    // waves; until the bystander has had three frames since the first refusal came back (or 30,000 were sent)
    const [lng, lat] = grids()[0]!.center;
    const framesSinceFirstRefusal = () => (limitedAt.length === 0 ? 0 : frameAt.filter((n) => n > limitedAt[0]!).length);
    const wave = () => {
      for (let i = 0; i < 1_000; i++, sent++) {
        const n = sent;
        flooder.emit('incident:report', { incident: { source: 'patrol', category: 'dispute', severity: 1, title: `洪流${n}`, location: { lng: lng + n * 1e-7, lat }, reporter: { kind: 'patrol' } } }, (ack: Ack<Incident>) => {
          heard++;
          if (ack.ok) accepted.push(ack.data.id);
          else if (ack.error === 'RATE_LIMITED') limitedAt.push(heard);
          else otherAnswers.push(ack.error);
          if (++answered === sent) allAnswered();
        });
      }
    };
    while (sent < 30_000 && (sent < 2_000 || framesSinceFirstRefusal() < 3)) {
      wave();
      await new Promise((resolve) => setImmediate(resolve));
    }
    // one more wave, beyond the rate as a whole: its refusals come after every frame counted so far
    wave();
    if (answered < sent) await new Promise<void>((resolve) => (allAnswered = resolve));
    flooding = false;
    endFlood();
    const posts = await posting;
    await probing;

    const firstRefusal = limitedAt[0] ?? Infinity;
    const lastRefusal = limitedAt[limitedAt.length - 1] ?? -Infinity;
    const during = frameAt.filter((n) => n > firstRefusal && n < lastRefusal);
    // the longest run of the flood's answers the bystander heard no frame in, in answers
    let longestGap = 0;
    for (let i = 1; i < during.length; i++) longestGap = Math.max(longestGap, during[i]! - during[i - 1]! - 1);
    // and in milliseconds, between any two frames of the test (printed, never asserted)
    let longestGapMs = 0;
    for (let i = 1; i < frameMs.length; i++) longestGapMs = Math.max(longestGapMs, frameMs[i]! - frameMs[i - 1]!);
    // an independent recount: the cases the API lists with the flood's titles, against the acks
    const listed = (await (await fetch(`${hub.url}/api/incidents?q=${encodeURIComponent('洪流')}&limit=1000`)).json()) as { total: number; incidents: Incident[] };
    console.log(
      [
        'command flood (issue 17): one signed-in connection, reports without waiting, default limits',
        `  commands sent ${sent}; accepted ${accepted.length}; refused RATE_LIMITED ${limitedAt.length}; other answers ${otherAnswers.length}${otherAnswers.length ? ` (${[...new Set(otherAnswers)].join(', ')})` : ''}`,
        `  bystander: ${during.length} position frames between the first and the last refusal (${frameAt.length} in all, ${posts} position batches fed); longest run of flood answers without a frame: ${longestGap}; longest time between frames ${longestGapMs.toFixed(0)} ms`,
        '  (the flooder, the bystander, the poster and the hub share this process: the figures include the clients\' own work)',
        `  /healthz during the flood: ${healthMs.length} answers, slowest ${Math.max(...healthMs).toFixed(0)} ms, median ${[...healthMs].sort((a, b) => a - b)[healthMs.length >> 1]!.toFixed(0)} ms`,
        `  cases listed by the API with the flood's titles: ${listed.total}`,
      ].join('\n'),
    );
    expect(answered).toBe(sent);
    expect(otherAnswers).toEqual([]);
    expect(accepted.length + limitedAt.length).toBe(sent);
    expect(limitedAt.length).toBeGreaterThan(accepted.length);
    expect(during.length).toBeGreaterThanOrEqual(3);
    expect(healthMs.length).toBeGreaterThan(0);
    expect(listed.total).toBe(accepted.length);
    if (accepted.length <= 1000) expect(new Set(listed.incidents.map((i) => i.id))).toEqual(new Set(accepted));
    flooder.close();
    bystander.close();
    // a hang's guard only: 30,000 commands on a loaded 2-core machine take tens of seconds
  }, 180_000);
});
