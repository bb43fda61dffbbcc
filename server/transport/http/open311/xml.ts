/**
 * A tiny XML writer for Open311. GeoReport v2 defines its JSON as a programmatic mapping of the XML
 * (the "Spark convention"), so the routes build one plain value and this file turns it into XML:
 * an object becomes child elements, an array becomes a wrapper element whose items are named by
 * `itemName` (services → service), a primitive becomes escaped text, `null` an empty element and
 * `undefined` nothing at all. No attributes, no namespaces, no mixed content — the spec needs none,
 * so indenting is safe.
 */

export type XmlValue = string | number | boolean | null | undefined | readonly XmlValue[] | { readonly [key: string]: XmlValue };

const NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/**
 * Characters XML 1.0 forbids even when escaped: C0 controls other than tab, LF and CR, lone
 * surrogates, U+FFFE and U+FFFF. A citizen's text may carry them; they are dropped rather than
 * making the whole document unreadable.
 */
const FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** Escapes text for element content (all five predefined entities, so it is also safe in attributes). */
export function escapeXml(text: string): string {
  return text.replace(FORBIDDEN, '').replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

function textOf(value: string | number | boolean): string {
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  return typeof value === 'boolean' ? (value ? 'true' : 'false') : escapeXml(value);
}

function assertName(name: string): void {
  // Element names come from our own mapping, never from input: a bad one is a programming error.
  if (!NAME.test(name) || /^xml/i.test(name)) throw new Error(`invalid XML element name: ${name}`);
}

function element(name: string, value: XmlValue, itemName: (listName: string) => string, depth: number, out: string[]): void {
  if (value === undefined) return;
  assertName(name);
  const pad = '  '.repeat(depth);
  if (value === null) {
    out.push(`${pad}<${name}/>`);
    return;
  }
  if (typeof value !== 'object') {
    out.push(`${pad}<${name}>${textOf(value)}</${name}>`);
    return;
  }
  const children: [string, XmlValue][] = isList(value)
    ? value.map((item) => [itemName(name), item])
    : Object.entries(value);
  const present = children.filter(([, v]) => v !== undefined);
  if (present.length === 0) {
    out.push(`${pad}<${name}/>`);
    return;
  }
  out.push(`${pad}<${name}>`);
  for (const [childName, child] of present) element(childName, child, itemName, depth + 1, out);
  out.push(`${pad}</${name}>`);
}

function isList(value: object): value is readonly XmlValue[] {
  return Array.isArray(value);
}

/**
 * A whole document: the XML declaration with its encoding (the spec requires it), then `root`.
 * `itemName(listName)` names the items of every list, e.g. `services` → `service`.
 */
export function toXmlDocument(root: string, value: XmlValue, itemName: (listName: string) => string): string {
  const out = ['<?xml version="1.0" encoding="UTF-8"?>'];
  element(root, value ?? null, itemName, 0, out);
  return out.join('\n') + '\n';
}
