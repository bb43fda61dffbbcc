/**
 * The import's readers, without a hub: CSV and NDJSON rows with the line each starts on, times with
 * and without an offset, both history layouts, and the problems named by line and column.
 */
import { describe, expect, it } from 'vitest';
import { HubError } from '@shared/errors';
import { parseHistory } from '../../server/import/history/parse';
import { RowProblems } from '../../server/import/problems';
import { readRows, type RowFormat } from '../../server/import/rows';
import { parseTime } from '../../server/import/time';

const LIMITS = { maxBytes: 1_000_000, maxRows: 1_000, what: 'test file' };

async function rowsOf(text: string, format: RowFormat, limits = LIMITS) {
  const out = [];
  for await (const row of readRows([text], format, limits)) out.push(row);
  return out;
}

async function history(text: string, format: RowFormat = 'csv', utcOffsetMinutes = 480) {
  const problems = new RowProblems();
  const parsed = await parseHistory(readRows([text], format, LIMITS), { system: 'szcg', utcOffsetMinutes, crs: 'wgs84', problems });
  return { ...parsed, problems: problems.listed };
}

describe('rows', () => {
  it('CSV rows carry the line they start on, past quoted line breaks, blank lines and a BOM', async () => {
    const text = '\uFEFFRef,Note\r\nA1,plain\r\n\r\nA2,"two\nlines, and a ""quote"""\r\nA3,last\r\n';
    const rows = await rowsOf(text, 'csv');
    expect(rows.map((r) => [r.line, r.fields.ref])).toEqual([
      [2, 'A1'],
      [4, 'A2'],
      [6, 'A3'],
    ]);
    expect(rows[1]!.fields.note).toBe('two\nlines, and a "quote"');
  });

  it('NDJSON rows are numbered by line; nested objects become column names', async () => {
    const rows = await rowsOf('{"ref":"A","location":{"lng":121.5,"lat":29.8}}\n\n{"ref":"B"}', 'ndjson');
    expect(rows).toEqual([
      { line: 1, fields: { ref: 'A', location_lng: 121.5, location_lat: 29.8 } },
      { line: 3, fields: { ref: 'B' } },
    ]);
  });

  it('a broken line is refused with its number', async () => {
    await expect(rowsOf('{"ref":"A"}\n{"ref":\n', 'ndjson')).rejects.toMatchObject({ code: 'VALIDATION_FAILED', details: { problems: [{ line: 2 }] } });
    await expect(rowsOf('a,b\n1,2\n3,"open\n', 'csv')).rejects.toBeInstanceOf(HubError);
    await expect(rowsOf('a,b\n1,2,3\n', 'csv')).rejects.toMatchObject({ details: { problems: [{ line: 2 }] } });
  });

  it('size and row count are bounded with a clear refusal', async () => {
    await expect(rowsOf('a\n1\n2\n3\n', 'csv', { ...LIMITS, maxRows: 2 })).rejects.toThrow(/more than 2 rows/);
    await expect(rowsOf('a\n'.repeat(1000), 'csv', { ...LIMITS, maxBytes: 100 })).rejects.toThrow(/larger than/);
  });
});

describe('times', () => {
  const at = (v: unknown, tz = 480) => {
    const r = parseTime(v, tz);
    return r.ok ? r.at : r.message;
  };
  it('ISO 8601 with an offset is taken as given; Z is UTC', () => {
    expect(at('2026-03-02T09:15:00+08:00')).toBe(Date.UTC(2026, 2, 2, 1, 15));
    expect(at('2026-03-02 09:15:00+0800')).toBe(Date.UTC(2026, 2, 2, 1, 15));
    expect(at('2026-03-02T01:15:00.250Z')).toBe(Date.UTC(2026, 2, 2, 1, 15, 0, 250));
    expect(at('2026-03-02T09:15:00+08:00', -300)).toBe(Date.UTC(2026, 2, 2, 1, 15));
  });
  it('local time without an offset is read in the centre’s offset', () => {
    expect(at('2026-03-02 09:15:00')).toBe(Date.UTC(2026, 2, 2, 1, 15));
    expect(at('2026/3/2 9:15')).toBe(Date.UTC(2026, 2, 2, 1, 15));
    expect(at('2026-03-02 09:15:00', 0)).toBe(Date.UTC(2026, 2, 2, 9, 15));
    // local midnight at +08:00 is 16:00 UTC the day before
    expect(at('2026-01-01 00:00')).toBe(Date.UTC(2025, 11, 31, 16, 0));
  });
  it('epoch milliseconds pass; days that do not exist and bare dates are refused', () => {
    expect(at(1772414100000)).toBe(1772414100000);
    expect(at('1772414100000')).toBe(1772414100000);
    expect(at('2026-02-30 09:00')).toMatch(/not a real date/);
    expect(at('2026-03-02')).toMatch(/not a time/);
    expect(at('2026-03-02 24:10')).toMatch(/not a real date/);
  });
});

