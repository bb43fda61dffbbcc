/**
 * What people report: the source mix, the category mix of each source, the severity mix and the
 * words (titles and descriptions) of each kind of case, in the register real case files use.
 * Categories are the codes of the shipped category table; subcategories its `MM-SS` codes, so the
 * time limits that apply are the table's own.
 */
import type { CameraAlarmType } from '@shared/schemas/camera';
import type { IncidentSource, Severity } from '@shared/schemas/incident';
import type { Rng } from '../../lib/rng';

export const SOURCE_MIX: readonly (readonly [IncidentSource, number])[] = [
  ['patrol', 0.45],
  ['hotline', 0.3],
  ['video_ai', 0.12],
  ['sensor', 0.05],
  ['open311', 0.05],
  ['department', 0.03],
];

/** the overall severity mix (一般 / 较大 / 重大 / 特别重大) that the per-category mixes below add up to */
export const SEVERITY_MIX: readonly (readonly [Severity, number])[] = [
  [1, 0.8],
  [2, 0.15],
  [3, 0.04],
  [4, 0.01],
];

/**
 * Severity by how dangerous a class is: fights, fires and hazards carry the serious grades, a
 * pile of rubbish or a rental registration almost never does. Weighted by the category mix,
 * these give SEVERITY_MIX within a point.
 */
const SEVERITY_BY_RISK = {
  high: [0.62, 0.22, 0.12, 0.04],
  medium: [0.8, 0.16, 0.035, 0.005],
  low: [0.9, 0.095, 0.005, 0],
} as const;
const RISK_OF: Readonly<Record<string, keyof typeof SEVERITY_BY_RISK>> = {
  public_order: 'high',
  fire_safety: 'high',
  safety_hazard: 'high',
  municipal_facility: 'medium',
  traffic: 'medium',
  dispute: 'medium',
  sanitation: 'low',
  livelihood: 'low',
  rental_population: 'low',
};
const GRADES: readonly Severity[] = [1, 2, 3, 4];

export function severityFor(category: string, rng: Rng): Severity {
  return rng.weighted(GRADES, SEVERITY_BY_RISK[RISK_OF[category] ?? 'medium']);
}

/** category weights per source (each row sums to 1) */
export const CATEGORY_MIX: Readonly<Record<IncidentSource, readonly (readonly [string, number])[]>> = {
  patrol: [
    ['sanitation', 0.22], ['safety_hazard', 0.14], ['municipal_facility', 0.12], ['dispute', 0.11], ['rental_population', 0.12],
    ['fire_safety', 0.08], ['traffic', 0.08], ['public_order', 0.05], ['livelihood', 0.08],
  ],
  hotline: [
    ['dispute', 0.18], ['livelihood', 0.22], ['sanitation', 0.16], ['municipal_facility', 0.12], ['traffic', 0.1],
    ['public_order', 0.08], ['safety_hazard', 0.07], ['fire_safety', 0.04], ['rental_population', 0.03],
  ],
  video_ai: [
    ['sanitation', 0.45], ['traffic', 0.3], ['public_order', 0.12], ['fire_safety', 0.06], ['safety_hazard', 0.04], ['municipal_facility', 0.03],
  ],
  sensor: [['municipal_facility', 0.55], ['fire_safety', 0.3], ['safety_hazard', 0.15]],
  open311: [['sanitation', 0.35], ['municipal_facility', 0.3], ['traffic', 0.2], ['livelihood', 0.15]],
  department: [['safety_hazard', 0.3], ['rental_population', 0.25], ['fire_safety', 0.2], ['livelihood', 0.15], ['dispute', 0.1]],
};

export interface CaseTemplate {
  category: string;
  subcategory?: string;
  /** {place} is replaced by a road, estate or landmark of the street */
  title: string;
  /** {addr} is the full address, {place} as above */
  description: string;
  /** sources that use this template; all but video_ai and sensor when absent */
  sources?: readonly IncidentSource[];
  /** the AI detection that raises it (video_ai templates) */
  alarm?: CameraAlarmType;
  /** what a sensor template's device is called */
  device?: string;
}

const V: readonly IncidentSource[] = ['video_ai'];
const S: readonly IncidentSource[] = ['sensor'];

