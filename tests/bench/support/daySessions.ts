/**
 * The people of the replayed day, signed in as a console or a department's client would be: the
 * centre's duty desk (a supervisor: register, dispatch, close, 督办, callbacks, alarm decisions),
 * the departments (accept, feedback) and the on-site verifiers — three users, because the hub
 * refuses a verification by whoever handled the case (监督与处置相分离). Each user holds a few
 * Socket.IO connections; a step goes out on the next one of its user, round robin.
 */
import { io, type Socket } from 'socket.io-client';
import type { Ack, ClientToServerEvents, ServerToClientEvents } from '@shared/events';
import type { Role } from '@shared/schemas/auth';

/** longer than any wait the hub's own queue bound allows (2,000 changes) on a loaded machine */
const ACK_TIMEOUT_MS = 120_000;

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

export type Desk = 'centre' | 'department' | 'verifier';

const USERS: Record<Desk, { username: string; role: Role; displayName: string }> = {
  centre: { username: 'day-centre', role: 'supervisor', displayName: '值班长' },
  department: { username: 'day-dept', role: 'operator', displayName: '处置部门' },
  verifier: { username: 'day-verifier', role: 'operator', displayName: '核查员' },
};

/** the hub's acknowledgement, or none within the timeout */
export type Answer<T> = Ack<T> | { ok: false; error: 'ACK_TIMEOUT'; message: string };

/** a user's connections: `emit` sends on the next one and resolves with the hub's answer */
export interface DeskLine {
  emit<T>(event: 'incident:report' | 'incident:command' | 'videoAlarm:decide', payload: unknown): Promise<Answer<T>>;
}

export interface Sessions {
  desks: Record<Desk, DeskLine>;
  close(): void;
}

async function postJson<T>(url: string, body: unknown, token?: string): Promise<T> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`POST ${url}: ${res.status} ${(await res.text()).slice(0, 300)}`);
  return (await res.json()) as T;
}

function connect(url: string, token: string): Promise<Client> {
  return new Promise((resolve, reject) => {
    const socket: Client = io(url, { transports: ['websocket'], forceNew: true, reconnection: false, auth: { token } });
    socket.once('hello', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

/** signs in as the admin, adds the three users (region: the root) and opens `perUser` connections each */
export async function openSessions(url: string, adminPassword: string, rootCode: string, perUser: number): Promise<Sessions> {
  const signIn = (username: string, password: string) => postJson<{ token: string }>(`${url}/api/auth/login`, { username, password });
  const admin = await signIn('admin', adminPassword);
  const sockets: Client[] = [];
  const desks = {} as Record<Desk, DeskLine>;
  for (const [desk, user] of Object.entries(USERS) as [Desk, (typeof USERS)[Desk]][]) {
    const password = `${user.username}-password-${process.pid}`;
    await postJson(`${url}/api/users`, { ...user, regionCode: rootCode, password }, admin.token);
    const { token } = await signIn(user.username, password);
    const mine = await Promise.all(Array.from({ length: perUser }, () => connect(url, token)));
    sockets.push(...mine);
    let next = 0;
    desks[desk] = {
      emit<T>(event: 'incident:report' | 'incident:command' | 'videoAlarm:decide', payload: unknown) {
        const socket = mine[next++ % mine.length]!;
        return new Promise<Answer<T>>((resolve) => {
          // the typed event map does not let one function take all three events; the payloads are the contract's.
          // A hub that never answers (a dropped connection) must not hold the replay: the timeout is an answer too.
          const timed = socket.timeout(ACK_TIMEOUT_MS) as unknown as { emit(e: string, p: unknown, cb: (err: Error | null, a: Ack<T>) => void): void };
          timed.emit(event, payload, (err, ack) => resolve(err ? { ok: false, error: 'ACK_TIMEOUT', message: `no answer within ${ACK_TIMEOUT_MS} ms` } : ack));
        });
      },
    };
  }
  return { desks, close: () => sockets.forEach((s) => s.close()) };
}
