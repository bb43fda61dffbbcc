/**
 * The console's one Socket.IO connection (same origin, so the session cookie travels with the
 * handshake): hello → subscribe to the user's region, incidents only → snapshot | resume with
 * lastSeq → deltas (cases, AI video alarms, focuses and alerts). Commands go out as acknowledged
 * `incident:command`, alarm decisions as acknowledged `videoAlarm:decide`, and focus mode and
 * alerts as `focus:start` / `focus:responders` / `focus:end` / `alert:acknowledge`. The volatile
 * `focus:track` (responders' distance and ETA) and `alert:sounded` (a waiting alert sounds again,
 * or escalated) feed the focus and alert stores directly. The pattern follows the
 * wall's socket.ts (held deltas while a subscription is in flight, a token that voids answers of a
 * dropped connection) but feeds the console's own store.
 */
import { io, type Socket } from 'socket.io-client';
import { PROTOCOL_VERSION, type Ack, type ClientToServerEvents, type Hello, type ServerToClientEvents } from '@shared/events';
import type { Me } from '@shared/schemas/auth';
import type { Incident, IncidentCommand } from '@shared/schemas/incident';
import type { Delta, SubscribeRequest } from '@shared/schemas/live';
import type { VideoAlarm, VideoAlarmDecision } from '@shared/schemas/videoAlarm';
import type { Focus, FocusStartRequest } from '@shared/schemas/focus';
import type { Alert } from '@shared/schemas/alert';
import { useConsoleAlarms } from './stores/alarms';
import { useConsoleAlerts } from './stores/alerts';
import { useConsoleFocus } from './stores/focus';
import { useConsoleQueue } from './stores/queue';

export type ConsoleSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export const SUBSCRIBE_TIMEOUT_MS = 20_000;
export const COMMAND_TIMEOUT_MS = 15_000;
export const RETRY_MS = 3_000;
export const PRUNE_MS = 60_000;
/** deltas held while a subscription is in flight; beyond this a fresh snapshot is cheaper */
export const PENDING_CAP = 20_000;
/** codes that mean the session is gone: the console returns to the sign-in form */
/** how long a console refused at the handshake waits before asking again */
const CONNECT_RETRY_MS = 30_000;

export const SESSION_CODES: ReadonlySet<string> = new Set(['AUTH_REQUIRED', 'SESSION_EXPIRED', 'ACCOUNT_DISABLED']);

/** a command's outcome: the hub's answer, or TIMEOUT / OFFLINE when no answer could come */
export type CommandOutcome = { ok: true; incident: Incident } | { ok: false; code: string; message: string };

/**
 * a decision's outcome: the decided alarm and, on confirm, the case it became or joined
 * (`joined`: an open case that was there before, by duplicate fusion)
 */
export type DecisionOutcome =
  | { ok: true; alarm: VideoAlarm; incident: Incident | null; joined: boolean }
  | { ok: false; code: string; message: string };

/** the outcome of a focus or alert command: the hub's data, or its refusal (TIMEOUT / OFFLINE: no answer) */
export type Outcome<T> = { ok: true; data: T } | { ok: false; code: string; message: string };

export interface ConsoleConnection {
  sendCommand(incidentId: string, command: IncidentCommand): Promise<CommandOutcome>;
  decideAlarm(alarmId: string, decision: VideoAlarmDecision): Promise<DecisionOutcome>;
  /** puts the walls of a region on a case */
  startFocus(request: FocusStartRequest): Promise<Outcome<Focus>>;
  /** replaces the responders the walls track */
  setResponders(focusId: string, responders: string[]): Promise<Outcome<Focus>>;
  /** every wall of the focus returns to what it showed */
  endFocus(focusId: string): Promise<Outcome<{ focusId: string }>>;
  /** a person has seen the alert (audited): it stops sounding and escalating */
  acknowledgeAlert(alertId: string, note?: string): Promise<Outcome<Alert>>;
  close(): void;
}

export interface ConsoleConnectOptions {
  /** for tests: a socket-like object instead of a real connection */
  socket?: ConsoleSocket;
  /** who the hub says this connection acts as (every hello) */
  onMe(me: Me): void;
  /** the session ended; `reason` is the hub's, null when it gave none */
  onEnded(reason: string | null): void;
  /** texts for outcomes the hub cannot word itself */
  texts: { noAnswer: string; offline: string; protocol: string };
}

