/** Test support: a strict reader for the XML the Open311 endpoints write (shared by unit and integration tests). */
/** A strict reader for the XML subset the hub writes (no attributes): throws on anything malformed. */
export type XNode = { name: string; children: XNode[]; text: string };
export function parseXml(doc: string): XNode {
  const decl = '<?xml version="1.0" encoding="UTF-8"?>\n';
  if (!doc.startsWith(decl)) throw new Error('no XML declaration');
  const entities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
  const stack: XNode[] = [];
  let root: XNode | null = null;
  let i = decl.length;
  while (i < doc.length) {
    if (doc[i] === '<') {
      const close = doc.indexOf('>', i);
      if (close < 0) throw new Error('unclosed tag');
      const tag = doc.slice(i + 1, close);
      if (tag.startsWith('/')) {
        const top = stack.pop();
        if (!top || top.name !== tag.slice(1)) throw new Error(`mismatched </${tag.slice(1)}>`);
        if (stack.length === 0) root = top;
      } else {
        const selfClosing = tag.endsWith('/');
        const name = selfClosing ? tag.slice(0, -1) : tag;
        if (!/^[A-Za-z_][\w.-]*$/.test(name)) throw new Error(`bad element name ${name}`);
        if (root || (stack.length === 0 && i !== decl.length)) throw new Error('content after the root');
        const node: XNode = { name, children: [], text: '' };
        stack.at(-1)?.children.push(node);
        if (!selfClosing) stack.push(node);
        else if (stack.length === 0) root = node;
      }
      i = close + 1;
    } else {
      const next = doc.indexOf('<', i);
      const raw = doc.slice(i, next < 0 ? doc.length : next);
      if (!/^(?:[^&<>]|&(?:amp|lt|gt|quot|apos);)*$/.test(raw)) throw new Error(`unescaped text: ${raw}`);
      if (stack.length === 0) {
        if (raw.trim()) throw new Error('text outside the root');
      } else stack.at(-1)!.text += raw.replace(/&(\w+);/g, (_, e: string) => entities[e]!);
      i = next < 0 ? doc.length : next;
    }
  }
  if (stack.length || !root) throw new Error('unclosed elements');
  return root;
}
export const child = (n: XNode, name: string) => n.children.find((c) => c.name === name);
export const textOf = (n: XNode, name: string) => child(n, name)?.text;
