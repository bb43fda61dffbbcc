/**
 * The columns that describe a case (both layouts): reference, class, severity, source, place,
 * reporter. Aliases cover the names exports commonly use; docs/import.md lists them.
 */
import { INCIDENT_SOURCES, type IncidentSource } from '@shared/schemas/incident';
import type { CoordinateSystem } from '../coords';
import { toWgs84 } from '../coords';
import type { RowReader } from '../fields';

export const COLUMNS = {
  ref: ['ref', 'case_ref', 'external_ref', 'case_id', 'case_no', '案件编号', '案卷编号'],
  category: ['category', '大类'],
  subcategory: ['subcategory', 'sub_category', '小类'],
  severity: ['severity', 'grade', '等级'],
  source: ['source', 'channel', '来源'],
  title: ['title', '标题'],
  description: ['description', 'desc', '描述', '问题描述'],
  lng: ['lng', 'lon', 'longitude', 'location_lng', 'x', '经度'],
  lat: ['lat', 'latitude', 'location_lat', 'y', '纬度'],
  address: ['address', 'location_address', '地址'],
  reporterKind: ['reporter_kind'],
  reporterId: ['reporter_id'],
  reporterName: ['reporter', 'reporter_name', '上报人'],
  reporterPhone: ['reporter_phone', 'phone', '电话'],
} as const;

const SOURCE_ALIASES: Record<string, IncidentSource> = {
  网格员上报: 'patrol',
  巡查: 'patrol',
  '12345': 'hotline',
  热线: 'hotline',
  视频: 'video_ai',
  物联感知: 'sensor',
  市民上报: 'open311',
  部门移交: 'department',
};

const REPORTER_KINDS = ['patrol', 'citizen', 'camera', 'sensor', 'operator', 'department'] as const;
const REPORTER_OF_SOURCE: Record<IncidentSource, (typeof REPORTER_KINDS)[number]> = {
  patrol: 'patrol',
  hotline: 'citizen',
  video_ai: 'camera',
  sensor: 'sensor',
  open311: 'citizen',
  department: 'department',
};

/** the NewIncident input of a case row; undefined when a required field is missing or wrong */
export function readReport(row: RowReader, reportedAt: number | undefined, ref: string | undefined, crs: CoordinateSystem): Record<string, unknown> | undefined {
  const category = row.text(COLUMNS.category, { required: true });
  const subcategory = row.text(COLUMNS.subcategory);
  const severity = row.number(COLUMNS.severity, { integer: true, min: 1, max: 4 }) ?? 1;
  const source = row.oneOf(COLUMNS.source, INCIDENT_SOURCES, { required: true, aliases: SOURCE_ALIASES });
  const lng = row.number(COLUMNS.lng, { required: true, min: -180, max: 180 });
  const lat = row.number(COLUMNS.lat, { required: true, min: -90, max: 90 });
  const address = row.text(COLUMNS.address, { max: 200 });
  const title = row.text(COLUMNS.title, { max: 120 });
  const description = row.text(COLUMNS.description, { max: 2000 });
  const reporterKind = row.oneOf(COLUMNS.reporterKind, REPORTER_KINDS);
  const reporterId = row.text(COLUMNS.reporterId, { max: 64 });
  const reporterName = row.text(COLUMNS.reporterName, { max: 80 });
  const reporterPhone = row.text(COLUMNS.reporterPhone, { max: 20 });
  if (category === undefined || source === undefined || lng === undefined || lat === undefined || reportedAt === undefined || ref === undefined) return undefined;
  const [x, y] = toWgs84(crs)(lng, lat);
  const reporter: Record<string, unknown> = { kind: reporterKind ?? REPORTER_OF_SOURCE[source] };
  if (reporterId !== undefined) reporter.id = reporterId;
  if (reporterName !== undefined) reporter.name = reporterName;
  if (reporterPhone !== undefined) reporter.phone = reporterPhone;
  return {
    source,
    category,
    ...(subcategory !== undefined ? { subcategory } : {}),
    severity,
    // a case system's export often has no title: the reference still names the case on the wall
    title: title ?? `导入案件 ${ref}`.slice(0, 120),
    description: description ?? '',
    location: { lng: round7(x), lat: round7(y), ...(address !== undefined ? { address } : {}) },
    reporter,
    reportedAt,
    externalRef: ref,
  };
}

/** a converted coordinate keeps ~1 cm, not 15 digits of noise */
function round7(v: number): number {
  return Math.round(v * 1e7) / 1e7;
}
