/**
 * The load generator of the intake benchmark, in a process of its own: CONNECTIONS signed-in
 * Socket.IO clients on loopback send `incident:report` and wait for the acknowledgement. Either
 * closed loop (IN_FLIGHT reports always waiting, spread over the connections) or open loop at
 * RATE a second, latency counted from when each report was due. Prints one JSON line of figures.
 *
 *   tsx tests/bench/support/intakeLoader.ts <url> <token> <closed|open> <inFlight|rate> <seconds> <connections> <label>
 */
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '@shared/events';
import { generateCity } from '../../../server/geo/generateCity';
import { reportBody } from '../../support/reportBodies';

const [url, token, mode, amount, seconds, connections, label] = process.argv.slice(2) as [string, string, 'closed' | 'open', string, string, string, string];
const centers = generateCity({ seed: 'bench', scale: 'district' })
  .filter((r) => r.level === 'grid')
  .map((g) => g.center);

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;
const sockets: Client[] = await Promise.all(
  Array.from(
    { length: Number(connections) },
    () =>
      new Promise<Client>((resolve, reject) => {
        const socket: Client = io(url, { transports: ['websocket'], forceNew: true, reconnection: false, auth: { token } });
        socket.once('hello', () => resolve(socket));
        socket.once('connect_error', reject);
      }),
  ),
);

const latencies: number[] = [];
const refused: Record<string, number> = {};
let serial = 0;
const send = (dueAt: number) =>
  new Promise<void>((resolve) => {
    const i = serial++;
    sockets[i % sockets.length]!.emit('incident:report', { incident: reportBody(i, centers, `${label}-${process.pid}`) as never, idempotencyKey: `${label}-${process.pid}-${i}` }, (ack) => {
      if (ack.ok) latencies.push(performance.now() - dueAt);
      else refused[ack.error] = (refused[ack.error] ?? 0) + 1;
      resolve();
    });
  });

const cpuBefore = process.cpuUsage();
const started = performance.now();
const end = started + Number(seconds) * 1000;
if (mode === 'closed') {
  const worker = async () => {
    while (performance.now() < end) await send(performance.now());
  };
  await Promise.all(Array.from({ length: Number(amount) }, worker));
} else {
  const rate = Number(amount);
  const pending: Promise<void>[] = [];
  let sent = 0;
  while (performance.now() < end) {
    const due = Math.floor(((performance.now() - started) * rate) / 1000);
    for (; sent < due; sent++) pending.push(send(started + (sent * 1000) / rate));
    await new Promise((r) => setTimeout(r, 1));
  }
  await Promise.all(pending);
}
const ms = performance.now() - started;
const cpu = process.cpuUsage(cpuBefore);
for (const s of sockets) s.close();
process.stdout.write(`${JSON.stringify({ latencies, refused, ms, cpuUs: cpu.user + cpu.system })}\n`);