export const TEMPLATES: readonly CaseTemplate[] = [
  // 环境卫生
  { category: 'sanitation', subcategory: '01-02', title: '{place}暴露垃圾未及时清运', description: '{addr}路边堆放生活垃圾，已有异味，影响市容环境，请尽快清运。' },
  { category: 'sanitation', subcategory: '01-04', title: '{place}路面污渍、道路不洁', description: '{addr}路段地面油污、泥浆较多，行人反映出行不便。' },
  { category: 'sanitation', subcategory: '01-01', title: '{place}疑似私搭乱建', description: '{addr}有住户在公共区域搭建彩钢板棚，占用公共空间，请核实处理。', sources: ['patrol', 'hotline', 'department'] },
  { category: 'sanitation', title: '{place}占道经营', description: '{addr}有流动摊贩占用人行道经营，影响通行。' },
  { category: 'sanitation', subcategory: '01-02', title: '视频识别：{place}暴露垃圾', description: '智能分析识别到{addr}有垃圾堆放，已截图留证，请核实。', sources: V, alarm: 'garbage' },
  { category: 'sanitation', title: '视频识别：{place}占道经营', description: '智能分析识别到{addr}有摊贩占道经营，请核实。', sources: V, alarm: 'street_vending' },
  // 交通
  { category: 'traffic', subcategory: '03-05', title: '{place}机动车乱停放', description: '{addr}多辆机动车停放在人行道和消防通道上，影响通行。' },
  { category: 'traffic', title: '{place}交通信号灯故障', description: '{addr}路口信号灯不亮，高峰时段车辆通行混乱。', sources: ['patrol', 'hotline', 'open311'] },
  { category: 'traffic', title: '{place}道路标线模糊', description: '{addr}路段斑马线磨损严重，存在安全隐患。', sources: ['patrol', 'open311', 'hotline'] },
  { category: 'traffic', subcategory: '03-05', title: '视频识别：{place}违停', description: '智能分析识别到{addr}机动车违法停放超过10分钟。', sources: V, alarm: 'illegal_parking' },
  // 市政设施
  { category: 'municipal_facility', subcategory: '01-02', title: '{place}污水井盖破损', description: '{addr}人行道上污水井盖破损下陷，夜间存在行人跌落风险。' },
  { category: 'municipal_facility', subcategory: '01-01', title: '{place}上水井盖缺失', description: '{addr}上水井盖缺失，已临时放置警示锥。', sources: ['patrol', 'hotline', 'open311'] },
  { category: 'municipal_facility', title: '{place}路灯不亮', description: '{addr}连续多盏路灯夜间不亮，居民反映出行不安全。' },
  { category: 'municipal_facility', title: '{place}人行道板松动', description: '{addr}人行道板松动翘起，雨天踩踏溅水。' },
  { category: 'municipal_facility', subcategory: '01-02', title: '井盖位移告警：{place}', description: '智能井盖监测终端报告{addr}井盖倾斜超过阈值。', sources: S, device: '智能井盖监测终端' },
  { category: 'municipal_facility', title: '积水监测告警：{place}', description: '积水监测点报告{addr}路面积水深度超过15厘米。', sources: S, device: '道路积水监测仪' },
  { category: 'municipal_facility', title: '视频识别：{place}路面积水', description: '智能分析识别到{addr}路面大面积积水。', sources: V, alarm: 'flooding' },
  // 安全隐患
  { category: 'safety_hazard', subcategory: '92-01', title: '{place}餐饮店燃气使用不规范', description: '{addr}餐饮店液化气瓶与灶具距离过近，未安装报警装置。' },
  { category: 'safety_hazard', subcategory: '92-02', title: '{place}房屋外墙脱落', description: '{addr}老旧住宅外墙瓷砖脱落，下方为人行通道。' },
  { category: 'safety_hazard', title: '{place}广告牌松动', description: '{addr}沿街店招广告牌固定件锈蚀松动，大风天气有坠落风险。' },
  { category: 'safety_hazard', subcategory: '92-01', title: '燃气泄漏告警：{place}', description: '可燃气体探测器报告{addr}浓度超标，请立即核查。', sources: S, device: '可燃气体探测器' },
  { category: 'safety_hazard', title: '视频识别：{place}区域入侵', description: '智能分析识别到有人进入{addr}施工围挡警戒区域。', sources: V, alarm: 'intrusion' },
  // 消防安全
  { category: 'fire_safety', subcategory: '94-01', title: '{place}消防通道堵塞', description: '{addr}消防通道被杂物和车辆占用，消防车无法通行。' },
  { category: 'fire_safety', subcategory: '94-02', title: '{place}电动车楼道违规充电', description: '{addr}楼道内有电动自行车飞线充电，存在火灾隐患。' },
  { category: 'fire_safety', title: '{place}消防设施损坏', description: '{addr}消火栓箱内水带缺失，灭火器过期。', sources: ['patrol', 'department', 'hotline'] },
  { category: 'fire_safety', title: '烟感告警：{place}', description: '独立式烟感报警器报告{addr}烟雾浓度异常。', sources: S, device: '独立式烟感报警器' },
  { category: 'fire_safety', subcategory: '94-02', title: '电动车充电柜温度告警：{place}', description: '智能充电柜报告{addr}充电口温度过高。', sources: S, device: '智能充电柜' },
  { category: 'fire_safety', title: '视频识别：{place}疑似烟火', description: '智能分析识别到{addr}有烟雾和明火迹象，请立即核实。', sources: V, alarm: 'fire_smoke' },
  // 矛盾纠纷
  { category: 'dispute', subcategory: '91-01', title: '{place}邻里噪音纠纷', description: '{addr}楼上住户夜间噪音扰民，双方多次发生争执。' },
  { category: 'dispute', subcategory: '91-02', title: '{place}工地欠薪纠纷', description: '{addr}工地务工人员反映被拖欠工资，情绪较为激动。' },
  { category: 'dispute', subcategory: '91-01', title: '{place}漏水引发邻里纠纷', description: '{addr}楼上卫生间漏水至楼下，双方协商未果。' },
  { category: 'dispute', title: '{place}物业服务纠纷', description: '{addr}居民对物业收费和服务质量不满，要求调解。' },
  // 社会治安
  { category: 'public_order', subcategory: '93-01', title: '{place}人员聚集', description: '{addr}有二十余人聚集，情绪激动，请派员到场。' },
  { category: 'public_order', title: '{place}酒后滋事', description: '{addr}有人员酒后在店内滋事。', sources: ['patrol', 'hotline'] },
  { category: 'public_order', subcategory: '93-01', title: '视频识别：{place}人员异常聚集', description: '智能分析识别到{addr}人员密度异常升高。', sources: V, alarm: 'crowd' },
  { category: 'public_order', title: '视频识别：{place}疑似打架斗殴', description: '智能分析识别到{addr}有肢体冲突行为。', sources: V, alarm: 'fight' },
  // 民生服务
  { category: 'livelihood', subcategory: '95-01', title: '{place}独居老人需要帮扶', description: '{addr}独居老人行动不便，家中无人照料，申请上门帮扶。' },
  { category: 'livelihood', title: '{place}小区停水咨询', description: '{addr}居民反映小区无预告停水，询问恢复时间。', sources: ['hotline', 'open311'] },
  { category: 'livelihood', title: '{place}加装电梯诉求', description: '{addr}多层住宅居民申请加装电梯，希望街道协调。', sources: ['hotline', 'patrol', 'open311'] },
  { category: 'livelihood', title: '{place}菜市场价格投诉', description: '{addr}农贸市场商户缺斤短两，消费者投诉。', sources: ['hotline', 'department'] },
  // 出租房屋/流动人口
  { category: 'rental_population', subcategory: '96-01', title: '{place}出租房屋未登记', description: '{addr}群租房未按规定登记，租住人员较多。' },
  { category: 'rental_population', subcategory: '96-02', title: '{place}流动人口未申报居住登记', description: '{addr}新入住人员未申报居住登记，需上门采集信息。' },
  { category: 'rental_population', subcategory: '96-01', title: '{place}群租房消防隐患', description: '{addr}出租房屋隔断过多，疏散通道不畅。', sources: ['department', 'patrol'] },
];

/** templates a source can use for a category (never empty for the mixes above) */
export function templatesFor(source: IncidentSource, category: string): CaseTemplate[] {
  const own = TEMPLATES.filter((t) => t.category === category && t.sources?.includes(source));
  if (own.length > 0 && (source === 'video_ai' || source === 'sensor')) return own;
  const general = TEMPLATES.filter((t) => t.category === category && !t.sources);
  return [...own, ...general];
}

/** an AI detection that raises no case: a false alarm or one nobody confirms */
export const FALSE_ALARM_TYPES: readonly CameraAlarmType[] = ['garbage', 'illegal_parking', 'street_vending', 'crowd', 'intrusion', 'other'];
