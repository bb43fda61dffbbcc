/** zh/en labels the hub sends so every wall and console names things the same way. */
import { INCIDENT_SOURCES, STAGES, type IncidentSource, type Stage } from '@shared/schemas/incident';
import type { CatalogEntry } from '@shared/schemas/catalog';

const SOURCE_NAMES: Record<IncidentSource, [zh: string, en: string]> = {
  patrol: ['网格员上报', 'Patrol report'],
  hotline: ['12345热线', '12345 hotline'],
  video_ai: ['视频智能告警', 'Video AI alarm'],
  sensor: ['物联感知', 'IoT sensor'],
  open311: ['市民上报', 'Citizen report (Open311)'],
  department: ['部门移交', 'Department referral'],
};

const STAGE_NAMES: Record<Stage, [zh: string, en: string]> = {
  reported: ['上报', 'Reported'],
  registered: ['立案', 'Registered'],
  dispatched: ['派遣', 'Dispatched'],
  handling: ['处置中', 'Handling'],
  handled: ['已处置', 'Handled'],
  verified: ['已核查', 'Verified'],
  closed: ['结案', 'Closed'],
  rejected: ['不予立案', 'Rejected'],
};

/** The four emergency grades, keyed by their number as a string. */
const SEVERITY_NAMES: [zh: string, en: string][] = [
  ['一般', 'General'],
  ['较大', 'Major'],
  ['重大', 'Serious'],
  ['特别重大', 'Especially serious'],
];

export const SOURCE_LABELS: CatalogEntry[] = INCIDENT_SOURCES.map((code) => entry(code, SOURCE_NAMES[code]));
export const STAGE_LABELS: CatalogEntry[] = STAGES.map((code) => entry(code, STAGE_NAMES[code]));
export const SEVERITY_LABELS: CatalogEntry[] = SEVERITY_NAMES.map((names, i) => entry(String(i + 1), names));

function entry(code: string, [zh, en]: [string, string]): CatalogEntry {
  return { code, zh, en };
}
