/**
 * zh/en words of the wall. Chinese first; English for visitors and foreign delegations. Labels of
 * categories, sources, stages and severities come from the hub's catalogue (every client names
 * things the same way); the built-in table below is only a fallback before the first snapshot.
 */
import { englishWithoutKind } from './placeNames';
import { COORDINATION_EN, COORDINATION_ZH } from './coordinationWords';
import { computed } from 'vue';
import type { CameraAlarmType } from '@shared/schemas/camera';
import type { Catalog } from '@shared/schemas/catalog';
import { departmentNameEn } from '@shared/departmentNames';
import type { Lang } from './format';
import { useLiveStore } from './stores/live';
import { useWallStore } from './stores/wall';

const zh = {
  ...COORDINATION_ZH,
  centreName: '宁波市社会治理指挥中心',
  subtitle: '网格化社会治理 · 实时态势',
  live: '实时',
  stale: '数据延迟',
  offline: '连接中断',
  connecting: '连接中',
  dataAge: '数据更新于 {age}',
  tour: '巡览',
  tourPaused: '巡览暂停',
  kpiReported: '今日上报',
  kpiRegistered: '立案',
  kpiDue: '应结案',
  kpiClosureRate: '结案率',
  toneGood: '达标',
  toneWarn: '关注',
  toneBad: '偏低',
  toneOverdue: '待督办',
  toneNone: '无超期',
  kpiOnTimeRate: '按期结案率',
  kpiOverdue: '超期未结',
  kpiOpen: '在办 {n}',
  kpiRejected: '不予立案 {n}',
  kpiClosedFlow: '今日结案 {n}',
  kpiRateCounts: '{a} / {b} 应结案',
  kpiOverdueSub: '今日超期 {a}',
  kpiLegend: '结案率 = 结案 ÷ 应结案 · 按期结案率 = 按期结案 ÷ 应结案 · 应结案：今日到期或今日提前结案的案件 · 不足{n}件为“样本少”',
  hintReported: '今日上报：今日新开的案件（并入已有案件的重复上报不另计）。在办：此刻未结的案件',
  hintRegistered: '立案：今日立案的案件。不予立案：今日判为无效或重复的上报',
  hintDue: '应结案：今日到期的案件，及今日在到期前结案的案件。今日结案：今日的结案步骤（含此前到期的案件）',
  hintClosureRate: '结案率 = 结案 ÷ 应结案（今日到期的案件，及今日提前结案的案件）。应结案不足{n}件时只显示件数（样本少）',
  hintOnTimeRate: '按期结案率 = 在到期前结案 ÷ 应结案（今日到期仍未结的案件计入分母）。应结案不足{n}件时只显示件数（样本少）',
  hintOverdue: '超期未结：此刻在办且已超过时限的案件。今日超期：今日错过时限（环节或案件时限）的案件。督办：此刻在办的督办案件',
  unitCases: '件',
  unitPeople: '人',
  unitCameras: '路',
  IntakeBySource: '事件来源',
  IntakeByCategory: '事件类别',
  HourlyTrend: '近24小时上报',
  last24h: '近24小时',
  prev24h: '前24小时',
  last7d: '近7日',
  StreetRanking: '综合排名',
  rankStreets: '街道排名',
  rankDepartments: '部门排名',
  department: '部门',
  colDue: '应结案',
  colOnTime: '按期率',
  rankRowHint: '综合分 {score} · 结案 {closure} · 按期结案 {onTime} · 超期未结 {overdue}',
  rankLegend: '结案率 = 结案 ÷ 应结案，按期率 = 按期结案 ÷ 应结案（{w}）。应结案不足{n}件为“样本少”。按综合分排名，不排个人',
  hotlineTitle: '12345热线',
  hotlineResponse: '响应率',
  hotlineResolution: '解决率',
  hotlineSatisfaction: '满意率',
  hotlineLegend: '12345热线三率（{w}）：响应率 = 按时签收或退回的派单 ÷ 应响应的派单；解决率 = 回访认为已解决 ÷ 回访联系上的；满意率 = 满意和基本满意 ÷ 回访联系上的',
  closeTimeMean: '平均办结',
  closeTimeClock: '自然时长',
  closeTimeCount: '{w}结案 {n} 件',
  closeTimeHint: '平均办结时长：{w}结案的 {n} 件案件从上报到结案的平均时长。工时按指挥中心工作日历计（与时限同口径）；自然时长按钟点计',
  PatrolDuty: '网格员在岗',
  CameraHealth: '视频点位',
  OverdueList: '超期督办',
  AiPrecision: 'AI告警准确率',
  aiPending: '待确认 {n}',
  aiPendingShort: '待{n}',
  aiPrecisionDefinition: '准确率 = 确认数 ÷ 已处理数（近7天）',
  aiNoneDecided: '暂无已处理告警',
  aiTotal: '合计',
  total: '合计',
  otherItems: '其他',
  today: '今日',
  perHour: '件/时',
  peakHour: '峰值 {h}时 {n}件',
  rank: '排名',
  street: '街道',
  score: '综合分',
  closureRate: '结案率',
  overdue: '超期',
  colOverdue: '超期',
  countOverdue: '超期',
  countSupervised: '督办',
  page: '{p}/{n}',
  onDutyRate: '在岗率',
  onShift: '在班',
  onDuty: '在岗',
  responding: '处置中',
  patrolTotal: '登记',
  onlineRate: '在线率',
  camOnline: '在线',
  camOffline: '离线',
  camVideoLost: '视频丢失',
  camFault: '故障',
  camAlarming: '告警',
  currentFaults: '当前异常',
  noFaults: '全部点位在线',
  overdueBy: '超期 {d}',
  dueIn: '剩余 {d}',
  supervised: '督办',
  slaPaused: '计时暂停',
  noOverdue: '暂无超期或督办事件',
  tickerTitle: '实时动态',
  tickerEmpty: '等待新的事件…',
  alarmTitle: '重大事件告警',
  alarmAck: '确认',
  alarmMore: '另有 {n} 条待确认',
  alarmAutoClose: '{s} 后自动关闭',
  alarmSource: '来源',
  alarmCategory: '类别',
  alarmWhere: '地点',
  alarmWhen: '上报时间',
  bannerInterrupted: '连接中断 · 数据停在{age}前',
  bannerDelayed: '数据延迟 · 已{age}无更新',
  bannerReconnecting: '正在自动重连',
  bannerRecovering: '正在恢复数据',
  bannerConnecting: '正在连接指挥中心…',
  bannerProtocol: '指挥中心已升级，页面即将自动刷新',
  bannerLinkInvalid: '大屏链接已失效',
  bannerLinkAsk: '链接已过期、被撤销或被改动 · 请向指挥中心管理员索取新链接',
  bannerSignIn: '此大屏需要登录或大屏链接',
  bannerSignInHow: '请在本机登录控制台，或打开管理员提供的大屏链接',
  bannerTooMany: '连接数已达上限',
  bannerTooManyHow: '本机地址或本账号打开的大屏过多 · 请关闭不用的页面，或请管理员调整上限 · 稍后自动重试',
  bannerWritesPaused: '写入暂停 · 数据库不可用',
  bannerWritesLive: '画面仍在更新',
  bannerWritesFor: '已{age}',
  bannerRedis: '集群消息通道中断：其他节点的巡逻位置暂不更新',
  bannerRedisLive: '本节点的画面与操作照常',
  attempt: '第 {n} 次',
  controls: '操作',
  layerHeat: '热力',
  heatToday: '今日',
  heatWeek: '近7日',
  heatOff: '关',
  layerIncidents: '事件',
  layerPatrols: '网格员',
  layerCameras: '视频',
  layerRisk: '五色图',
  region: '区域',
  language: 'EN',
  tourStart: '开始巡览',
  tourStop: '结束巡览',
  noData: '暂无数据',
  noDataYet: '暂无数据 · 等待指挥中心',
  rankGap: '⋯ 中间 {n} 名 ⋯',
  rankOf: '共 {n}',
  rankWindow: '近7日',
  severity1: '一般',
  severity2: '较大',
  severity3: '重大',
  severity4: '特别重大',
  act_reported: '上报',
  act_register: '立案',
  act_reject: '不予立案',
  act_dispatch: '派遣',
  act_accept: '受理',
  act_feedback: '处置反馈',
  act_verify_pass: '核查通过',
  act_verify_fail: '核查返工',
  act_close: '结案',
  act_supervise: '督办',
  act_pause_sla: '暂停计时',
  act_resume_sla: '恢复计时',
  act_overdue: '超期',
  act_hand_back: '退单',
  act_redispatch: '改派',
  act_note: '备注',
  act_split: '拆单',
  act_report_joined: '并入上报',
  act_evaluate: '回访',
  readOnly: '只读',
  readOnlyHint: '本屏未登录：只显示，不能操作',
};

