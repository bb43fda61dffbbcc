/**
 * Where benchmarks leave their figures: one JSON file per benchmark under bench-results/
 * (bench-results/README.md), with the machine it ran on. Kept small on purpose so that one format
 * for every benchmark can replace it later without touching the benchmarks' own code.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BENCH_RESULTS_DIR = fileURLToPath(new URL('../../../bench-results/', import.meta.url));

export interface Machine {
  node: string;
  platform: string;
  cpu: string;
  cores: number;
  memoryGB: number;
}

export function machine(): Machine {
  const list = cpus();
  return {
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    cpu: list[0]?.model ?? 'unknown',
    cores: list.length,
    memoryGB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
  };
}

/** writes bench-results/<name>.json (replacing the previous run's) and answers its path */
export function writeBenchResult(name: string, figures: unknown): string {
  mkdirSync(BENCH_RESULTS_DIR, { recursive: true });
  const path = join(BENCH_RESULTS_DIR, `${name}.json`);
  writeFileSync(path, `${JSON.stringify({ name, at: new Date().toISOString(), machine: machine(), figures }, null, 2)}\n`);
  return path;
}
