/**
 * What held a hub's event loop: the stalls noted by the preload stallLog.mjs, each matched with the
 * samples of the hub's CPU profile (`--cpu-prof`) that fall inside it. Both use the monotonic clock
 * in µs, so no alignment is needed. Per stall it answers the functions that ran (self time, GC and
 * library code included) and the deepest frames of the project's own code under which the time
 * was spent (server/, shared/): what to change. Lines of our .ts files are mapped back through
 * tsx's source maps (tsxSourceLines.ts).
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { TsxSourceLines } from './tsxSourceLines';

export interface Stall {
  startUs: number;
  endUs: number;
  ms: number;
}

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface Culprit {
  fn: string;
  ms: number;
}

export interface StallCause {
  phase: string;
  ms: number;
  /** µs after the phase began */
  atMs: number;
  /** the profile's time inside the stall, ms */
  sampledMs: number;
  /** of it, samples of `(idle)`: the main thread was waiting, not computing (another process had the CPU) */
  idleMs: number;
  /** leaf functions by time (self time) */
  self: Culprit[];
  /** the deepest project frame of each sample, by time */
  project: Culprit[];
  /** the chain of project frames down to the costliest frame of our code, outermost first */
  path: string;
}

export function readStalls(file: string): Stall[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Stall);
}

/**
 * The main thread's profile. Node names them CPU.<date>.<time>.<pid>.<thread id>.<n>.cpuprofile,
 * and the main thread's id is 0: the largest file is not it since PGlite works in a thread of its
 * own (the store worker's profile outgrew the main thread's). The largest of thread 0's, if several.
 */
export function mainProfile(dir: string): string | null {
  if (!existsSync(dir)) return null;
  const files = readdirSync(dir)
    .filter((f) => /\.\d+\.0\.\d+\.cpuprofile$/.test(f))
    .map((f) => join(dir, f))
    .sort((a, b) => statSync(b).size - statSync(a).size);
  return files[0] ?? null;
}

const NO_PROJECT_FRAME = '(no project frame)';
const PROJECT = /\/(server|shared)\/[^?]*$/;

function where(frame: CallFrame, repo: string, lines: TsxSourceLines): string {
  const name = frame.functionName || '(anonymous)';
  if (!frame.url) return name;
  const path = frame.url.replace(/^file:\/\//, '');
  const file = path.replace(repo, '').replace(/^.*\/node_modules\//, '');
  // our .ts files ran as tsx's one-line output: their lines come from its source maps
  const line = path.endsWith('.ts') ? lines.line(path, frame.lineNumber, frame.columnNumber) : frame.lineNumber + 1;
  return line === null ? `${name} ${file}` : `${name} ${file}:${line}`;
}

function top(weights: Map<string, number>, n: number): Culprit[] {
  return [...weights.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([fn, us]) => ({ fn, ms: Math.round(us / 100) / 10 }));
}

/**
 * For each stall (longest first, at most `limit`), the functions that ran inside it. `phaseOf`
 * names the benchmark phase a stall belongs to, with the phase's own start.
 */
export function explainStalls(profileFile: string, stalls: Stall[], repo: string, phaseOf: (stall: Stall) => { phase: string; startUs: number }, limit: number): StallCause[] {
  const profile = JSON.parse(readFileSync(profileFile, 'utf8')) as CpuProfile;
  const lines = new TsxSourceLines();
  const byId = new Map<number, ProfileNode>(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const c of node.children ?? []) parent.set(c, node.id);
  // each sample's time, and its weight: the time until the next sample
  const times = new Float64Array(profile.samples.length);
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) times[i] = t += profile.timeDeltas[i] ?? 0;
  const weight = (i: number) => (i + 1 < times.length ? times[i + 1]! - times[i]! : 0);

  const out: StallCause[] = [];
  for (const stall of [...stalls].sort((a, b) => b.ms - a.ms).slice(0, limit)) {
    const self = new Map<string, number>();
    const project = new Map<string, number>();
    const paths = new Map<string, Map<string, number>>();
    let sampled = 0;
    let idle = 0;
    for (let i = lowerBound(times, stall.startUs); i < times.length && times[i]! <= stall.endUs; i++) {
      const w = Math.min(weight(i), stall.endUs - times[i]!);
      sampled += w;
      const leaf = byId.get(profile.samples[i]!)!;
      const leafName = where(leaf.callFrame, repo, lines);
      if (leaf.callFrame.functionName === '(idle)') idle += w;
      self.set(leafName, (self.get(leafName) ?? 0) + w);
      const chain: string[] = [];
      for (let id: number | undefined = leaf.id; id !== undefined; id = parent.get(id)) {
        const frame = byId.get(id)!.callFrame;
        if (PROJECT.test(frame.url)) chain.push(where(frame, repo, lines));
      }
      const deepest = chain[0] ?? `${NO_PROJECT_FRAME} ${leafName}`;
      project.set(deepest, (project.get(deepest) ?? 0) + w);
      const path = chain.reverse().map((f) => f.split(' ')[0]).join(' › ');
      const forDeepest = paths.get(deepest) ?? new Map<string, number>();
      forDeepest.set(path, (forDeepest.get(path) ?? 0) + w);
      paths.set(deepest, forDeepest);
    }
    const projectTop = top(project, 4);
    // the path to the costliest frame of our own code (GC or a library may cost more, and have no path)
    const ours = top(project, project.size).find((c) => !c.fn.startsWith(NO_PROJECT_FRAME));
    const firstPaths = ours ? paths.get(ours.fn) : undefined;
    const { phase, startUs } = phaseOf(stall);
    out.push({
      phase,
      ms: Math.round(stall.ms),
      atMs: Math.round((stall.startUs - startUs) / 1000),
      sampledMs: Math.round(sampled / 1000),
      idleMs: Math.round(idle / 1000),
      self: top(self, 4),
      project: projectTop,
      path: firstPaths ? (top(firstPaths, 1)[0]?.fn ?? '') : '',
    });
  }
  return out;
}

/** the first index whose time is at or after `us` */
function lowerBound(times: Float64Array, us: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (times[mid]! < us) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
