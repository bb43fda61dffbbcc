/**
 * npm run bench: runs every benchmark under tests/bench/ in turn. Each prints its own figures and
 * a naive baseline measured in the same run; none asserts a time.
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const only = process.argv[2];
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => !only || f.includes(only))
  .sort();

for (const file of files) {
  console.log(`\n━━ ${file} ━━`);
  const mod = (await import(pathToFileURL(`${here}${file}`).href)) as { default?: () => Promise<void> | void };
  if (typeof mod.default === 'function') await mod.default();
}
