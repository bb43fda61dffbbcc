/**
 * npm run bench: runs every benchmark under tests/bench/ in turn (or those whose file name
 * contains the argument: `npm run bench -- positions`). Each prints its own figures beside a
 * naive baseline measured in the same run and writes bench-results/<name>.json; none asserts a
 * time. At the end bench-results/SUMMARY.md gathers what they printed, the machine, and issue
 * 14's targets met or missed (tests/bench/support/benchSummary.ts).
 */
import { mkdirSync, readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { format } from 'node:util';
import { BENCH_RESULTS_DIR } from './support/benchResults';
import { writeSummary, type BenchRun } from './support/benchSummary';

const here = fileURLToPath(new URL('.', import.meta.url));
const only = process.argv[2];
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => !only || f.includes(only))
  .sort();

mkdirSync(BENCH_RESULTS_DIR, { recursive: true });
const startedAt = Date.now();
const runs: BenchRun[] = [];
const print = console.log.bind(console);
for (const [i, file] of files.entries()) {
  print(`\n━━ [${i + 1}/${files.length}] ${file} ━━ (${Math.round((Date.now() - startedAt) / 1000)} s into the run)`);
  let output = '';
  // what a benchmark prints goes to the terminal and into the summary
  console.log = (...args: unknown[]) => {
    output += `${format(...args)}\n`;
    print(...args);
  };
  const t0 = Date.now();
  let failed: string | null = null;
  try {
    const mod = (await import(pathToFileURL(`${here}${file}`).href)) as { default?: () => Promise<void> | void };
    if (typeof mod.default === 'function') await mod.default();
  } catch (error) {
    failed = error instanceof Error ? error.message.split('\n')[0]! : String(error);
    print(`${file} failed: ${failed}`);
  } finally {
    console.log = print;
  }
  runs.push({ file, seconds: (Date.now() - t0) / 1000, output, failed });
}
print(`\nsummary: ${writeSummary(runs, startedAt)}`);
if (runs.some((r) => r.failed)) process.exitCode = 1;
