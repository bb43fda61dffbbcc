/** Role and region checks for a person's step, and the request hash of idempotent reports. */
import { createHash } from 'node:crypto';
import { roleAllows, withinRegion, type Permission } from '@shared/access';
import { HubError } from '@shared/errors';
import type { Principal } from './audit';

export function authorise(principal: Principal, permission: Permission): void {
  if (!roleAllows(principal.user.role, permission)) {
    throw new HubError('FORBIDDEN_ROLE', `Your role (${principal.user.role}) may not ${permission.replace(/[_:]/g, ' ')}.`, { role: principal.user.role, permission });
  }
}

export function authoriseRegion(principal: Principal, regionPath: readonly string[], what: string): void {
  if (!withinRegion(principal.user.regionCode, regionPath)) {
    throw new HubError('FORBIDDEN_REGION', `You may not ${what}: it lies outside your region (${principal.user.regionCode}).`, {
      userRegion: principal.user.regionCode,
      regionPath,
    });
  }
}

/**
 * The hash an idempotency key is recorded with: the parsed report, and for an imported case its
 * steps too, so that the same key sent again with other history is refused, not silently skipped.
 */
export function requestHashOf(parsedReport: unknown, steps?: readonly unknown[]): string {
  return steps ? hashOf({ report: parsedReport, steps }) : hashOf(parsedReport);
}

export function hashOf(value: unknown): string {
  return createHash('sha256').update(stableJson(value)).digest('hex');
}

/** JSON with sorted keys, so two equal requests hash the same whatever their key order */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
