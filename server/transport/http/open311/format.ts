/**
 * The two formats of GeoReport v2, chosen by the extension of the resource (`services.xml`,
 * `requests/E20261125-00042.json`), and the one function that writes either from the same value.
 */
import type { Request, Response } from 'express';
import { HubError } from '@shared/errors';
import { toXmlDocument, type XmlValue } from './xml';

export const FORMATS = ['json', 'xml'] as const;
export type Format = (typeof FORMATS)[number];

/** XML element of the items of each list (Spark convention: the JSON array is the wrapper). */
const ITEM_NAMES: Record<string, string> = {
  services: 'service',
  service_requests: 'request',
  errors: 'error',
  attributes: 'attribute',
  values: 'value',
  endpoints: 'endpoint',
  formats: 'format',
};

export function itemName(listName: string): string {
  const name = ITEM_NAMES[listName];
  if (!name) throw new Error(`no XML item name for the list ${listName}`);
  return name;
}

export function isFormat(value: string): value is Format {
  return (FORMATS as readonly string[]).includes(value);
}

/** the format named by a route's `:format` parameter; anything else is a 404 that says what to use */
export function formatOf(value: string | undefined): Format {
  const lower = (value ?? '').toLowerCase();
  if (isFormat(lower)) return lower;
  throw new HubError('NOT_FOUND', `The format ".${value ?? ''}" is not offered: add .xml or .json to the resource (e.g. services.xml).`);
}

/**
 * The format to answer an error in: the extension of the path when it is one of ours, otherwise
 * what the client accepts, XML first (the spec's required format).
 */
export function formatForError(req: Request): Format {
  const last = req.path.split('/').pop() ?? '';
  const dot = last.lastIndexOf('.');
  const ext = dot >= 0 ? last.slice(dot + 1).toLowerCase() : '';
  if (isFormat(ext)) return ext;
  return req.accepts(['xml', 'json']) === 'json' ? 'json' : 'xml';
}

export function render(format: Format, root: string, value: XmlValue): { type: string; body: string } {
  if (format === 'json') return { type: 'application/json; charset=utf-8', body: JSON.stringify(value) };
  return { type: 'text/xml; charset=utf-8', body: toXmlDocument(root, value, itemName) };
}

/** writes `value` in the chosen format; `root` is the XML root element (services, service_requests, …) */
export function send(res: Response, format: Format, status: number, root: string, value: XmlValue): void {
  const { type, body } = render(format, root, value);
  res.status(status).set('Content-Type', type).send(body);
}
