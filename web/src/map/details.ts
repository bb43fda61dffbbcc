/** Words of the tooltips and detail cards: what an operator reads when pointing at a marker. */
import type { Incident, Stage } from '@shared/schemas/incident';
import type { Patrol, PatrolRole, PatrolStatus } from '@shared/schemas/patrol';
import type { Camera, CameraAlarmType, CameraStatus } from '@shared/schemas/camera';
import { fmtAgo, type Lang } from '../format';
import { ALARM_TYPE_WORDS } from '../i18n';
import { CAMERA_STYLES, PATROL_STYLES, severityStyle } from './palette';
import { CENTRE_TZ_OFFSET_MINUTES } from './heatLayer';

type Words<K extends string> = Readonly<Record<K, readonly [zh: string, en: string]>>;
const pick = (w: readonly [string, string], lang: Lang) => (lang === 'en' ? w[1] : w[0]);

export const STAGE_WORDS: Words<Stage> = {
  reported: ['已上报', 'Reported'],
  registered: ['已立案', 'Registered'],
  dispatched: ['已派遣', 'Dispatched'],
  handling: ['处置中', 'Handling'],
  handled: ['待核查', 'Awaiting check'],
  verified: ['已核查', 'Verified'],
  closed: ['已结案', 'Closed'],
  rejected: ['已作废', 'Rejected'],
};

export const SEVERITY_WORDS: readonly (readonly [string, string])[] = [
  ['一般', 'General'],
  ['较大', 'Major'],
  ['重大', 'Serious'],
  ['特别重大', 'Especially serious'],
];

export const ROLE_WORDS: Words<PatrolRole> = {
  grid_manager: ['网格员', 'Grid worker'],
  assistant: ['网格协管员', 'Assistant'],
  police: ['社区民警', 'Police officer'],
  supervisor: ['督导员', 'Supervisor'],
  party_secretary: ['党支部书记', 'Party secretary'],
  legal: ['法律顾问', 'Legal adviser'],
  firefighter: ['消防员', 'Firefighter'],
};

export const PATROL_STATUS_WORDS: Words<PatrolStatus> = {
  on_duty: [PATROL_STYLES.on_duty.label, 'On duty'],
  responding: [PATROL_STYLES.responding.label, 'Responding'],
  offline: [PATROL_STYLES.offline.label, 'Offline'],
  off_duty: [PATROL_STYLES.off_duty.label, 'Off duty'],
};

export const CAMERA_STATUS_WORDS: Words<CameraStatus | 'alarm'> = {
  online: [CAMERA_STYLES.online.label, 'Online'],
  offline: [CAMERA_STYLES.offline.label, 'Offline'],
  video_lost: [CAMERA_STYLES.video_lost.label, 'Video lost'],
  fault: [CAMERA_STYLES.fault.label, 'Fault'],
  alarm: [CAMERA_STYLES.alarm.label, 'Alarm'],
};

/**
 * The alarm types' words are the wall's and the console's (ALARM_TYPE_WORDS); a tooltip has room
 * for the two English words that the wall's narrow panel shortens.
 */
export const ALARM_WORDS: Words<CameraAlarmType> = {
  ...ALARM_TYPE_WORDS,
  illegal_parking: [ALARM_TYPE_WORDS.illegal_parking[0], 'Illegal parking'],
  street_vending: [ALARM_TYPE_WORDS.street_vending[0], 'Street vending'],
};

const LABELS = {
  id: ['编号', 'ID'],
  severity: ['等级', 'Severity'],
  stage: ['阶段', 'Stage'],
  reported: ['上报', 'Reported'],
  assignee: ['处置人', 'Assignee'],
  unassigned: ['未派遣', 'Not dispatched'],
  deadline: ['时限', 'Deadline'],
  address: ['地址', 'Address'],
  supervised: ['督办', 'Supervision'],
  supervisedYes: ['已督办', 'Under supervision'],
  role: ['角色', 'Role'],
  status: ['状态', 'Status'],
  grid: ['网格', 'Grid'],
  unit: ['（队伍/车辆）', ' (unit)'],
  alarm: ['告警', 'Alarm'],
  none: ['无', 'None'],
  owner: ['权属', 'Owner'],
  gbId: ['国标编码', 'GB/T 28181 ID'],
  fix: ['定位', 'Last fix'],
} as const satisfies Record<string, readonly [string, string]>;

const pad = (n: number) => String(n).padStart(2, '0');

