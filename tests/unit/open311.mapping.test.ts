/**
 * The Open311 mapping without a server: status words, times with the centre's offset,
 * expected_datetime, XML escaping, form → NewIncident, query arguments and error bodies.
 */
import { describe, expect, it } from 'vitest';
import { HubError } from '@shared/errors';
import { baseIncident } from '../support/incident';
import type { Catalog } from '@shared/schemas/catalog';
import { NewIncident, STAGES, type Incident } from '@shared/schemas/incident';
import { open311Status, toOpen311Errors } from '../../server/transport/http/open311/errorEntries';
import { formatOf, render } from '../../server/transport/http/open311/format';
import { clip, formToNewIncident, fullName } from '../../server/transport/http/open311/intake';
import {
  isoWithOffset,
  splitMediaLine,
  statusNotes,
  statusOf,
  toPostResult,
  toServiceDefinition,
  toServiceRequest,
  toServices,
} from '../../server/transport/http/open311/mapping';
import { matchesQuery, parseRequestQuery } from '../../server/transport/http/open311/query';
import { escapeXml, toXmlDocument } from '../../server/transport/http/open311/xml';
import { child, parseXml } from '../support/xml';

const catalog: Catalog = {
  categories: [
    { code: 'sanitation', zh: '环境卫生', en: 'Environment and sanitation' },
    { code: 'dispute', zh: '矛盾纠纷', en: 'Disputes' },
  ],
  sources: [{ code: 'open311', zh: '市民上报', en: 'Citizen report (Open311)' }],
  stages: STAGES.map((code) => ({ code, zh: code === 'dispatched' ? '派遣' : '阶段', en: code[0]!.toUpperCase() + code.slice(1) })),
  severities: ['一般', '较大', '重大', '特别重大'].map((zh, i) => ({ code: String(i + 1), zh, en: `Grade ${i + 1}` })),
};
const ctx = { catalog, tzOffsetMinutes: 480 };
const T0 = Date.UTC(2026, 10, 25, 1, 30); // 2026-11-25 09:30 in Ningbo

function incident(overrides: Partial<Incident> = {}): Incident {
  return {
    ...baseIncident(T0),
    id: 'E20261125-00042',
    source: 'open311',
    category: 'sanitation',
    subcategory: null,
    severity: 1,
    title: 'Overflowing bin',
    description: 'Bin outside no. 12 overflowing',
    location: { lng: 121.55, lat: 29.87, address: '中山东路12号' },
    gridCode: '330203001001001',
    regionPath: ['330200', '330203', '330203001', '330203001001', '330203001001001'],
    stage: 'reported',
    reportedAt: T0,
    stageEnteredAt: { reported: T0 },
    deadline: { stage: 'reported', dueAt: T0 + 3_600_000 },
    reporter: { kind: 'citizen' },
    updatedAt: T0,
    ...overrides,
  };
}



describe('times', () => {
  it('carry the centre offset, never a bare Z', () => {
    expect(isoWithOffset(T0, 480)).toBe('2026-11-25T09:30:00+08:00');
    expect(isoWithOffset(T0, 0)).toBe('2026-11-25T01:30:00+00:00');
    expect(isoWithOffset(T0, -330)).toBe('2026-11-24T20:00:00-05:30');
    expect(isoWithOffset(Date.UTC(2026, 11, 31, 16, 0, 5, 999), 480)).toBe('2027-01-01T00:00:05+08:00');
  });
});

describe('status', () => {
  it('is open for every non-terminal stage and closed for closed and rejected', () => {
    for (const stage of STAGES) expect(statusOf({ stage })).toBe(stage === 'closed' || stage === 'rejected' ? 'closed' : 'open');
  });

  it('notes say why a case was rejected, or the stage in words', () => {
    expect(statusNotes(incident({ stage: 'rejected', rejectReason: 'duplicate', duplicateOf: 'E20261125-00001' }), catalog)).toBe(
      'rejected as duplicate of E20261125-00001',
    );
    expect(statusNotes(incident({ stage: 'rejected', rejectReason: 'invalid' }), catalog)).toBe('rejected as invalid');
    expect(statusNotes(incident({ stage: 'dispatched' }), catalog)).toBe('Dispatched (派遣)');
  });
});

