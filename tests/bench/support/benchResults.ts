/** Writes a benchmark's figures as bench-results/<name>.json, with the machine they were measured on. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, platform } from 'node:os';
import { join } from 'node:path';

export function writeBenchResult(name: string, figures: unknown): string {
  const dir = join(process.cwd(), 'bench-results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}.json`);
  const machine = { cpus: cpus().length, model: cpus()[0]?.model ?? 'unknown', node: process.version, platform: platform() };
  writeFileSync(file, `${JSON.stringify({ name, machine, at: new Date().toISOString(), figures }, null, 2)}\n`);
  return file;
}