export type DictKey = keyof typeof zh;

const en: Record<DictKey, string> = {
  ...COORDINATION_EN,
  centreName: 'Ningbo Social Governance Command Centre',
  subtitle: 'Grid-based governance · live',
  live: 'Live',
  stale: 'Delayed',
  offline: 'Disconnected',
  connecting: 'Connecting',
  dataAge: 'data {age}',
  tour: 'Tour',
  tourPaused: 'Tour paused',
  kpiReported: 'Reported today',
  kpiRegistered: 'Registered',
  kpiDue: 'Due',
  kpiClosureRate: 'Closure rate',
  toneGood: 'good',
  toneWarn: 'watch',
  toneBad: 'low',
  toneOverdue: 'act',
  toneNone: 'none',
  kpiOnTimeRate: 'On-time rate',
  kpiOverdue: 'Overdue open',
  kpiOpen: 'open {n}',
  kpiRejected: 'rejected {n}',
  kpiClosedFlow: 'closed today {n}',
  kpiRateCounts: '{a} / {b} due',
  kpiOverdueSub: '{a} late today',
  kpiLegend: 'Closure = closed ÷ due · On-time = closed in time ÷ due · due: cases due today or closed today ahead of time · under {n}: "few"',
  hintReported: 'Reported today: cases opened today (repeat reports joined to an open case not counted again). Open: cases not closed now',
  hintRegistered: 'Registered: cases registered today. Rejected: reports found invalid or duplicate today',
  hintDue: 'Due: cases whose due time falls today, and cases closed today ahead of it. Closed today: close steps today (cases due earlier included)',
  hintClosureRate: 'Closure rate = closed ÷ due (cases due today, and cases closed today ahead of their due time). Under {n} cases due only the counts are shown ("few")',
  hintOnTimeRate: 'On-time rate = closed by their due time ÷ due (cases due today and still open count against it). Under {n} cases due only the counts are shown ("few")',
  hintOverdue: 'Overdue open: open cases past a time limit now. Late today: cases that missed a limit (a stage\'s or their own) today. Supervised: open supervised cases',
  unitCases: '',
  unitPeople: '',
  unitCameras: '',
  IntakeBySource: 'Intake by source',
  IntakeByCategory: 'Intake by category',
  HourlyTrend: 'By hour',
  last24h: 'last 24 h',
  prev24h: 'day before',
  last7d: 'last 7 days',
  StreetRanking: 'Ranking',
  rankStreets: 'Street ranking',
  rankDepartments: 'Department ranking',
  department: 'Department',
  colDue: 'Due',
  colOnTime: 'On time',
  rankRowHint: 'score {score} · closed {closure} · on time {onTime} · overdue open {overdue}',
  rankLegend: 'Closure = closed ÷ due, on time = closed in time ÷ due ({w}). Under {n} cases due: "few". Ranked by composite score; never individuals',
  hotlineTitle: '12345 hotline',
  hotlineResponse: 'Response',
  hotlineResolution: 'Resolved',
  hotlineSatisfaction: 'Satisfied',
  hotlineLegend: '12345 hotline ({w}): response = orders accepted or handed back in time ÷ orders due a response; resolved = resolved at callback ÷ residents reached; satisfied = satisfied or basically satisfied ÷ residents reached',
  closeTimeMean: 'Time to close',
  closeTimeClock: 'clock',
  closeTimeCount: '{w}: {n} closed',
  closeTimeHint: 'Mean time from report to close of the {n} cases closed ({w}): in working hours of the centre\'s calendar (as time limits count) and on the clock',
  PatrolDuty: 'Grid workers on duty',
  CameraHealth: 'Video points',
  OverdueList: 'Overdue',
  AiPrecision: 'AI precision',
  aiPending: '{n} waiting',
  aiPendingShort: '{n} wait',
  aiPrecisionDefinition: 'Precision = confirmed ÷ decided (last 7 days)',
  aiNoneDecided: 'No alarm decided yet',
  aiTotal: 'All',
  total: 'Total',
  otherItems: 'Other',
  today: 'Today',
  perHour: 'per hour',
  peakHour: 'peak {h}:00 · {n}',
  rank: 'Rank',
  street: 'Street',
  score: 'Score',
  closureRate: 'Closure',
  overdue: 'Overdue',
  colOverdue: 'Late',
  countOverdue: 'late',
  countSupervised: 'supervised',
  page: '{p}/{n}',
  onDutyRate: 'On-duty rate',
  onShift: 'On shift',
  onDuty: 'On duty',
  responding: 'Responding',
  patrolTotal: 'Roster',
  onlineRate: 'Online rate',
  camOnline: 'Online',
  camOffline: 'Offline',
  camVideoLost: 'Video lost',
  camFault: 'Fault',
  camAlarming: 'Alarm',
  currentFaults: 'Not online now',
  noFaults: 'All video points online',
  overdueBy: '{d} overdue',
  dueIn: '{d} left',
  supervised: 'Supervised',
  slaPaused: 'clock paused',
  noOverdue: 'No overdue or supervised cases',
  tickerTitle: 'Live feed',
  tickerEmpty: 'Waiting for events…',
  alarmTitle: 'Serious incident',
  alarmAck: 'Acknowledge',
  alarmMore: '{n} more waiting',
  alarmAutoClose: 'closes in {s}',
  alarmSource: 'Source',
  alarmCategory: 'Category',
  alarmWhere: 'Location',
  alarmWhen: 'Reported',
  bannerInterrupted: 'Connection lost · data from {age} ago',
  bannerDelayed: 'Data delayed · nothing for {age}',
  bannerReconnecting: 'reconnecting automatically',
  bannerRecovering: 'recovering',
  bannerConnecting: 'Connecting to the command centre…',
  bannerProtocol: 'The hub was upgraded; this page reloads shortly',
  bannerLinkInvalid: 'This wall link is no longer valid',
  bannerLinkAsk: 'It expired, was revoked or was altered · ask the centre’s administrator for a new link',
  bannerSignIn: 'This wall needs a sign-in or a wall link',
  bannerSignInHow: 'Sign in to the console on this machine, or open the wall link the administrator gave you',
  bannerTooMany: 'Too many connections',
  bannerTooManyHow: 'This address or account has too many walls open · close unused pages or ask the administrator to raise the limit · retrying by itself',
  bannerWritesPaused: 'Writes paused · database unavailable',
  bannerWritesLive: 'the picture is still live',
  bannerWritesFor: 'for {age}',
  bannerRedis: 'Cluster channel down: patrol positions from other nodes are not updating',
  bannerRedisLive: 'this node’s picture and changes go on',
  attempt: 'attempt {n}',
  controls: 'Controls',
  layerHeat: 'Heat',
  heatToday: 'today',
  heatWeek: '7 days',
  heatOff: 'off',
  layerIncidents: 'Incidents',
  layerPatrols: 'Patrols',
  layerCameras: 'Cameras',
  layerRisk: 'Risk map',
  region: 'Region',
  language: '中文',
  tourStart: 'Start tour',
  tourStop: 'Stop tour',
  noData: 'No data',
  noDataYet: 'No data yet · waiting for the hub',
  rankGap: '⋯ {n} more ⋯',
  rankOf: '{n} in all',
  rankWindow: '7 days',
  severity1: 'General',
  severity2: 'Major',
  severity3: 'Serious',
  severity4: 'Especially serious',
  act_reported: 'Reported',
  act_register: 'Registered',
  act_reject: 'Rejected',
  act_dispatch: 'Dispatched',
  act_accept: 'Accepted',
  act_feedback: 'Handled',
  act_verify_pass: 'Verified',
  act_verify_fail: 'Rework',
  act_close: 'Closed',
  act_supervise: 'Supervised',
  act_pause_sla: 'Clock paused',
  act_resume_sla: 'Clock resumed',
  act_overdue: 'Overdue',
  act_hand_back: 'Handed back',
  act_redispatch: 'Re-dispatched',
  act_note: 'Note',
  act_split: 'Split off',
  act_report_joined: 'Report joined',
  act_evaluate: 'Callback',
  readOnly: 'Read-only',
  readOnlyHint: 'Not signed in: this screen shows, it cannot act',
};