export function connectConsole(options: ConsoleConnectOptions): ConsoleConnection {
  const queue = useConsoleQueue();
  const alarms = useConsoleAlarms();
  const focus = useConsoleFocus();
  const alerts = useConsoleAlerts();
  const socket: ConsoleSocket = options.socket ?? io({ transports: ['websocket'], reconnectionDelay: 1000, reconnectionDelayMax: 10_000 });
  const timers = new Set<ReturnType<typeof setTimeout>>();
  let token = 0;
  let region: string | null = null;
  let pending = false;
  let held: Delta[] = [];
  let heldOverflow = false;

  function retry(t: number, allowResume: boolean): void {
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (t === token) subscribe(allowResume);
    }, RETRY_MS);
    timers.add(timer);
  }

  function subscribe(allowResume: boolean): void {
    if (!socket.connected || !region) return;
    const t = ++token;
    pending = true;
    held = [];
    heldOverflow = false;
    const request: SubscribeRequest = {
      protocolVersion: PROTOCOL_VERSION,
      region,
      layers: ['incidents'],
      // a large region's snapshot compressed once by the hub and shared with every wall that opens it
      snapshotEncoding: 'gzip',
      // an operator's queue needs every case of the region, not the wall's notable few
      fullLayers: ['incidents'],
      ...(allowResume && queue.seq !== null && queue.region?.code === region
        ? { lastSeq: queue.seq, ...(queue.historyId ? { historyId: queue.historyId } : {}), ...(queue.detail ? { detail: queue.detail } : {}) }
        : {}),
    };
    socket.timeout(SUBSCRIBE_TIMEOUT_MS).emit('subscribe', request, (err, answer) => {
      if (t !== token) return; // superseded, or the connection dropped meanwhile
      pending = false;
      if (err || !answer) return retry(t, allowResume);
      if (!answer.ok) {
        if (SESSION_CODES.has(answer.error)) return options.onEnded(answer.message);
        queue.setProblem({ code: answer.error, message: answer.message });
        if (answer.error !== 'PROTOCOL_MISMATCH') retry(t, false);
        return;
      }
      queue.applySubscribeResult(answer.data);
      const replay = held;
      held = [];
      if (heldOverflow) return subscribe(false);
      for (const d of replay) queue.applyDelta(d);
    });
  }

  const onHello = (hello: Hello) => {
    queue.hello(hello);
    if (hello.protocolVersion !== PROTOCOL_VERSION) {
      // the hub was upgraded under this page: only a reload brings the console that matches it
      queue.setProblem({ code: 'PROTOCOL_MISMATCH', message: options.texts.protocol });
      return;
    }
    // A connection that is not signed in (cookie expired between page load and handshake) is
    // a session that ended, not a read-only desk: the console needs a user.
    if (!hello.me.signedIn || !hello.me.user) return options.onEnded(null);
    options.onMe(hello.me);
    region = hello.me.user.regionCode;
    subscribe(true);
  };
  const onDelta = (delta: Delta) => {
    if (!pending) queue.applyDelta(delta);
    else if (held.length < PENDING_CAP) held.push(delta);
    else heldOverflow = true;
  };
  const onTrack: ServerToClientEvents['focus:track'] = (track) => {
    // volatile and unsequenced: the latest of a focus that stands; one held back meanwhile is of no use
    if (!pending && track && typeof track.focusId === 'string' && Array.isArray(track.responders)) focus.applyTrack(track);
  };
  const onSounded: ServerToClientEvents['alert:sounded'] = (s) => {
    if (s && typeof s.alertId === 'string') alerts.sounded(s);
  };
  const onEnded: ServerToClientEvents['auth:ended'] = (why) => options.onEnded(why?.reason || null);
  const onResync: ServerToClientEvents['resync'] = () => subscribe(false);
  const onHubStatus: ServerToClientEvents['hub:status'] = (status) => queue.setHubStatus(status);
  const onConnect = () => queue.setConnected(true);
  // Refused by the hub's own handshake check (Socket.IO does not retry those): an ended session
  // ends the console; anything else (too many connections, a database that did not answer) is
  // said in the header and asked again later. A transport failure has no code: Socket.IO retries.
  const onConnectError = (error?: Error & { data?: { error?: string; message?: string } }) => {
    onDisconnect();
    const code = error?.data?.error;
    if (!code) return;
    if (SESSION_CODES.has(code)) return options.onEnded(error?.data?.message ?? null);
    queue.setProblem({ code, message: error?.data?.message ?? code });
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (!socket.connected) socket.connect();
    }, CONNECT_RETRY_MS);
    timers.add(timer);
  };
  const onDisconnect = () => {
    token++;
    pending = false;
    held = [];
    queue.setConnected(false);
  };

  const handlers: [string, (...args: never[]) => void][] = [
    ['hello', onHello],
    ['incident:reported', onDelta],
    ['incident:updated', onDelta],
    ['videoAlarm:updated', onDelta],
    ['focus:changed', onDelta],
    ['alert:changed', onDelta],
    ['focus:track', onTrack],
    ['alert:sounded', onSounded],
    ['auth:ended', onEnded],
    ['resync', onResync],
    ['hub:status', onHubStatus],
    ['connect', onConnect],
    ['disconnect', onDisconnect],
    ['connect_error', onConnectError],
  ];
  const untyped = socket as unknown as { on(e: string, f: unknown): void; off(e: string, f: unknown): void };
  for (const [event, handler] of handlers) untyped.on(event, handler);
  const pruner = setInterval(() => queue.prune(), PRUNE_MS);

  function sendCommand(incidentId: string, command: IncidentCommand): Promise<CommandOutcome> {
    if (!socket.connected) return Promise.resolve({ ok: false, code: 'OFFLINE', message: options.texts.offline });
    return new Promise((resolve) => {
      socket.timeout(COMMAND_TIMEOUT_MS).emit('incident:command', { incidentId, command }, (err, answer) => {
        if (err || !answer) return resolve({ ok: false, code: 'TIMEOUT', message: options.texts.noAnswer });
        if (!answer.ok) return resolve({ ok: false, code: answer.error, message: answer.message });
        // the answer is the case after the step: show it now, the delta that follows is a no-op
        queue.upsert(answer.data);
        resolve({ ok: true, incident: answer.data });
      });
    });
  }

  function decideAlarm(alarmId: string, decision: VideoAlarmDecision): Promise<DecisionOutcome> {
    if (!socket.connected) return Promise.resolve({ ok: false, code: 'OFFLINE', message: options.texts.offline });
    // the case's delta reaches this connection before the acknowledgement: remember which cases
    // were here before asking, so that "joined an open case" is told apart from "a new case"
    const before = new Set(queue.byId.keys());
    return new Promise((resolve) => {
      socket.timeout(COMMAND_TIMEOUT_MS).emit('videoAlarm:decide', { alarmId, decision }, (err, answer) => {
        if (err || !answer) return resolve({ ok: false, code: 'TIMEOUT', message: options.texts.noAnswer });
        if (!answer.ok) return resolve({ ok: false, code: answer.error, message: answer.message });
        const { alarm, incident } = answer.data;
        alarms.upsert(alarm);
        let joined = false;
        if (incident) {
          queue.upsert(incident);
          joined = (incident.reports?.count ?? 1) > 1 || before.has(incident.id);
          alarms.noteOutcome(alarm.id, { incidentId: incident.id, joined, reports: incident.reports?.count ?? 1 });
        }
        resolve({ ok: true, alarm, incident, joined });
      });
    });
  }

  /** one acknowledged command of focus mode or alerts; `keep` stores what the hub answered */
  function ask<E extends 'focus:start' | 'focus:responders' | 'focus:end' | 'alert:acknowledge', T>(
    event: E,
    request: Parameters<ClientToServerEvents[E]>[0],
    keep: (data: T) => void,
  ): Promise<Outcome<T>> {
    if (!socket.connected) return Promise.resolve({ ok: false, code: 'OFFLINE', message: options.texts.offline });
    return new Promise((resolve) => {
      // one signature for the four events (their acks differ only in data); called on its object, as emit needs `this`
      const timed = socket.timeout(COMMAND_TIMEOUT_MS) as unknown as { emit(e: string, r: unknown, cb: (err: Error | null, answer?: Ack<T>) => void): void };
      timed.emit(event, request, (err, answer) => {
        if (err || !answer) return resolve({ ok: false, code: 'TIMEOUT', message: options.texts.noAnswer });
        if (!answer.ok) return resolve({ ok: false, code: answer.error, message: answer.message });
        keep(answer.data);
        resolve({ ok: true, data: answer.data });
      });
    });
  }

  return {
    sendCommand,
    decideAlarm,
    startFocus: (request) => ask<'focus:start', Focus>('focus:start', request, (f) => focus.upsert(f)),
    setResponders: (focusId, responders) => ask<'focus:responders', Focus>('focus:responders', { focusId, responders }, (f) => focus.upsert(f)),
    endFocus: (focusId) => ask<'focus:end', { focusId: string }>('focus:end', { focusId }, (d) => focus.remove(d?.focusId ?? focusId)),
    acknowledgeAlert: (alertId, note) =>
      ask<'alert:acknowledge', Alert>('alert:acknowledge', { alertId, ...(note?.trim() ? { note: note.trim().slice(0, 500) } : {}) }, (a) => alerts.upsert(a)),
    close() {
      token++;
      clearInterval(pruner);
      for (const t of timers) clearTimeout(t);
      timers.clear();
      for (const [event, handler] of handlers) untyped.off(event, handler);
      socket.disconnect();
    },
  };
}
