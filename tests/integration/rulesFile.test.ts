/**
 * RULES_FILE at start, as `npm start` runs the hub: a bad rule stops the hub before it listens,
 * with a message naming the file and the rule; a good file is taken and said so in the log.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'hub-rules-'));

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** starts the hub with a rules file; resolves when it exits (bad file) or says it listens (good file, then stopped) */
function startWith(rules: unknown, name: string): Promise<{ code: number | null; output: string }> {
  const file = join(dir, `${name}.json`);
  writeFileSync(file, typeof rules === 'string' ? rules : JSON.stringify(rules));
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/index.ts'], {
      cwd: repo,
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: join(dir, name), SIM: '0', LOG_LEVEL: 'info', RULES_FILE: file },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const take = (d: Buffer) => {
      output += d.toString();
      if (output.includes('hub listening')) child.kill('SIGTERM');
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.on('exit', (code) => resolve({ code, output }));
  });
}

describe('RULES_FILE', () => {
  it('a bad rule stops the hub, naming the file and the rule', async () => {
    const { code, output } = await startWith(
      {
        rules: [
          { id: 'grave', name: '特别重大', when: { kind: 'case', minSeverity: 4 }, then: { sound: true } },
          { id: 'fire-watch', name: '烟火', when: { kind: 'camera_alarm', types: ['volcano'] }, then: { sound: true } },
        ],
      },
      'bad',
    );
    expect(code).toBe(1);
    expect(output).toContain('The hub could not start');
    expect(output).toContain('bad.json');
    expect(output).toContain('rule 2 ("fire-watch")');
    expect(output).not.toContain('hub listening');
  }, 120_000);

  it('a file that is not JSON stops it too; a good one is taken', async () => {
    const broken = await startWith('{ "rules": [ ', 'broken');
    expect(broken.code).toBe(1);
    expect(broken.output).toContain('broken.json');
    const good = await startWith({ rules: [{ id: 'grave', name: '特别重大', when: { kind: 'case', minSeverity: 4 }, then: { sound: true, focus: true, revertOnAck: true } }] }, 'good');
    expect(good.output).toContain('hub listening');
    expect(good.output).toMatch(/"rules":1/);
  }, 120_000);
});
