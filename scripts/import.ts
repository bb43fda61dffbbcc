/**
 * npm run import -- <kind> FILE — a thin client of a running hub's POST /api/import/:kind.
 *
 *   npm run import -- history cases.csv --system szcg
 *   npm run import -- history steps.ndjson --system hotline12345 --crs gcj02
 *   npm run import -- categories table.csv | geography grids.geojson --crs gcj02 | cameras cameras.csv | patrols roster.csv
 *
 * History goes into the LIVE hub (its memory, its walls and its event log move together), so this
 * always talks to a running hub over HTTP, as an admin: HUB_TOKEN (a session token from
 * POST /api/auth/login), or HUB_USER with HUB_PASSWORD (or --password-stdin) to sign in for this
 * run. The file is streamed as it is; progress is shown while the hub reads, checks and writes.
 */
import { createReadStream, statSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import { IMPORT_KINDS, ImportLine, type ImportResult } from '../shared/schemas/import';

const USAGE = `usage: npm run import -- <${IMPORT_KINDS.join('|')}> FILE [--system NAME] [--format csv|ndjson|json] [--crs wgs84|gcj02] [--url URL] [--password-stdin]
  credentials: HUB_TOKEN, or HUB_USER and HUB_PASSWORD (an admin of the hub); see docs/import.md`;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    url: { type: 'string', default: process.env.HUB_URL ?? `http://localhost:${process.env.PORT ?? 8080}` },
    system: { type: 'string' },
    format: { type: 'string' },
    crs: { type: 'string' },
    'password-stdin': { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});

function formatOf(file: string): string | undefined {
  const ext = extname(file).toLowerCase();
  if (ext === '.csv' || ext === '.txt') return 'csv';
  if (ext === '.ndjson' || ext === '.jsonl') return 'ndjson';
  if (ext === '.json' || ext === '.geojson') return 'json';
  return undefined;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').trim();
}

class Refused extends Error {}

async function token(base: string): Promise<{ token: string; signOut: boolean }> {
  if (process.env.HUB_TOKEN) return { token: process.env.HUB_TOKEN, signOut: false };
  const username = process.env.HUB_USER;
  const password = values['password-stdin'] ? await readStdin() : process.env.HUB_PASSWORD;
  if (!username || !password) throw new Refused('Sign in as an admin of the hub: set HUB_TOKEN, or HUB_USER with HUB_PASSWORD (or --password-stdin).');
  const res = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
  const body = (await res.json()) as { token?: string; message?: string };
  if (!res.ok || !body.token) throw new Refused(`The hub refused the sign-in: ${body.message ?? res.status}`);
  return { token: body.token, signOut: true };
}

function showProgress(line: Extract<ImportLine, { type: 'progress' }>): void {
  const of = line.total !== undefined ? ` of ${line.total.toLocaleString('en')}` : '';
  const mb = line.bytes !== undefined ? ` ${(line.bytes / 1_048_576).toFixed(1)} MB` : '';
  const words = { read: 'reading', check: 'checking', write: 'writing' }[line.phase];
  const text = `${words}: ${line.done.toLocaleString('en')}${of}${line.phase === 'read' ? `${mb}` : ''}`;
  if (process.stderr.isTTY) process.stderr.write(`\r\x1b[2K${text}`);
  else process.stderr.write(`${text}\n`);
}

function showResult(result: ImportResult): void {
  if (process.stderr.isTTY) process.stderr.write('\r\x1b[2K');
  console.log(result.message);
  console.log(`  rows ${result.rows.toLocaleString('en')} · changed ${result.changed.toLocaleString('en')} · unchanged ${result.unchanged.toLocaleString('en')} · ${(result.ms / 1000).toFixed(1)} s · takes effect: ${result.appliesFrom}`);
}

function showRefusal(line: Extract<ImportLine, { type: 'error' }>): void {
  if (process.stderr.isTTY) process.stderr.write('\r\x1b[2K');
  console.error(`${line.error}: ${line.message}`);
  const details = line.details as { problems?: { line: number; field?: string; message: string }[]; count?: number } | undefined;
  for (const p of details?.problems ?? []) console.error(`  line ${p.line}${p.field ? ` (${p.field})` : ''}: ${p.message}`);
  if (details?.count && details.problems && details.count > details.problems.length) console.error(`  … and ${details.count - details.problems.length} more`);
}

async function main(): Promise<number> {
  const [kind, file] = positionals;
  if (values.help || !kind || !file) {
    console.log(USAGE);
    return values.help ? 0 : 2;
  }
  if (!(IMPORT_KINDS as readonly string[]).includes(kind)) throw new Refused(`There is no import of "${kind}": ${IMPORT_KINDS.join(', ')}.`);
  statSync(file); // a missing file is said before anything reaches the hub
  const base = values.url!.replace(/\/$/, '');
  const query = new URLSearchParams({ file: basename(file).slice(0, 200) });
  const format = values.format ?? formatOf(file);
  if (format) query.set('format', format);
  if (values.system) query.set('system', values.system);
  if (values.crs) query.set('crs', values.crs);

  let session: { token: string; signOut: boolean };
  try {
    session = await token(base);
  } catch (error) {
    if (error instanceof Refused) throw error;
    throw new Refused(`No hub answers at ${base} (${(error as Error).message}). Start it (npm start) or pass --url; history goes into a running hub.`);
  }
  try {
    const res = await fetch(`${base}/api/import/${kind}?${query}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${session.token}`, 'content-type': 'application/octet-stream', accept: 'application/x-ndjson' },
      body: Readable.toWeb(createReadStream(file)) as ReadableStream,
      duplex: 'half',
    } as RequestInit & { duplex: 'half' });
    if (!(res.headers.get('content-type') ?? '').includes('application/x-ndjson')) {
      const body = (await res.json().catch(() => ({}))) as { error?: string; message?: string; details?: unknown };
      showRefusal({ type: 'error', error: body.error ?? String(res.status), message: body.message ?? res.statusText, details: body.details });
      return 1;
    }
    let ok = false;
    let pending = '';
    const decoder = new TextDecoder();
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      pending += decoder.decode(chunk, { stream: true });
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const text of lines) {
        if (!text.trim()) continue;
        const line = ImportLine.parse(JSON.parse(text));
        if (line.type === 'progress') showProgress(line);
        else if (line.type === 'result') {
          showResult(line.result);
          ok = true;
        } else showRefusal(line);
      }
    }
    return ok ? 0 : 1;
  } finally {
    if (session.signOut) await fetch(`${base}/api/auth/logout`, { method: 'POST', headers: { authorization: `Bearer ${session.token}` } }).catch(() => {});
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`import: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
