/**
 * POST requests: the fields of a GeoReport v2 service request (form data or JSON) → a NewIncident
 * for `hub.report`. Only Open311-level checks live here (which fields, in which shape, with
 * messages that name the Open311 field); the hub validates the result again and decides the rest
 * (grid, area, category table), so nothing is stored unless everything is right.
 */
import { HubError } from '@shared/errors';
import type { Catalog } from '@shared/schemas/catalog';
import type { NewIncident, Severity } from '@shared/schemas/incident';
import { MEDIA_LINE_PREFIX, serviceName } from './mapping';

export interface IntakeResult {
  incident: NewIncident;
  /** what the hub changed or ignored, told back to the citizen in service_notice */
  notices: string[];
}

type Form = Record<string, unknown>;

const TITLE_MAX = 120;
const DESCRIPTION_MAX = 2000;
/** GeoReport v2 caps description at 4,000 characters; beyond that the request is wrong. */
const OPEN311_DESCRIPTION_MAX = 4000;
const ADDRESS_MAX = 200;
const NAME_MAX = 80;
const MEDIA_URL_MAX = 500;
const EXTERNAL_REF_MAX = 80;

const invalid = (message: string) => new HubError('VALIDATION_FAILED', message);

/** Cuts to at most `max` UTF-16 units without splitting a character, marking the cut with "…". */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  let out = '';
  for (const ch of text) {
    if (out.length + ch.length > max - 1) break;
    out += ch;
  }
  return out.trimEnd() + '…';
}

/** a single text field: absent and empty are the same (spec: "Optional Arguments") */
function field(form: Form, name: string): string | undefined {
  const value = form[name];
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value)) throw invalid(`${name} was sent ${value.length} times; send it once.`);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value !== 'string') throw invalid(`${name} must be text.`);
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

/** attribute[code]=v and attribute[code][]=v form fields, or an `attribute` object in JSON */
export function readAttributes(form: Form): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const add = (code: string, value: unknown) => {
    const values = (Array.isArray(value) ? value : [value]).filter((v) => typeof v === 'string' || typeof v === 'number').map((v) => String(v).trim());
    if (values.length) out.set(code, [...(out.get(code) ?? []), ...values]);
  };
  for (const [key, value] of Object.entries(form)) {
    const m = /^attribute\[([^\]]+)\](?:\[\])?$/.exec(key);
    if (m) add(m[1]!, value);
  }
  const nested = form.attribute;
  if (nested && typeof nested === 'object' && !Array.isArray(nested)) {
    for (const [code, value] of Object.entries(nested as Form)) add(code, value);
  }
  return out;
}

function coordinate(form: Form, name: 'lat' | 'long'): number | undefined {
  const text = field(form, name);
  if (text === undefined) return undefined;
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(text)) throw invalid(`${name} must be a decimal number of degrees (WGS84), got "${clip(text, 40)}".`);
  return Number(text);
}

function location(form: Form): { lat: number; lng: number } {
  const lat = coordinate(form, 'lat');
  const lng = coordinate(form, 'long');
  if (lat !== undefined && lng !== undefined) return { lat, lng };
  if (lat !== undefined || lng !== undefined) throw invalid('Send lat and long together: one of them is missing.');
  if (field(form, 'address_string') !== undefined || field(form, 'address_id') !== undefined) {
    throw invalid('lat and long are required: this hub cannot geocode address_string or address_id (it works offline). Send the point as lat/long; address_string is then kept as the address.');
  }
  throw invalid('lat and long are required (WGS84 decimal degrees).');
}

/** "三" + "张" → "张三" (Chinese order, no space); "John" + "Smith" → "John Smith" */
export function fullName(first: string | undefined, last: string | undefined): string | undefined {
  if (!first && !last) return undefined;
  const han = /^[\p{Script=Han}·]+$/u;
  const name = first && last && han.test(first) && han.test(last) ? `${last}${first}` : [first, last].filter(Boolean).join(' ');
  return clip(name, NAME_MAX);
}

