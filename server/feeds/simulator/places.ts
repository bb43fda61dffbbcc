/**
 * Place names inside a street: its roads, housing estates and landmarks, drawn once per street
 * from the street's own seed, so that a camera, an incident address and a patrol report in the
 * same street name the same roads (中山西路, 解放南路, 锦绣家园…). Names are generated: they read
 * like a Chinese city, but only the districts and streets come from real data.
 */
import { createRng, type Rng } from '../../lib/rng';

const ROAD_STEMS = [
  '中山', '解放', '人民', '建设', '新华', '和平', '胜利', '文化', '学府', '长春', '环城', '药行',
  '开明', '镇明', '柳汀', '兴宁', '天童', '宁穿', '世纪', '钱湖', '四明', '福明', '百丈', '江南',
  '县前', '鼓楼', '北斗', '丽园', '聚贤', '院士', '泰康', '桑田', '嵩江', '东升', '光明', '青年',
  '民安', '朝晖', '望春', '翠柏', '孝闻', '永丰', '广安', '甬江', '大庆', '通途', '春晓',
];
const ROAD_SUFFIXES = ['路', '路', '路', '街', '大道', '巷'];
const DIRECTIONS = ['', '', '', '东', '西', '南', '北', '中'];

const ESTATE_STEMS = [
  '阳光', '锦绣', '金色', '华城', '翠苑', '东湖', '书香', '和美', '康乐', '景秀', '明珠', '银亿',
  '万科', '绿城', '怡江', '新城', '丽晶', '凤凰', '天一', '海晏', '紫金', '春江', '桂花', '都市',
];
const ESTATE_SUFFIXES = ['花园', '家园', '小区', '新村', '公寓', '苑', '雅苑', '名都', '水岸'];

const LANDMARKS = [
  '农贸市场', '菜市场', '公交站', '小学', '中学', '幼儿园', '社区卫生服务站', '街心公园', '商业广场',
  '文化礼堂', '停车场', '地铁站', '医院', '便民服务中心', '超市', '加油站', '老年活动中心',
];

export interface StreetPlaces {
  streetName: string;
  roads: readonly string[];
  estates: readonly string[];
}

const cache = new Map<string, StreetPlaces>();

/** the roads and estates of one street, the same for every caller with the same seed */
export function streetPlaces(seed: string, streetCode: string, streetName: string): StreetPlaces {
  const key = `${seed}/${streetCode}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const rng = createRng(`${seed}/places/${streetCode}`);
  const roads = new Set<string>();
  const roadCount = rng.int(6, 11);
  for (let tries = 0; roads.size < roadCount && tries < 100; tries++) {
    const suffix = rng.pick(ROAD_SUFFIXES);
    const direction = suffix === '巷' ? '' : rng.pick(DIRECTIONS);
    roads.add(rng.pick(ROAD_STEMS) + direction + suffix);
  }
  const estates = new Set<string>();
  const estateCount = rng.int(4, 8);
  for (let tries = 0; estates.size < estateCount && tries < 100; tries++) {
    estates.add(rng.pick(ESTATE_STEMS) + rng.pick(ESTATE_SUFFIXES));
  }
  const places = { streetName, roads: [...roads], estates: [...estates] };
  if (cache.size > 20_000) cache.clear();
  cache.set(key, places);
  return places;
}

/** a place for a report: a short label for its title and the address for its description */
export interface Site {
  /** 中山西路, 锦绣家园, 解放南路农贸市场 */
  label: string;
  /** 中山西路128号, 锦绣家园12幢, 解放南路农贸市场 */
  address: string;
}

export function siteIn(places: StreetPlaces, rng: Rng): Site {
  const r = rng.next();
  if (r < 0.55) {
    const road = rng.pick(places.roads);
    return { label: road, address: `${road}${rng.int(1, 399)}号` };
  }
  if (r < 0.85) {
    const estate = rng.pick(places.estates);
    return { label: estate, address: `${estate}${rng.int(1, 36)}幢` };
  }
  const spot = rng.pick(places.roads) + rng.pick(LANDMARKS);
  return { label: spot, address: spot };
}

/** a video point's name as platforms list it: 鼓楼街道·中山西路与解放路口 */
export function cameraName(places: StreetPlaces, rng: Rng): string {
  const r = rng.next();
  let spot: string;
  if (r < 0.45 && places.roads.length > 1) {
    const a = rng.pick(places.roads);
    let b = rng.pick(places.roads);
    for (let i = 0; b === a && i < 5; i++) b = rng.pick(places.roads);
    spot = a === b ? `${a}${rng.int(1, 300)}号` : `${a}与${b.replace(/(路|街|大道|巷)$/, '')}路口`;
  } else if (r < 0.65) {
    spot = `${rng.pick(places.roads)}${rng.int(1, 399)}号`;
  } else if (r < 0.85) {
    spot = `${rng.pick(places.estates)}${rng.pick(['东门', '西门', '南门', '北门', '主入口', '地下车库入口'])}`;
  } else {
    spot = `${rng.pick(places.roads)}${rng.pick(LANDMARKS)}`;
  }
  if (rng.chance(0.15)) spot += rng.pick(['(高点)', '(球机)', '(人脸)', '(全景)']);
  return `${places.streetName}·${spot}`.slice(0, 80);
}
