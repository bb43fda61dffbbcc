/**
 * An Open311 page: newest first, ties by id, the page cut from the newest page × pageSize only.
 * Checked against a whole sort written here, over random times with many ties.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Incident } from '@shared/schemas/incident';
import { selectPage, type RequestQuery } from '../../server/transport/http/open311/query';

const query = (page: number, pageSize: number): RequestQuery => ({ ids: null, serviceCodes: null, statuses: null, start: 0, end: Number.MAX_SAFE_INTEGER, page, pageSize });

describe('Open311 page selection', () => {
  it('is the slice of the whole list sorted newest first, ties by id', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 40 }), { maxLength: 300 }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 50 }), (times, page, pageSize) => {
        const incidents = times.map((t, i) => ({ id: `C${String(i).padStart(4, '0')}`, reportedAt: 1_700_000_000_000 + t * 1000 }) as Incident);
        const whole = [...incidents].sort((a, b) => (a.reportedAt !== b.reportedAt ? b.reportedAt - a.reportedAt : b.id.localeCompare(a.id)));
        const expected = whole.slice((page - 1) * pageSize, page * pageSize).map((i) => i.id);
        expect(selectPage([...incidents], query(page, pageSize)).map((i) => i.id)).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });
});
