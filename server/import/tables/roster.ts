/**
 * Cameras (video points, with heading and field of view when the platform knows them) and patrol
 * rosters as CSV or NDJSON, applied live through the hub's roster intake (hub.loadRoster: written,
 * installed in memory, and walls told to take a fresh snapshot). A point or a person already on
 * the roster keeps what the live feeds said (status, last fix); what the file says replaces the
 * rest. Rows the hub holds exactly as the file has them are counted and left alone.
 */
import { CAMERA_STATUSES, MAX_CAMERA_RANGE_M, type Camera } from '@shared/schemas/camera';
import { PATROL_STATUSES, PatrolRole, type Patrol } from '@shared/schemas/patrol';
import type { Hub } from '../../hub/hub';
import { toWgs84, type CoordinateSystem } from '../coords';
import { RowReader } from '../fields';
import { RowProblems } from '../problems';
import { readRows, type FileInput, type RowFormat } from '../rows';
import type { ImportProgress, ImportResult } from '../types';
import { yielder, yieldNow } from '../yieldNow';

const LIMITS = { maxBytes: 128 * 1_048_576, maxRows: 500_000 };
/** the roster intake writes this many at a time, so one write never holds the event loop long */
const PER_WRITE = 2_000;
const ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;

const CAMERA_STATUS_ALIASES: Record<string, (typeof CAMERA_STATUSES)[number]> = { 在线: 'online', 离线: 'offline', 视频丢失: 'video_lost', 故障: 'fault' };
const PATROL_STATUS_ALIASES: Record<string, (typeof PATROL_STATUSES)[number]> = { 在岗: 'on_duty', 离岗: 'off_duty', 处置中: 'responding', 离线: 'offline' };

interface Options {
  format: RowFormat;
  crs: CoordinateSystem;
  onProgress: (p: ImportProgress) => void;
}

function idOf(row: RowReader, names: readonly string[]): string | undefined {
  const id = row.text(names, { required: true, max: 64 });
  if (id !== undefined && !ID.test(id)) {
    row.problem(names[0], `"${id.slice(0, 30)}" is not an id (letters, digits and . _ : - only)`);
    return undefined;
  }
  return id;
}

export async function importCameras(hub: Hub, input: FileInput, opts: Options): Promise<ImportResult> {
  const started = performance.now();
  const problems = new RowProblems();
  const now = hub.now();
  const convert = toWgs84(opts.crs);
  const seen = new Map<string, number>();
  const changed: Camera[] = [];
  let unchanged = 0;
  let rows = 0;
  const pause = yielder();
  for await (const { line, fields } of readRows(input, opts.format, { ...LIMITS, what: 'camera list' })) {
    rows++;
    const row = new RowReader(line, fields, problems, 480);
    const id = idOf(row, ['id', 'camera_id', 'device_id', '点位编号']);
    const gbId = row.text(['gb_id', 'gbid', '国标编码']);
    if (gbId !== undefined && !/^\d{20}$/.test(gbId)) row.problem('gb_id', 'a GB/T 28181 device id has 20 digits');
    const name = row.text(['name', '点位名称'], { required: true, max: 80 });
    const lng = row.number(['lng', 'lon', 'longitude', '经度'], { required: true, min: -180, max: 180 });
    const lat = row.number(['lat', 'latitude', '纬度'], { required: true, min: -90, max: 90 });
    const owner = row.text(['owner', 'department', '权属单位'], { max: 40 }) ?? '';
    const status = row.oneOf(['status', '状态'], CAMERA_STATUSES, { aliases: CAMERA_STATUS_ALIASES });
    const heading = row.number(['heading', 'azimuth', '朝向'], { min: 0, max: 360 });
    const fovDeg = row.number(['fov', 'fov_deg', 'field_of_view', '视场角'], { min: 1, max: 360 });
    const rangeM = row.number(['range', 'range_m', '视距'], { min: 1, max: MAX_CAMERA_RANGE_M });
    // the video platform's web player for this point, opened on the walls in focus mode
    const streamUrl = row.text(['stream_url', 'stream', 'player_url', '视频地址'], { max: 500 });
    if (streamUrl !== undefined && !/^https?:\/\/\S+$/.test(streamUrl)) row.problem('stream_url', 'an http or https address (a web player; rtsp is not shown by browsers)');
    await pause();
    if (id === undefined || name === undefined || lng === undefined || lat === undefined) continue;
    const first = seen.get(id);
    if (first !== undefined) {
      row.problem('id', `camera ${id} appears twice (first on line ${first})`);
      continue;
    }
    seen.set(id, line);
    const [x, y] = convert(lng, lat);
    const gridCode = hub.geo.locate(x, y);
    if (!gridCode) {
      row.problem('lng/lat', `${lng}, ${lat} lies outside every grid of this hub (wrong datum? see crs)`);
      continue;
    }
    const held = hub.cameras.get(id);
    // a new point's status is unknown until the platform's status feed says: offline, not a guess of online
    const nextStatus = status ?? held?.status ?? 'offline';
    const camera: Camera = {
      id,
      gbId: gbId ?? held?.gbId ?? null,
      name,
      gridCode,
      lng: round7(x),
      lat: round7(y),
      status: nextStatus,
      statusSince: held && held.status === nextStatus ? held.statusSince : now,
      alarm: held?.alarm ?? null,
      owner,
      heading: heading === undefined ? (held?.heading ?? null) : heading % 360,
      fovDeg: fovDeg ?? held?.fovDeg ?? null,
      rangeM: rangeM ?? held?.rangeM ?? null,
      streamUrl: streamUrl !== undefined && /^https?:\/\/\S+$/.test(streamUrl) ? streamUrl : (held?.streamUrl ?? null),
    };
    if (held && same(held, camera)) unchanged++;
    else changed.push(camera);
  }
  if (rows === 0) problems.add(1, undefined, 'the file has no rows');
  if (!problems.empty) throw problems.refusal('camera list');
  await write(changed, (chunk) => hub.loadRoster(chunk, []), opts.onProgress);
  return result('cameras', rows, changed.length, unchanged, started, 'cameras');
}

