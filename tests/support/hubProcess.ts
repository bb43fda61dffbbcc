/**
 * The real hub as `npm start` runs it (without the build), in a process of its own on a free
 * port, for tests and benchmarks that kill it, restart it or run several: the test city's
 * geography (district scale, seed 'test') unless `env` says otherwise. Ready when it logs that it
 * listens (so LOG_LEVEL must let info lines through); its stderr is read for good, or the pipe
 * would fill and block it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../../', import.meta.url));

export interface HubProcess {
  name: string;
  child: ChildProcess;
  url: string;
  exited: Promise<void>;
  /** what it logged so far (its last 200 kB) */
  output(): string;
}

export async function startHubProcess(name: string, env: Record<string, string>): Promise<HubProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/index.ts'], {
    cwd: repo,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', SIM: '0', SIM_SCALE: 'district', SIM_SEED: 'test', NODE_ID: name, ...env, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr!.on('data', (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-200_000);
      const listening = /"msg":"hub listening".*?"url":"(http:\/\/[^"]+)"/.exec(output) ?? /"url":"(http:\/\/[^"]+)".*?"msg":"hub listening"/.exec(output);
      if (listening) resolve(listening[1]!);
    });
    void exited.then(() => reject(new Error(`hub ${name} exited before it listened:\n${output.slice(-3000)}`)));
  });
  return { name, child, url, exited, output: () => output };
}

/** SIGKILL to every one still running; resolves once all have exited */
export async function killAll(hubs: readonly HubProcess[]): Promise<void> {
  for (const h of hubs) if (h.child.exitCode === null && h.child.signalCode === null) h.child.kill('SIGKILL');
  await Promise.all(hubs.map((h) => h.exited));
}