export const DICTIONARY: Record<Lang, Record<DictKey, string>> = { zh, en };

/**
 * What each AI video detection is called (GB/T 28181 platforms send the type as a code). The wall's
 * precision panel and the console's confirm queue both name alarms with these words; short, so
 * that they fit a row of the wall's panel in either language.
 */
export const ALARM_TYPE_WORDS: Readonly<Record<CameraAlarmType, readonly [zh: string, en: string]>> = {
  intrusion: ['区域入侵', 'Intrusion'],
  crowd: ['人员聚集', 'Crowd'],
  fire_smoke: ['烟火', 'Fire / smoke'],
  garbage: ['垃圾堆放', 'Garbage'],
  illegal_parking: ['违章停车', 'Parking'],
  street_vending: ['占道经营', 'Vending'],
  flooding: ['积水', 'Flooding'],
  fight: ['打架斗殴', 'Fight'],
  other: ['其他', 'Other'],
};

/** the label of an alarm type; the code itself for a type this build does not know */
export function alarmTypeLabel(lang: Lang, type: string): string {
  const words = ALARM_TYPE_WORDS[type as CameraAlarmType];
  return words ? (lang === 'en' ? words[1] : words[0]) : type;
}

export type CatalogKind = keyof Catalog;

/**
 * Short names of the shipped sources and categories for the wall's panels, where a row holds a
 * name at 24 design px beside its figure (the catalogue's names, e.g. "Citizen report (Open311)"
 * or "出租房屋/流动人口", do not fit there). A code not listed here keeps the catalogue's name.
 */