/** Wall-clock time at the centre (UTC+8 by default), "MM-DD HH:mm". */
export function formatTime(ms: number | null | undefined, tzOffsetMinutes = CENTRE_TZ_OFFSET_MINUTES): string {
  if (ms == null || !Number.isFinite(ms)) return '—';
  const d = new Date(ms + tzOffsetMinutes * 60_000);
  return `${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

/** A span as "12分钟" / "3小时5分" / "2天" (or "12 min", "3 h 5 min", "2 d"). */
export function formatSpan(ms: number, lang: Lang = 'zh'): string {
  const m = Math.max(0, Math.round(Math.abs(ms) / 60_000));
  const en = lang === 'en';
  if (m < 60) return en ? `${m} min` : `${m}分钟`;
  const h = Math.floor(m / 60);
  const rest = m % 60;
  if (h < 48) return en ? `${h} h${rest ? ` ${rest} min` : ''}` : `${h}小时${rest ? `${rest}分` : ''}`;
  return en ? `${Math.floor(h / 24)} d` : `${Math.floor(h / 24)}天`;
}

export interface DetailRow {
  label: string;
  value: string;
  /** emphasis for what needs attention (overdue, alarm) */
  alert?: boolean;
}

export interface Details {
  kind: 'incident' | 'patrol' | 'camera';
  id: string;
  title: string;
  /** short status shown in the tooltip */
  badge: string;
  /** severity colour, status colour… */
  accent: string;
  rows: DetailRow[];
}

export interface DetailContext {
  now: number;
  lang: Lang;
  tzOffsetMinutes?: number;
}

export function incidentDetails(inc: Incident, ctx: DetailContext): Details {
  const { now, lang } = ctx;
  const L = (k: keyof typeof LABELS) => pick(LABELS[k], lang);
  const time = (ms: number) => formatTime(ms, ctx.tzOffsetMinutes);
  const sev = severityStyle(inc.severity);
  const sevWord = pick(SEVERITY_WORDS[sev.severity - 1]!, lang);
  const ago = lang === 'en' ? `${formatSpan(now - inc.reportedAt, lang)} ago` : `${formatSpan(now - inc.reportedAt)}前`;
  const rows: DetailRow[] = [
    { label: L('id'), value: inc.id },
    { label: L('severity'), value: sevWord, alert: inc.severity >= 3 },
    { label: L('stage'), value: pick(STAGE_WORDS[inc.stage], lang) },
    { label: L('reported'), value: `${time(inc.reportedAt)} (${ago})` },
    { label: L('assignee'), value: inc.assignee?.name ?? L('unassigned') },
  ];
  if (inc.deadline) {
    const left = inc.deadline.dueAt - now;
    const span = formatSpan(left, lang);
    const note = left >= 0 ? (lang === 'en' ? `${span} left` : `剩余${span}`) : lang === 'en' ? `${span} overdue` : `超期${span}`;
    rows.push({ label: L('deadline'), value: `${time(inc.deadline.dueAt)} (${note})`, alert: left < 0 || inc.overdue });
  }
  if (inc.location.address) rows.push({ label: L('address'), value: inc.location.address });
  if (inc.supervised) rows.push({ label: L('supervised'), value: L('supervisedYes'), alert: true });
  return { kind: 'incident', id: inc.id, title: inc.title, badge: sevWord, accent: sev.color, rows };
}

/** `fixAt`: the latest fix (ms, from the frames); with `ctx.now`, its age is shown */
export function patrolDetails(p: Patrol, ctx: Pick<DetailContext, 'lang'> & { now?: number }, status: PatrolStatus = p.status, fixAt: number | null = p.fixAt): Details {
  const { lang } = ctx;
  const L = (k: keyof typeof LABELS) => pick(LABELS[k], lang);
  const statusWord = pick(PATROL_STATUS_WORDS[status], lang);
  return {
    kind: 'patrol',
    id: p.id,
    title: p.name,
    badge: statusWord,
    accent: PATROL_STYLES[status].color,
    rows: [
      { label: L('role'), value: `${pick(ROLE_WORDS[p.role], lang)}${p.kind === 'unit' ? L('unit') : ''}` },
      { label: L('status'), value: statusWord, alert: status === 'offline' },
      { label: L('grid'), value: p.gridCode },
      ...(fixAt != null && Number.isFinite(fixAt) && ctx.now !== undefined ? [{ label: L('fix'), value: fmtAgo(ctx.now, Math.min(fixAt, ctx.now), lang), alert: ctx.now - fixAt > FIX_STALE_MS }] : []),
    ],
  };
}

/** a fix older than this is shown as a warning (a terminal that stopped reporting) */
export const FIX_STALE_MS = 5 * 60_000;

export function cameraDetails(c: Camera, ctx: Pick<DetailContext, 'lang' | 'tzOffsetMinutes'>): Details {
  const { lang } = ctx;
  const L = (k: keyof typeof LABELS) => pick(LABELS[k], lang);
  const statusWord = pick(CAMERA_STATUS_WORDS[c.status], lang);
  const alarm = c.alarm ? `${pick(ALARM_WORDS[c.alarm.type], lang)} · ${formatTime(c.alarm.at, ctx.tzOffsetMinutes)}` : L('none');
  const rows: DetailRow[] = [
    { label: L('status'), value: statusWord, alert: c.status !== 'online' },
    { label: L('alarm'), value: alarm, alert: !!c.alarm },
    { label: L('owner'), value: c.owner || '—' },
  ];
  if (c.gbId) rows.push({ label: L('gbId'), value: c.gbId });
  return {
    kind: 'camera',
    id: c.id,
    title: c.name,
    badge: c.alarm ? pick(CAMERA_STATUS_WORDS.alarm, lang) : statusWord,
    accent: (c.alarm ? CAMERA_STYLES.alarm : CAMERA_STYLES[c.status]).color,
    rows,
  };
}