describe('history layouts', () => {
  const CASES =
    'ref,category,subcategory,severity,source,lng,lat,address,reported_at,registered_at,dispatched_at,department,accepted_at,handled_at,verified_at,closed_at,due_at\n' +
    'C1,sanitation,01-02,1,hotline,121.55,29.87,中山路1号,2026-03-02 09:00,2026-03-02 09:10,2026-03-02 09:20,环卫所,2026-03-02 10:00,2026-03-02 15:00,2026-03-02 16:00,2026-03-02 16:30,2026-03-04 17:00\n' +
    'C2,traffic,,2,patrol,121.56,29.88,,2026-03-03T08:00:00+08:00,,,,,,,,\n';

  it('one row per case: the steps from the time columns, in the loop’s order, due time on register', async () => {
    const { cases, layout, problems } = await history(CASES);
    expect(problems).toEqual([]);
    expect(layout).toBe('cases');
    const [c1, c2] = cases;
    expect(c1!.steps.map((s) => s.action)).toEqual(['register', 'dispatch', 'accept', 'feedback', 'verify_pass', 'close']);
    expect(c1!.reportedAt).toBe(Date.UTC(2026, 2, 2, 1, 0));
    expect(c1!.steps[0]!.closeBy).toBe(Date.UTC(2026, 2, 4, 9, 0));
    expect(c1!.steps[1]!.input).toMatchObject({ action: 'dispatch', assignee: { name: '环卫所' } });
    // the department's own steps are taken by the department it went to
    expect(c1!.steps[2]!.actor).toMatchObject({ kind: 'department', name: '环卫所' });
    expect(c1!.steps[0]!.actor).toMatchObject({ kind: 'operator', id: 'import:szcg' });
    expect(c1!.report).toMatchObject({ source: 'hotline', category: 'sanitation', subcategory: '01-02', externalRef: 'C1', location: { lng: 121.55, lat: 29.87, address: '中山路1号' } });
    expect(c2!.steps).toEqual([]);
  });

  it('one row per case: a gap in the steps, a step before the previous one and a repeated ref are named', async () => {
    const text =
      'ref,category,severity,source,lng,lat,reported_at,registered_at,dispatched_at,department,accepted_at,handled_at\n' +
      'C1,sanitation,1,hotline,121.5,29.8,2026-03-02 09:00,2026-03-02 09:10,,,,2026-03-02 15:00\n' +
      'C2,sanitation,1,hotline,121.5,29.8,2026-03-02 09:00,2026-03-02 08:10,,,,\n' +
      'C1,sanitation,1,hotline,121.5,29.8,2026-03-02 09:00,,,,,\n' +
      'C4,sanitation,9,hotline,121.5,29.8,2026-03-02 09:00,,,,,\n';
    const { problems } = await history(text);
    expect(problems).toEqual([
      { line: 2, field: 'handled_at', message: expect.stringMatching(/dispatched_at is empty/) },
      { line: 3, field: 'registered_at', message: 'registered_at is earlier than reported_at' },
      { line: 4, field: 'ref', message: expect.stringMatching(/appears twice \(first on line 2\)/) },
      { line: 5, field: 'severity', message: expect.stringMatching(/between 1 and 4/) },
    ]);
  });

  it('one row per step (NDJSON): rows of a case anywhere in the file, ordered by time, Chinese step names', async () => {
    const lines = [
      { ref: 'S1', action: '派遣', at: '2026-03-02 09:20', department: '环卫所' },
      { ref: 'S1', action: 'report', at: '2026-03-02 09:00', category: 'sanitation', severity: 1, source: 'patrol', lng: 121.5, lat: 29.8 },
      { ref: 'S2', action: 'report', at: '2026-03-02 09:05', category: 'traffic', severity: 1, source: 'hotline', lng: 121.5, lat: 29.8 },
      { ref: 'S1', action: '立案', at: '2026-03-02 09:10', actor: 'op-li', actor_name: '李明', due_at: '2026-03-05 09:10' },
      { ref: 'S2', action: 'reject', at: '2026-03-02 09:30', reason: '重复', duplicate_of: 'S1' },
      { ref: 'S1', action: 'verify_fail', at: '2026-03-02 09:40' },
    ];
    const { cases, layout, problems } = await history(lines.map((l) => JSON.stringify(l)).join('\n'), 'ndjson');
    expect(problems).toEqual([]);
    expect(layout).toBe('steps');
    const s1 = cases.find((c) => c.ref === 'S1')!;
    expect(s1.line).toBe(2);
    expect(s1.steps.map((s) => [s.action, s.line])).toEqual([
      ['register', 4],
      ['dispatch', 1],
      ['verify_fail', 6],
    ]);
    expect(s1.steps[0]!.actor).toEqual({ kind: 'operator', id: 'op-li', name: '李明' });
    expect(s1.steps[0]!.closeBy).toBe(Date.UTC(2026, 2, 5, 1, 10));
    // a reason the export does not give is said to be missing, not invented
    expect(s1.steps[2]!.input.note).toBe('(no note in the imported record)');
    const s2 = cases.find((c) => c.ref === 'S2')!;
    expect(s2.steps[0]).toMatchObject({ action: 'reject', duplicateOfRef: 'S1', input: { reason: 'duplicate' } });
  });

  it('one row per step: an unknown step and steps without a report are named', async () => {
    const text = 'ref,action,at\nX1,register,2026-03-02 09:00\nX2,teleport,2026-03-02 09:00\n';
    const { problems } = await history(text);
    expect(problems).toEqual([
      { line: 3, field: 'action', message: expect.stringMatching(/"teleport" is not a step/) },
      { line: 2, field: 'action', message: expect.stringMatching(/case X1 has steps but no report row/) },
    ]);
  });
});

describe('history limits', () => {
  it('a file with more cases than one import takes is refused at the first case too many', async () => {
    const text = 'ref,category,severity,source,lng,lat,reported_at\n' + [1, 2, 3].map((i) => `C${i},traffic,1,patrol,121.5,29.8,2026-03-02 09:00`).join('\n');
    const problems = new RowProblems();
    const run = parseHistory(readRows([text], 'csv', LIMITS), { system: 's', utcOffsetMinutes: 480, crs: 'wgs84', problems, maxCases: 2 });
    await expect(run).rejects.toMatchObject({ code: 'VALIDATION_FAILED', details: { problems: [{ line: 4 }] } });
  });
});