export const SHORT_WORDS: Readonly<Record<'sources' | 'categories', Readonly<Record<string, readonly [zh: string, en: string]>>>> = {
  sources: {
    patrol: ['网格员', 'Patrol'],
    hotline: ['12345热线', 'Hotline'],
    video_ai: ['视频AI', 'Video AI'],
    sensor: ['物联感知', 'Sensors'],
    open311: ['市民上报', 'Citizens'],
    department: ['部门移交', 'Agencies'],
  },
  categories: {
    dispute: ['矛盾纠纷', 'Disputes'],
    safety_hazard: ['安全隐患', 'Hazards'],
    public_order: ['社会治安', 'Public order'],
    fire_safety: ['消防安全', 'Fire safety'],
    sanitation: ['环境卫生', 'Sanitation'],
    municipal_facility: ['市政设施', 'Facilities'],
    traffic: ['交通', 'Traffic'],
    livelihood: ['民生服务', 'Services'],
    rental_population: ['出租房屋', 'Rentals'],
  },
};

/** a source's or category's short name on the wall; else what `fallback` (the catalogue) says */
export function shortLabel(lang: Lang, kind: 'sources' | 'categories', code: string, fallback: (kind: CatalogKind, code: string) => string): string {
  const words = SHORT_WORDS[kind][code];
  return words ? (lang === 'en' ? words[1] : words[0]) : fallback(kind, code);
}