/** digits with an optional leading +, separators removed; the domain masks it before storing */
function phone(form: Form): string | undefined {
  const raw = field(form, 'phone');
  if (raw === undefined) return undefined;
  const compact = raw.replace(/[\s\-().]/g, '');
  if (!/^\+?\d{3,19}$/.test(compact)) throw invalid('phone must be a telephone number: digits, an optional leading +, at most 20 characters.');
  return compact;
}

function mediaUrl(form: Form): string | undefined {
  const url = field(form, 'media_url');
  if (url === undefined) return undefined;
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') || /\s/.test(url) || url.length > MEDIA_URL_MAX) {
    throw invalid(`media_url must be an http(s) URL of at most ${MEDIA_URL_MAX} characters.`);
  }
  return url;
}

function severity(attributes: Map<string, string[]>, notices: string[]): Severity {
  const given = attributes.get('severity');
  if (!given) return 1;
  const value = given[0];
  if (given.length === 1 && (value === '1' || value === '2' || value === '3' || value === '4')) return Number(value) as Severity;
  notices.push(`attribute[severity] "${clip(given.join(','), 20)}" is not 1–4, so the case was graded 1`);
  return 1;
}

/** the text of a description, with the media line appended, within the hub's limit */
function composeDescription(text: string, media: string | undefined, notices: string[]): string {
  const mediaLine = media ? `${MEDIA_LINE_PREFIX}${media}` : '';
  const room = DESCRIPTION_MAX - (mediaLine ? mediaLine.length + 2 : 0);
  let body = text;
  if (body.length > room) {
    body = clip(body, room);
    notices.push(`the description was shortened to ${room} characters`);
  }
  if (!mediaLine) return body;
  return body ? `${body}\n\n${mediaLine}` : mediaLine;
}

export function formToNewIncident(raw: unknown, catalog: Catalog): IntakeResult {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    throw invalid('Send the service request as form fields (application/x-www-form-urlencoded) or as one JSON object.');
  }
  const form = raw as Form;
  const notices: string[] = [];

  const code = field(form, 'service_code');
  if (code === undefined) throw invalid('service_code is required: pick one from GET services.xml (or services.json).');
  if (!catalog.categories.some((c) => c.code === code)) {
    throw new HubError('UNKNOWN_CATEGORY', `service_code "${clip(code, 40)}" is not offered here: GET services.xml lists the codes.`);
  }
  const point = location(form);
  const attributes = readAttributes(form);

  const text = (field(form, 'description') ?? '').replace(/\r\n?/g, '\n');
  if (text.length > OPEN311_DESCRIPTION_MAX) throw invalid(`description is longer than the ${OPEN311_DESCRIPTION_MAX} characters GeoReport v2 allows.`);
  const media = mediaUrl(form);

  // FixMyStreet sends its own title as attribute[title]; otherwise the first line of the description.
  const firstLine = text.split('\n').find((l) => l.trim() !== '')?.trim();
  const titleSource = attributes.get('title')?.[0] || firstLine || serviceName(code, catalog);
  const title = clip(titleSource.replace(/\s+/g, ' ').trim(), TITLE_MAX);

  let address = field(form, 'address_string');
  if (address && address.length > ADDRESS_MAX) {
    address = clip(address, ADDRESS_MAX);
    notices.push(`address_string was shortened to ${ADDRESS_MAX} characters`);
  }

  // The id the sending system gives the report (FixMyStreet: attribute[fixmystreet_id]).
  const externalId = attributes.get('external_id')?.[0] || attributes.get('fixmystreet_id')?.[0];
  const externalRef = externalId && externalId.length <= EXTERNAL_REF_MAX ? externalId : undefined;

  const name = fullName(field(form, 'first_name'), field(form, 'last_name'));
  const tel = phone(form);

  const incident: NewIncident = {
    source: 'open311',
    category: code,
    severity: severity(attributes, notices),
    title,
    description: composeDescription(text, media, notices),
    location: { lng: point.lng, lat: point.lat, ...(address ? { address } : {}) },
    reporter: { kind: 'citizen', ...(name ? { name } : {}), ...(tel ? { phone: tel } : {}) },
    ...(externalRef ? { externalRef } : {}),
  };
  return { incident, notices };
}
