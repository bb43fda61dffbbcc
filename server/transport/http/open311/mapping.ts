/**
 * The one mapping between the hub and Open311 GeoReport v2: services from the category table,
 * service requests from incidents. It yields plain values in the spec's JSON shape; the XML is
 * generated from the very same values (xml.ts), so both formats always say the same thing.
 * Pure functions: no Express, no hub, no clock.
 */
import type { Catalog } from '@shared/schemas/catalog';
import type { Incident, Stage } from '@shared/schemas/incident';
import { TERMINAL_STAGES } from '@shared/schemas/incident';

export interface MappingContext {
  catalog: Catalog;
  /** the centre's offset from UTC; every time leaves with it (never a bare Z) */
  tzOffsetMinutes: number;
}

export type Open311Service = {
  service_code: string;
  service_name: string;
  description: string;
  metadata: boolean;
  type: 'realtime';
  keywords: string;
  group: string;
};

/** Extension: what Open311 has no field for. Chicago's endpoint uses the same element name. */
export type ExtendedAttributes = {
  /** the intake channel (incident.source): open311, hotline, patrol, video_ai, … */
  channel: string;
  stage: Stage;
  severity: number;
  supervised: boolean;
  overdue: boolean;
};

export type Open311Request = {
  service_request_id: string;
  status: 'open' | 'closed';
  status_notes: string;
  service_name: string;
  service_code: string;
  description: string;
  agency_responsible: string | null;
  requested_datetime: string;
  updated_datetime: string;
  /** the deadline of the current stage; absent when the case has none (closed, rejected) */
  expected_datetime?: string;
  address: string | null;
  lat: number;
  long: number;
  media_url?: string;
  extended_attributes: ExtendedAttributes;
};

export type Open311PostResult = {
  service_request_id: string;
  service_notice: string;
  account_id: null;
};