/** a region's name in the wall's language: the English name the hub gives (the geography's own or transliterated), else the Chinese */
export function nameIn(region: { name: string; nameEn?: string | undefined }, lang: Lang): string {
  return lang === 'en' && region.nameEn ? region.nameEn : region.name;
}

export function translate(lang: Lang, key: DictKey, params?: Record<string, string | number>): string {
  let text = DICTIONARY[lang][key] ?? DICTIONARY.zh[key];
  if (params) for (const [k, v] of Object.entries(params)) text = text.replaceAll(`{${k}}`, String(v));
  return text;
}

/** a catalogue label in the given language; the code itself when the catalogue does not know it */
export function catalogLabel(catalog: Catalog | null, kind: CatalogKind, code: string, lang: Lang): string {
  const entry = catalog?.[kind].find((e) => e.code === code);
  if (entry) return entry[lang] || entry.zh;
  if (kind === 'severities' && /^[1-4]$/.test(code)) return translate(lang, `severity${code}` as DictKey);
  return code;
}

/** every character the wall may draw on a canvas, so that the font subsets load before charts draw */
export function glyphsToPreload(catalog: Catalog | null, names: Iterable<string>): string {
  const chars = new Set<string>();
  const add = (s: string) => {
    for (const ch of s) chars.add(ch);
  };
  for (const dict of Object.values(DICTIONARY)) for (const v of Object.values(dict)) add(v);
  for (const [zhWord, enWord] of Object.values(ALARM_TYPE_WORDS)) add(zhWord + enWord);
  for (const table of Object.values(SHORT_WORDS)) for (const [zhWord, enWord] of Object.values(table)) add(zhWord + enWord);
  if (catalog) for (const list of Object.values(catalog)) for (const e of list as { zh: string; en: string }[]) add(e.zh + e.en);
  for (const n of names) add(n);
  add('0123456789%·:-—');
  return [...chars].join('');
}

