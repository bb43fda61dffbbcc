// npm test: the type-check of every folder, then every vitest layer (unit, integration, web, e2e),
// then one closing line "N passed, N failed, N skipped" that CI and people can read at a glance.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';

const run = (cmd, args) => spawnSync(cmd, args, { stdio: 'inherit', shell: false }).status ?? 1;
const results = '.vitest-results.json';

console.log('\n▶ type-check (shared, server, web, tests)');
const typecheck = run('npx', ['vue-tsc', '--noEmit', '-p', 'tsconfig.json']);
if (typecheck !== 0) {
  console.log('\ntests: 0 passed, 1 failed (the type-check failed; tests were not run)');
  process.exit(typecheck);
}
console.log('  type-check passed');

rmSync(results, { force: true });
const extra = process.argv.slice(2);
const status = run('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${results}`, ...extra]);
if (existsSync(results)) {
  const r = JSON.parse(readFileSync(results, 'utf8'));
  const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  console.log(`\ntests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${skipped} skipped`);
  rmSync(results, { force: true });
}
process.exit(status);
