/**
 * The live protocol: typed Socket.IO event maps for both directions. docs/protocol.md explains
 * each event for client authors; this file is the single source the hub and the wall compile
 * against. Server events are facts (past tense); client events are commands and always answer
 * through an acknowledgement.
 */
import type { ErrorCode } from './errors';
import type { Me } from './schemas/auth';
import type { Incident, IncidentCommandRequest, ReportRequest } from './schemas/incident';
import type { VideoAlarm, VideoAlarmDecisionRequest } from './schemas/videoAlarm';
import type { Focus, FocusEndRequest, FocusRespondersRequest, FocusStartRequest, FocusTrack } from './schemas/focus';
import type { Alert, AlertAckRequest, AlertSounded } from './schemas/alert';
import type { AlarmRaised, Delta, Heartbeat, HubStatus, PatrolCrossing, StatsFrame, SubscribeRequest, SubscribeResult, TimeSyncAnswer, TimeSyncRequest } from './schemas/live';

/** Bumped on any incompatible change of an event, payload or binary frame. */
export const PROTOCOL_VERSION = 5;

export type Ack<T> = { ok: true; data: T } | { ok: false; error: ErrorCode; message: string; details?: unknown };
export type AckCallback<T> = (answer: Ack<T>) => void;

export interface Hello {
  protocolVersion: number;
  serverTime: number;
  /** which hub node this connection landed on */
  node: string;
  /** code of the top region this hub manages (subscribe to it to see everything) */
  rootRegion: string;
  /** the command centre's name, for the wall's header */
  centreName: string;
  /** who this connection acts as: a signed-in user, or an anonymous read-only wall */
  me: Me;
  /**
   * the history the hub's sequence numbers belong to now: a new id at every hub start (a restored
   * store reissues numbers). A client holding another one sends it with `lastSeq`; the hub decides.
   * Always sent by this hub; optional for clients written before it.
   */
  historyId?: string;
  /**
   * whether the hub takes changes now (its database answers): a client that connects while it
   * does not knows at once; later changes come as `hub:status`. Always sent by this hub.
   */
  status?: HubStatus;
}

type DeltaOf<T extends Delta['type']> = Extract<Delta, { type: T }>;

export interface ServerToClientEvents {
  hello: (hello: Hello) => void;
  'incident:reported': (delta: DeltaOf<'incident:reported'>) => void;
  'incident:updated': (delta: DeltaOf<'incident:updated'>) => void;
  'camera:updated': (delta: DeltaOf<'camera:updated'>) => void;
  'patrol:updated': (delta: DeltaOf<'patrol:updated'>) => void;
  'videoAlarm:updated': (delta: DeltaOf<'videoAlarm:updated'>) => void;
  /** reliable: a focus on the client's home region began, changed or ended (`focus` null) */
  'focus:changed': (delta: DeltaOf<'focus:changed'>) => void;
  /** reliable: an alert in the client's home region was raised, escalated or acknowledged */
  'alert:changed': (delta: DeltaOf<'alert:changed'>) => void;
  /** volatile, about once a second while a focus stands: its responders' distance and ETA */
  'focus:track': (track: FocusTrack) => void;
  /** an alert still waiting sounds again, or was escalated to the supervisors */
  'alert:sounded': (sounded: AlertSounded) => void;
  /** a serious incident (severity >= ALARM_MIN_SEVERITY) was just reported in the client's alarm region */
  'alarm:raised': (alarm: AlarmRaised) => void;
  /** volatile: the latest figures for the subscribed region */
  'stats:updated': (frame: StatsFrame) => void;
  /**
   * volatile: binary frames of the latest fixes since the client's previous one
   * (shared/binary/positionsFrame.ts); usually one, more arguments when a tick holds more than
   * 15,000 positions for the client's region (each frame stays under the deflate threshold)
   */
  positions: (frame: ArrayBuffer, ...more: ArrayBuffer[]) => void;
  /**
   * reliable, to clients with positions: patrols of other regions that came to stand in the
   * client's region (add them) or left it (drop them); after a resume, every such patrol standing there
   */
  'patrols:crossed': (crossing: PatrolCrossing) => void;
  /** the session of this connection ended (signed out, expired, disabled): commands are refused from now on */
  'auth:ended': (why: { reason: string }) => void;
  /** the hub cannot guarantee continuity for this client any more: subscribe again without lastSeq */
  resync: (why: { reason: string }) => void;
  /**
   * volatile, every HEARTBEAT_MS to every connection: the hub is alive and its event loop turns.
   * Silence tells a client its data is delayed long before the transport's ping timeout would.
   */
  heartbeat: (beat: Heartbeat) => void;
  /** to every connection when the hub starts or stops taking changes (its database stopped or resumed answering) */
  'hub:status': (status: HubStatus) => void;
}

export type { IncidentCommandRequest, ReportRequest };

export interface ClientToServerEvents {
  subscribe: (request: SubscribeRequest, ack: AckCallback<SubscribeResult>) => void;
  'incident:report': (request: ReportRequest, ack: AckCallback<Incident>) => void;
  /** a step of the closed loop, as the signed-in user of this connection (docs/protocol.md: sign-in) */
  'incident:command': (request: IncidentCommandRequest, ack: AckCallback<Incident>) => void;
  /** confirm an AI video alarm into a case, or dismiss it with a reason */
  'videoAlarm:decide': (request: VideoAlarmDecisionRequest, ack: AckCallback<{ alarm: VideoAlarm; incident: Incident | null }>) => void;
  /** put the walls of a region on a case (operator; audited) */
  'focus:start': (request: FocusStartRequest, ack: AckCallback<Focus>) => void;
  /** end a focus: its walls return to their tour or district (operator; audited) */
  'focus:end': (request: FocusEndRequest, ack: AckCallback<{ focusId: string }>) => void;
  /** replace a focus's responders (operator; audited) */
  'focus:responders': (request: FocusRespondersRequest, ack: AckCallback<Focus>) => void;
  /** a person has seen the alert: it stops sounding and escalating (operator; audited) */
  'alert:acknowledge': (request: AlertAckRequest, ack: AckCallback<Alert>) => void;
  /** who this connection acts as */
  'auth:me': (request: Record<string, never>, ack: AckCallback<Me>) => void;
  /** the hub's clock, answered at once: the client estimates its offset from the round trip (NTP's way) */
  'time:sync': (request: TimeSyncRequest, ack: AckCallback<TimeSyncAnswer>) => void;
}

/** Names of the reliable delta events, in one place for clients that register handlers in a loop. */
export const DELTA_EVENTS = ['incident:reported', 'incident:updated', 'camera:updated', 'patrol:updated', 'videoAlarm:updated', 'focus:changed', 'alert:changed'] as const;