// ── times ──────────────────────────────────────────────────────────────────────────────────

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** `+08:00` for 480; `-05:30` for -330; `+00:00` for 0 (the centre's offset is always spelled out). */
export function offsetSuffix(tzOffsetMinutes: number): string {
  const sign = tzOffsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(tzOffsetMinutes);
  return `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** W3C/ISO 8601 local time with the centre's offset, to the second: 2026-11-25T09:30:00+08:00 */
export function isoWithOffset(epochMs: number, tzOffsetMinutes: number): string {
  const local = new Date(Math.floor(epochMs / 1000) * 1000 + tzOffsetMinutes * 60_000);
  const date = `${pad(local.getUTCFullYear(), 4)}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}`;
  const time = `${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}`;
  return `${date}T${time}${offsetSuffix(tzOffsetMinutes)}`;
}

// ── services ───────────────────────────────────────────────────────────────────────────────

/**
 * Open311 `group`: the classes of city management (数字城管: appearance, facilities, traffic) and
 * the rest, social governance. A deployment's own codes fall into social governance.
 */
const CITY_MANAGEMENT = new Set(['sanitation', 'municipal_facility', 'traffic']);

export function serviceGroup(code: string): string {
  return CITY_MANAGEMENT.has(code) ? '城市管理' : '社会治理';
}

export function toService(category: Catalog['categories'][number]): Open311Service {
  return {
    service_code: category.code,
    service_name: category.zh,
    description: category.en,
    // No attribute is required: the only one (severity) is optional, see toServiceDefinition.
    metadata: false,
    type: 'realtime',
    keywords: [category.zh, category.en, category.code].join(', '),
    group: serviceGroup(category.code),
  };
}

export function toServices(catalog: Catalog): Open311Service[] {
  return catalog.categories.map(toService);
}

/** The service definition: one optional attribute, the emergency grade (attribute[severity]). */
export function toServiceDefinition(code: string, catalog: Catalog) {
  return {
    service_code: code,
    attributes: [
      {
        variable: true,
        code: 'severity',
        datatype: 'singlevaluelist',
        required: false,
        datatype_description: '1–4; 1 when absent or not one of these',
        order: 1,
        description: '紧急程度 Severity',
        values: catalog.severities.map((s) => ({ key: s.code, name: `${s.zh} ${s.en}` })),
      },
    ],
  };
}

// ── service requests ───────────────────────────────────────────────────────────────────────

/**
 * The incident schema has no media field yet, so an Open311 media_url is kept as the last line of
 * the description (operators see it on the wall) and split off again here.
 */
export const MEDIA_LINE_PREFIX = 'media_url: ';

export function splitMediaLine(description: string): { text: string; mediaUrl?: string } {
  const at = description.lastIndexOf('\n' + MEDIA_LINE_PREFIX);
  const start = description.startsWith(MEDIA_LINE_PREFIX) ? 0 : at >= 0 ? at + 1 : -1;
  if (start < 0) return { text: description };
  const url = description.slice(start + MEDIA_LINE_PREFIX.length);
  if (!/^https?:\/\/\S+$/.test(url)) return { text: description };
  return { text: description.slice(0, start).trimEnd(), mediaUrl: url };
}

export function statusOf(incident: Pick<Incident, 'stage'>): 'open' | 'closed' {
  return TERMINAL_STAGES.includes(incident.stage) ? 'closed' : 'open';
}

/** Where the case stands, in words: the stage as the catalogue names it, or why it was rejected. */
export function statusNotes(incident: Pick<Incident, 'stage' | 'rejectReason' | 'duplicateOf'>, catalog: Catalog): string {
  if (incident.stage === 'rejected') {
    if (incident.rejectReason === 'duplicate') {
      return incident.duplicateOf ? `rejected as duplicate of ${incident.duplicateOf}` : 'rejected as duplicate';
    }
    return 'rejected as invalid';
  }
  const label = catalog.stages.find((s) => s.code === incident.stage);
  return label ? `${label.en} (${label.zh})` : incident.stage;
}

export function serviceName(code: string, catalog: Catalog): string {
  return catalog.categories.find((c) => c.code === code)?.zh ?? code;
}

export function toServiceRequest(incident: Incident, ctx: MappingContext): Open311Request {
  const tz = ctx.tzOffsetMinutes;
  const { text, mediaUrl } = incident.source === 'open311' ? splitMediaLine(incident.description) : { text: incident.description };
  return {
    service_request_id: incident.id,
    status: statusOf(incident),
    status_notes: statusNotes(incident, ctx.catalog),
    service_name: serviceName(incident.category, ctx.catalog),
    service_code: incident.category,
    description: text || incident.title,
    agency_responsible: incident.assignee?.name ?? null,
    requested_datetime: isoWithOffset(incident.reportedAt, tz),
    updated_datetime: isoWithOffset(incident.updatedAt, tz),
    ...(incident.deadline ? { expected_datetime: isoWithOffset(incident.deadline.dueAt, tz) } : {}),
    address: incident.location.address ?? null,
    lat: incident.location.lat,
    long: incident.location.lng,
    ...(mediaUrl ? { media_url: mediaUrl } : {}),
    extended_attributes: {
      channel: incident.source,
      stage: incident.stage,
      severity: incident.severity,
      supervised: incident.supervised,
      overdue: incident.overdue,
    },
  };
}

/** The answer to POST requests: the id at once (type realtime), a notice, no account. */
export function toPostResult(incident: Incident, created: boolean, notices: readonly string[], ctx: MappingContext): Open311PostResult {
  const head = created ? `已受理 Received as case ${incident.id}` : `Already received as case ${incident.id} (same Idempotency-Key)`;
  const next = incident.deadline ? `; next step due by ${isoWithOffset(incident.deadline.dueAt, ctx.tzOffsetMinutes)}` : '';
  const extra = notices.length ? `. ${notices.join('. ')}` : '';
  return { service_request_id: incident.id, service_notice: `${head}${next}${extra}.`, account_id: null };
}

/** Service discovery (wiki.open311.org/Service_Discovery): this endpoint and its two formats. */
export function toDiscovery(baseUrl: string, changeset: string) {
  return {
    changeset,
    contact: 'The command centre on duty (网格化服务管理指挥中心)',
    key_service: 'GET endpoints are public. POST requests need api_key: an ingest key with the reports scope, issued by the command centre (docs/open311.md).',
    endpoints: [
      {
        specification: 'http://wiki.open311.org/GeoReport_v2',
        url: baseUrl,
        changeset,
        type: 'production',
        formats: ['text/xml', 'application/json'],
      },
    ],
  };
}