describe('service requests', () => {
  it('map an incident with offset times, the deadline as expected_datetime and extended attributes', () => {
    const r = toServiceRequest(incident({ assignee: { id: 'd-1', name: '海曙区环卫处' }, stage: 'dispatched', updatedAt: T0 + 60_000 }), ctx);
    expect(r).toMatchObject({
      service_request_id: 'E20261125-00042',
      status: 'open',
      service_code: 'sanitation',
      service_name: '环境卫生',
      agency_responsible: '海曙区环卫处',
      requested_datetime: '2026-11-25T09:30:00+08:00',
      updated_datetime: '2026-11-25T09:31:00+08:00',
      expected_datetime: '2026-11-25T10:30:00+08:00',
      address: '中山东路12号',
      lat: 29.87,
      long: 121.55,
      extended_attributes: { channel: 'open311', stage: 'dispatched', severity: 1, supervised: false, overdue: false },
    });
  });

  it('leave expected_datetime out when the case has no deadline', () => {
    const r = toServiceRequest(incident({ stage: 'closed', deadline: null }), ctx);
    expect(r.status).toBe('closed');
    expect('expected_datetime' in r).toBe(false);
  });

  it('split the media line off an Open311 description', () => {
    const r = toServiceRequest(incident({ description: '垃圾满溢\n\nmedia_url: https://img.example/1.jpg' }), ctx);
    expect(r.description).toBe('垃圾满溢');
    expect(r.media_url).toBe('https://img.example/1.jpg');
    expect(splitMediaLine('no media here')).toEqual({ text: 'no media here' });
  });

  it('answer a POST with the id, a notice and no account', () => {
    const post = toPostResult(incident(), true, [], ctx);
    expect(post.service_request_id).toBe('E20261125-00042');
    expect(post.account_id).toBeNull();
    expect(post.service_notice).toContain('2026-11-25T10:30:00+08:00');
  });
});

describe('XML', () => {
  it('escapes & < > " \' and keeps Chinese text', () => {
    expect(escapeXml(`a & b < c > d " e ' f 中文`)).toBe('a &amp; b &lt; c &gt; d &quot; e &apos; f 中文');
    const doc = toXmlDocument('errors', [{ code: 400, description: `<script>"x" & 'y'</script> 地址无效` }], () => 'error');
    const root = parseXml(doc);
    expect(child(child(root, 'error')!, 'description')!.text).toBe(`<script>"x" & 'y'</script> 地址无效`);
  });

  it('is checked by a reader that does reject malformed documents', () => {
    const decl = '<?xml version="1.0" encoding="UTF-8"?>\n';
    expect(() => parseXml(`${decl}<a><b></a></b>`)).toThrow();
    expect(() => parseXml(`${decl}<a>x & y</a>`)).toThrow();
    expect(() => parseXml(`${decl}<a/><b/>`)).toThrow();
    expect(() => parseXml('<a/>')).toThrow();
    expect(parseXml(`${decl}<a><b>&lt;</b></a>`).children[0]!.text).toBe('<');
  });

  it('drops characters XML cannot carry', () => {
    expect(escapeXml('a\u0000b\u0007c\td\ne\uD800f\uFFFE')).toBe('abc\td\nef');
    expect(escapeXml('😀')).toBe('😀');
  });

  it('names list items, writes null as an empty element and leaves undefined out', () => {
    const { body, type } = render('xml', 'service_requests', [{ service_request_id: 'E1', agency_responsible: null, expected_datetime: undefined, extended_attributes: { supervised: true } }]);
    expect(type).toBe('text/xml; charset=utf-8');
    expect(body).toContain('<agency_responsible/>');
    expect(body).not.toContain('expected_datetime');
    const request = child(parseXml(body), 'request')!;
    expect(child(child(request, 'extended_attributes')!, 'supervised')!.text).toBe('true');
  });

  it('renders the service list and a definition from the same values as JSON', () => {
    const services = toServices(catalog);
    const xml = parseXml(render('xml', 'services', services).body);
    expect(xml.children.map((c) => child(c, 'service_code')!.text)).toEqual(['sanitation', 'dispute']);
    expect(child(xml.children[0]!, 'metadata')!.text).toBe('false');
    expect(JSON.parse(render('json', 'services', services).body)[0]).toMatchObject({ service_code: 'sanitation', service_name: '环境卫生', type: 'realtime' });
    const def = parseXml(render('xml', 'service_definition', toServiceDefinition('sanitation', catalog)).body);
    expect(child(child(child(def, 'attributes')!, 'attribute')!, 'values')!.children).toHaveLength(4);
  });

  it('refuses formats other than json and xml', () => {
    expect(formatOf('XML')).toBe('xml');
    expect(() => formatOf('csv')).toThrow(/\.xml or \.json/);
  });
});

