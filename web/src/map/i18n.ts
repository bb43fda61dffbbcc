/** The map's own words in the wall's two languages (region names stay as the data has them). */
import type { Lang } from '../format';

const WORDS = {
  zh: {
    heat: '事件热力',
    heatToday: '今日',
    heatWeek: '近7日',
    heatOff: '关',
    incidents: '在办事件',
    patrols: '巡查力量',
    cameras: '视频点位',
    risk: '风险五色图',
    layers: '图层',
    legend: '图例',
    severity: '事件等级',
    pulseNote: '脉冲：新上报或重大以上',
    overdueNote: '白圈：超期',
    riskLevels: '风险等级',
    patrolStatus: '巡查力量',
    cameraStatus: '视频点位',
    up: '返回上级',
    city: '全市',
    loading: '地图加载中…',
    contextLost: '地图图形上下文丢失，正在恢复…',
    geoFailed: '地理数据加载失败，正在重试',
    close: '关闭',
    clickToOpen: '点击进入',
    notFound: '该对象已不在当前范围',
    few: '少',
    many: '多',
  },
  en: {
    heat: 'Incident heat',
    heatToday: 'Today',
    heatWeek: '7 days',
    heatOff: 'Off',
    incidents: 'Open incidents',
    patrols: 'Patrols',
    cameras: 'Cameras',
    risk: 'Risk map',
    layers: 'Layers',
    legend: 'Legend',
    severity: 'Severity',
    pulseNote: 'Pulse: new, or serious and above',
    overdueNote: 'White ring: overdue',
    riskLevels: 'Risk level',
    patrolStatus: 'Patrols',
    cameraStatus: 'Cameras',
    up: 'Up one level',
    city: 'City',
    loading: 'Loading map…',
    contextLost: 'Map graphics context lost, restoring…',
    geoFailed: 'Could not load the geography, retrying',
    close: 'Close',
    clickToOpen: 'click to open',
    notFound: 'No longer in this region',
    few: 'few',
    many: 'many',
  },
} as const;

export type MapWord = keyof (typeof WORDS)['zh'];

export function word(lang: Lang, key: MapWord): string {
  return WORDS[lang]?.[key] ?? WORDS.zh[key];
}
