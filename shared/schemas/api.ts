import { z } from 'zod';
import { AuditEntry } from './audit';
import { Department } from './department';
import { Id } from './common';
import { Incident, IncidentLogEntry } from './incident';
import { Patrol } from './patrol';
import { AiPrecision, VideoAlarm } from './videoAlarm';

/** Bodies of the JSON API's answers that clients read (docs/protocol.md: HTTP API). */
export const IncidentLogResponse = z.object({ incidentId: Id, entries: z.array(IncidentLogEntry) });
export type IncidentLogResponse = z.infer<typeof IncidentLogResponse>;

/** oldest first; refusals included */
export const IncidentAuditResponse = z.object({ incidentId: Id, entries: z.array(AuditEntry) });
export type IncidentAuditResponse = z.infer<typeof IncidentAuditResponse>;

export const IncidentListResponse = z.object({ total: z.number().int().min(0), incidents: z.array(Incident) });
export type IncidentListResponse = z.infer<typeof IncidentListResponse>;

export const DepartmentsResponse = z.object({ departments: z.array(Department) });
export type DepartmentsResponse = z.infer<typeof DepartmentsResponse>;

export const PatrolsResponse = z.object({ patrols: z.array(Patrol) });
export type PatrolsResponse = z.infer<typeof PatrolsResponse>;

/** GET /api/audit: newest first; `next` is the `before` of the following page, null at the end */
export const AuditPage = z.object({ entries: z.array(AuditEntry), next: z.number().int().nullable() });
export type AuditPage = z.infer<typeof AuditPage>;

export const VideoAlarmsResponse = z.object({ alarms: z.array(VideoAlarm), precision: AiPrecision });
export type VideoAlarmsResponse = z.infer<typeof VideoAlarmsResponse>;

export const VideoAlarmDecisionResult = z.object({ alarm: VideoAlarm, incident: Incident.nullable() });
export type VideoAlarmDecisionResult = z.infer<typeof VideoAlarmDecisionResult>;