describe('form → NewIncident', () => {
  const form = { service_code: 'sanitation', lat: '29.87', long: '121.55', description: '  路边垃圾堆积\n已三天 ', api_key: 'ignored' };

  it('maps the fields and passes the hub schema', () => {
    const { incident: input, notices } = formToNewIncident({ ...form, first_name: '三', last_name: '张', phone: '138 0013-8000', address_string: '中山东路12号' }, catalog);
    expect(input).toMatchObject({
      source: 'open311',
      category: 'sanitation',
      severity: 1,
      title: '路边垃圾堆积',
      description: '路边垃圾堆积\n已三天',
      location: { lat: 29.87, lng: 121.55, address: '中山东路12号' },
      reporter: { kind: 'citizen', name: '张三', phone: '13800138000' },
    });
    expect(notices).toEqual([]);
    expect(NewIncident.safeParse(input).success).toBe(true);
  });

  it('takes a valid attribute[severity], ignores an invalid one with a notice', () => {
    expect(formToNewIncident({ ...form, 'attribute[severity]': '3' }, catalog).incident.severity).toBe(3);
    expect(formToNewIncident({ ...form, attribute: { severity: 4 } }, catalog).incident.severity).toBe(4);
    const bad = formToNewIncident({ ...form, 'attribute[severity]': '9' }, catalog);
    expect(bad.incident.severity).toBe(1);
    expect(bad.notices[0]).toMatch(/severity/);
  });

  it('titles from attribute[title], then the description (≤ 120), then the service name', () => {
    expect(formToNewIncident({ ...form, 'attribute[title]': 'FMS title' }, catalog).incident.title).toBe('FMS title');
    const long = formToNewIncident({ ...form, description: '长'.repeat(300) }, catalog).incident.title;
    expect(long.length).toBe(120);
    expect(long.endsWith('…')).toBe(true);
    expect(formToNewIncident({ ...form, description: '' }, catalog).incident.title).toBe('环境卫生');
  });

  it('keeps media_url as the last line of the description and fullName orders Chinese names', () => {
    const { incident: input } = formToNewIncident({ ...form, media_url: 'https://img.example/a.jpg' }, catalog);
    expect(input.description).toBe('路边垃圾堆积\n已三天\n\nmedia_url: https://img.example/a.jpg');
    expect(fullName('John', 'Smith')).toBe('John Smith');
    expect(clip('😀😀😀', 4)).toBe('😀…');
  });

  it('refuses a missing location, saying that address_string cannot be geocoded', () => {
    const { lat: _lat, long: _long, ...noPoint } = form;
    expect(() => formToNewIncident({ ...noPoint, address_string: '中山东路12号' }, catalog)).toThrow(/cannot geocode/);
    expect(() => formToNewIncident(noPoint, catalog)).toThrow(/lat and long are required/);
    expect(() => formToNewIncident({ ...form, long: '' }, catalog)).toThrow(/together/);
    expect(() => formToNewIncident({ ...form, lat: 'north' }, catalog)).toThrow(/decimal number/);
  });

  it('refuses an unknown service_code, a bad phone, a bad media_url and a description over 4000', () => {
    const codeOf = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return (e as HubError).code;
      }
      return 'none';
    };
    expect(codeOf(() => formToNewIncident({ ...form, service_code: 'pothole' }, catalog))).toBe('UNKNOWN_CATEGORY');
    expect(codeOf(() => formToNewIncident({ ...form, service_code: undefined }, catalog))).toBe('VALIDATION_FAILED');
    expect(codeOf(() => formToNewIncident({ ...form, phone: 'call me' }, catalog))).toBe('VALIDATION_FAILED');
    expect(codeOf(() => formToNewIncident({ ...form, media_url: 'javascript:alert(1)' }, catalog))).toBe('VALIDATION_FAILED');
    expect(codeOf(() => formToNewIncident({ ...form, description: 'x'.repeat(4001) }, catalog))).toBe('VALIDATION_FAILED');
    expect(codeOf(() => formToNewIncident('service_code=x', catalog))).toBe('VALIDATION_FAILED');
    const shortened = formToNewIncident({ ...form, description: 'y'.repeat(3000) }, catalog);
    expect(shortened.incident.description!.length).toBe(2000);
    expect(shortened.notices[0]).toMatch(/shortened/);
  });
});