export async function importPatrols(hub: Hub, input: FileInput, opts: Options): Promise<ImportResult> {
  const started = performance.now();
  const problems = new RowProblems();
  const now = hub.now();
  const seen = new Map<string, number>();
  const changed: Patrol[] = [];
  let unchanged = 0;
  let rows = 0;
  let nextIdx = hub.patrolsByIdx.length;
  const pause = yielder();
  for await (const { line, fields } of readRows(input, opts.format, { ...LIMITS, what: 'patrol roster' })) {
    rows++;
    const row = new RowReader(line, fields, problems, 480);
    const id = idOf(row, ['id', 'patrol_id', 'worker_id', '人员编号']);
    const name = row.text(['name', '姓名'], { required: true, max: 80 });
    const kind = row.oneOf(['kind', '类型'], ['worker', 'unit'] as const, { aliases: { 网格员: 'worker', 队伍: 'unit' } }) ?? 'worker';
    const role = row.oneOf(['role', '角色'], PatrolRole.options, {
      aliases: { 网格长: 'grid_manager', 专职网格员: 'grid_manager', 网格员: 'assistant', 民警: 'police', 督导员: 'supervisor', 支部书记: 'party_secretary', 法律顾问: 'legal', 消防员: 'firefighter' },
    }) ?? 'grid_manager';
    const gridCode = row.text(['grid', 'grid_code', '网格编码'], { required: true, max: 32 });
    const status = row.oneOf(['status', '状态'], PATROL_STATUSES, { aliases: PATROL_STATUS_ALIASES });
    await pause();
    if (id === undefined || name === undefined || gridCode === undefined) continue;
    if (hub.geo.get(gridCode)?.level !== 'grid') {
      row.problem('grid', `${gridCode} is not a grid of this hub's geography`);
      continue;
    }
    const first = seen.get(id);
    if (first !== undefined) {
      row.problem('id', `patrol ${id} appears twice (first on line ${first})`);
      continue;
    }
    seen.set(id, line);
    const held = hub.patrols.get(id);
    // a patrol keeps its index for life: binary position frames name patrols by it
    const nextStatus = status ?? held?.status ?? 'off_duty';
    const patrol: Patrol = {
      id,
      idx: held?.idx ?? nextIdx++,
      name,
      kind,
      role,
      gridCode,
      status: nextStatus,
      statusSince: held && held.status === nextStatus ? held.statusSince : now,
      lng: held?.lng ?? null,
      lat: held?.lat ?? null,
      fixAt: held?.fixAt ?? null,
    };
    if (held && same(held, patrol)) unchanged++;
    else changed.push(patrol);
  }
  if (rows === 0) problems.add(1, undefined, 'the file has no rows');
  if (!problems.empty) throw problems.refusal('patrol roster');
  await write(changed, (chunk) => hub.loadRoster([], chunk), opts.onProgress);
  return result('patrols', rows, changed.length, unchanged, started, 'patrols');
}

async function write<T>(items: readonly T[], load: (chunk: readonly T[]) => Promise<void>, onProgress: (p: ImportProgress) => void): Promise<void> {
  for (let i = 0; i < items.length; i += PER_WRITE) {
    await load(items.slice(i, i + PER_WRITE));
    onProgress({ phase: 'write', done: Math.min(items.length, i + PER_WRITE), total: items.length });
    await yieldNow();
  }
}

function result(kind: 'cameras' | 'patrols', rows: number, changed: number, unchanged: number, started: number, noun: string): ImportResult {
  return {
    kind,
    rows,
    changed,
    unchanged,
    ms: Math.round(performance.now() - started),
    appliesFrom: 'now',
    message: changed === 0 ? `Nothing to change: the hub holds all ${unchanged.toLocaleString('en')} ${noun} as the file has them.` : `Added or updated ${changed.toLocaleString('en')} ${noun}${unchanged ? `; ${unchanged.toLocaleString('en')} were already as the file has them` : ''}.`,
  };
}

function same(a: object, b: object): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) {
    const x = (a as Record<string, unknown>)[k] ?? null;
    const y = (b as Record<string, unknown>)[k] ?? null;
    if (JSON.stringify(x) !== JSON.stringify(y)) return false;
  }
  return true;
}

function round7(v: number): number {
  return Math.round(v * 1e7) / 1e7;
}
