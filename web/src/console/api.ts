/**
 * The console's HTTP calls to its own hub (same origin: the session cookie travels by itself, and
 * the CSP allows nothing else). Failures become ApiError with the hub's stable code and message,
 * so the screen can show what the hub said instead of a status number.
 */
import type { AuditEntry } from '@shared/schemas/audit';
import type { Me, SignInRequest, SignInResult } from '@shared/schemas/auth';
import type { CalendarConfig } from '@shared/calendar';
import type { Department } from '@shared/schemas/department';
import type { ErrorBody } from '@shared/errors';
import type { IncidentLogEntry } from '@shared/schemas/incident';
import type { Focus } from '@shared/schemas/focus';
import type { NearbyResponse } from '@shared/schemas/nearby';
import type { Patrol } from '@shared/schemas/patrol';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    /** the hub's ErrorCode, or NETWORK when the hub could not be reached */
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

function isErrorBody(v: unknown): v is ErrorBody {
  return !!v && typeof v === 'object' && typeof (v as ErrorBody).error === 'string' && typeof (v as ErrorBody).message === 'string';
}

async function request<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch (error) {
    throw new ApiError(0, 'NETWORK', error instanceof Error ? error.message : String(error));
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    /* not JSON: reported below with the status */
  }
  if (!res.ok) {
    if (isErrorBody(parsed)) throw new ApiError(res.status, parsed.error, parsed.message);
    throw new ApiError(res.status, 'HTTP', `HTTP ${res.status}`);
  }
  return parsed as T;
}

const enc = encodeURIComponent;

/** who this browser is; a hub that answers 401 means "nobody" */
export async function fetchMe(): Promise<Me> {
  try {
    return await request<Me>('GET', '/api/auth/me');
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return { signedIn: false, user: null, expiresAt: null, anonymous: 'none' };
    throw error;
  }
}

export const signIn = (body: SignInRequest) => request<SignInResult>('POST', '/api/auth/login', body);
export const signOut = () => request<void>('POST', '/api/auth/logout');
export const fetchCalendar = () => request<CalendarConfig>('GET', '/api/calendar');

export async function fetchLog(incidentId: string): Promise<IncidentLogEntry[]> {
  const body = await request<{ incidentId: string; entries: IncidentLogEntry[] }>('GET', `/api/incidents/${enc(incidentId)}/log`);
  return body.entries;
}

export async function fetchAudit(incidentId: string): Promise<AuditEntry[]> {
  const body = await request<{ entries: AuditEntry[] }>('GET', `/api/incidents/${enc(incidentId)}/audit`);
  return body.entries;
}

export async function fetchDepartments(region: string, category: string): Promise<Department[]> {
  const body = await request<{ departments: Department[] }>('GET', `/api/departments?region=${enc(region)}&category=${enc(category)}`);
  return body.departments;
}

export async function fetchPatrols(region: string): Promise<Patrol[]> {
  const body = await request<{ patrols: Patrol[] }>('GET', `/api/patrols?region=${enc(region)}&status=on_duty`);
  return body.patrols;
}

/** the on-duty patrols nearest a case, with distance and ETA (docs/protocol.md, "Nearest units") */
export function fetchNearby(incidentId: string, patrols: number): Promise<NearbyResponse> {
  return request<NearbyResponse>('GET', `/api/nearby?incident=${enc(incidentId)}&patrols=${patrols}`);
}