describe('GET requests arguments', () => {
  const now = T0;
  const q = (query: Record<string, unknown>) => parseRequestQuery(query, { now, tzOffsetMinutes: 480, catalog });

  it('default to the last 90 days and 1000 requests', () => {
    const d = q({});
    expect(d.end).toBe(now);
    expect(d.end - d.start).toBe(90 * 86_400_000);
    expect(d.pageSize).toBe(1000);
  });

  it('read W3C dates, a "+" turned into a space, and a bare end date as the whole day', () => {
    expect(q({ start_date: '2026-11-25T00:00:00+08:00', end_date: '2026-11-25T09:30:00Z' })).toMatchObject({
      start: Date.UTC(2026, 10, 24, 16),
      end: Date.UTC(2026, 10, 25, 9, 30),
    });
    expect(q({ start_date: '2026-11-25T00:00:00 08:00' }).start).toBe(Date.UTC(2026, 10, 24, 16));
    expect(q({ start_date: '2026-11-20', end_date: '2026-11-24' }).end).toBe(Date.UTC(2026, 10, 24, 16) - 1);
  });

  it('refuse spans over 90 days, reversed ranges, bad dates, statuses and service codes', () => {
    expect(() => q({ start_date: '2026-01-01T00:00:00Z', end_date: '2026-11-01T00:00:00Z' })).toThrow(/90 days/);
    expect(() => q({ start_date: '2026-11-02T00:00:00Z', end_date: '2026-11-01T00:00:00Z' })).toThrow(/after/);
    expect(() => q({ start_date: 'yesterday' })).toThrow(/W3C/);
    expect(() => q({ start_date: '2026-02-30' })).toThrow(/W3C/);
    expect(() => q({ status: 'pending' })).toThrow(/open or closed/);
    expect(() => q({ service_code: 'pothole' })).toThrow(HubError);
  });

  it('filter by status and service code; ids override the rest', () => {
    const f = q({ status: 'closed', service_code: 'sanitation,dispute' });
    expect(matchesQuery(incident({ stage: 'closed' }), f)).toBe(true);
    expect(matchesQuery(incident({ stage: 'handling' }), f)).toBe(false);
    expect(matchesQuery(incident({ stage: 'closed', reportedAt: T0 - 91 * 86_400_000 }), f)).toBe(false);
    const byId = q({ service_request_id: 'E1, E2', status: 'nonsense' });
    expect(byId.ids).toEqual(['E1', 'E2']);
    expect(byId.statuses).toBeNull();
  });
});

describe('errors', () => {
  it('take the HTTP status as code and keep the hub code as an extension', () => {
    expect(toOpen311Errors(new HubError('OUT_OF_AREA'))).toEqual([
      { code: 422, description: 'The location is outside every grid this hub manages.', error_code: 'OUT_OF_AREA' },
    ]);
    expect(open311Status('UNKNOWN_CATEGORY')).toBe(404);
    expect(open311Status('NOT_FOUND')).toBe(404);
  });

  it('list each wrong field under its Open311 name', () => {
    const e = new HubError('VALIDATION_FAILED', 'The incident is not valid (location.lat: too big).', [
      { path: 'location.lat', message: 'Too big' },
      { path: 'reporter.phone', message: 'Too long' },
    ]);
    expect(toOpen311Errors(e).map((x) => x.description)).toEqual(['lat: Too big', 'phone: Too long']);
    const xml = parseXml(render('xml', 'errors', toOpen311Errors(e)).body);
    expect(xml.name).toBe('errors');
    expect(xml.children.map((c) => [child(c, 'code')!.text, child(c, 'error_code')!.text])).toEqual([
      ['400', 'VALIDATION_FAILED'],
      ['400', 'VALIDATION_FAILED'],
    ]);
  });
});
