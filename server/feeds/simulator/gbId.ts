/**
 * 20-digit device ids after GB/T 28181-2016 annex D (编码规则 A), the ids video platforms use:
 *
 *   digits  1–8   centre code: province (2) + city (2) + district (2) + grass-roots unit (2)
 *   digits  9–10  industry code (行业编码): 00 road-side public security, 01 community, 04 traffic
 *                 road-side, 05 traffic checkpoint, 08 city management, 09 health/environment …
 *   digits 11–13  type code (类型编码): 131 camera, 132 network camera (IPC)
 *   digit  14     network (网络标识): 0–4 video/alarm private network, 5 public-security network,
 *                 6 e-government network, 7 internet, 8 social-resource network
 *   digits 15–20  serial number
 *
 * The simulator draws owners first and derives industry and network from them, so a city
 * management camera reads as one to anybody who knows the scheme.
 */

export interface CameraOwner {
  /** department name as the platform lists it */
  name: string;
  industry: string;
  networks: readonly string[];
  /** share of the city's video points this owner has */
  weight: number;
  /** share of its points with AI analysis (garbage, parking, crowd, smoke …) */
  aiShare: number;
}

export const CAMERA_OWNERS: readonly CameraOwner[] = [
  { name: '公安局', industry: '00', networks: ['0', '1', '5'], weight: 38, aiShare: 0.35 },
  { name: '公安局(社区)', industry: '01', networks: ['0', '8'], weight: 14, aiShare: 0.15 },
  { name: '交警大队', industry: '04', networks: ['0', '5'], weight: 14, aiShare: 0.55 },
  { name: '交警大队(卡口)', industry: '05', networks: ['0'], weight: 5, aiShare: 0.6 },
  { name: '城管执法局', industry: '08', networks: ['6'], weight: 12, aiShare: 0.7 },
  { name: '街道综治中心', industry: '01', networks: ['6', '8'], weight: 8, aiShare: 0.3 },
  { name: '生态环境局', industry: '09', networks: ['6'], weight: 3, aiShare: 0.5 },
  { name: '住建局', industry: '08', networks: ['6'], weight: 3, aiShare: 0.2 },
  { name: '教育局', industry: '11', networks: ['6', '8'], weight: 3, aiShare: 0.1 },
];

export const CAMERA_TYPE_CODES = ['131', '132'] as const;

export interface GbIdParts {
  /** 6-digit administrative division code (GB/T 2260) of the district */
  areaCode: string;
  /** 2-digit grass-roots unit, e.g. the street's number in its district */
  unit: number;
  industry: string;
  type: (typeof CAMERA_TYPE_CODES)[number];
  network: string;
  serial: number;
}

export function gbDeviceId(p: GbIdParts): string {
  if (!/^\d{6}$/.test(p.areaCode)) throw new RangeError(`area code must have 6 digits: ${p.areaCode}`);
  if (!/^\d{2}$/.test(p.industry) || !/^\d$/.test(p.network)) throw new RangeError('industry must have 2 digits and network 1');
  const unit = String(Math.max(0, Math.min(99, p.unit))).padStart(2, '0');
  const serial = String(p.serial % 1_000_000).padStart(6, '0');
  return `${p.areaCode}${unit}${p.industry}${p.type}${p.network}${serial}`;
}

/** splits an id into its fields, or null when it is not a well-formed camera id */
export function parseGbDeviceId(id: string): GbIdParts | null {
  const m = /^(\d{6})(\d{2})(\d{2})(13[12])([0-8])(\d{6})$/.exec(id);
  if (!m) return null;
  const province = Number(id.slice(0, 2));
  if (province < 11 || province > 82) return null;
  return {
    areaCode: m[1]!,
    unit: Number(m[2]),
    industry: m[3]!,
    type: m[4] as GbIdParts['type'],
    network: m[5]!,
    serial: Number(m[6]),
  };
}

/** the 6-digit division code of a region code such as 330203 or 330203001001, or a fallback */
export function areaCodeOf(regionCode: string, fallback = '330200'): string {
  const six = regionCode.slice(0, 6);
  return /^\d{6}$/.test(six) && Number(six.slice(0, 2)) >= 11 ? six : fallback;
}