export function useI18n() {
  const wall = useWallStore();
  const live = useLiveStore();
  const lang = computed(() => wall.lang);
  const t = (key: DictKey, params?: Record<string, string | number>) => translate(wall.lang, key, params);
  const label = (kind: CatalogKind, code: string | number) => catalogLabel(live.catalog, kind, String(code), wall.lang);
  /** region names in the wall's language (nameIn) */
  const regionName = (code: string | undefined | null) => {
    void live.regionsVersion; // the Map is not reactive: depend on its version
    // a region out of the subscription (an alert in another district while the tour shows one): its name from an earlier snapshot
    const region = code ? live.regions.get(code) ?? live.regionNames.get(code) : undefined;
    return region ? nameIn(region, wall.lang) : code ?? '';
  };
  /** the street (or the nearest region above `level`) that contains a grid or community */
  const streetName = (code: string | undefined | null) => {
    void live.regionsVersion;
    let r = code ? live.regions.get(code) : undefined;
    while (r && r.level !== 'street' && r.parentCode) {
      const parent = live.regions.get(r.parentCode);
      if (!parent || parent.level === 'district' || parent.level === 'city') break;
      r = parent;
    }
    return r ? nameIn(r, wall.lang) : code ?? '';
  };
  /** a unit's name in the wall's language: in English, the default directory's units by their id (shared/departmentNames.ts) */
  const unitName = (id: string | null | undefined, name: string) => {
    if (wall.lang !== 'en' || !id) return name;
    void live.regionsVersion;
    return departmentNameEn(id, (code) => live.regions.get(code)?.nameEn) ?? name;
  };
  /** a street's name where the line already says it is a place (ticker, overdue list): in English without its kind */
  const placeName = (code: string | undefined | null) => {
    const name = regionName(code);
    return wall.lang === 'en' ? englishWithoutKind(name) : name;
  };
  return { lang, t, label, regionName, streetName, unitName, placeName };
}
