/**
 * English names for the units of the default directory (server/domain/departments/directory.ts),
 * whose ids read `D<region code>-<KIND KEY>`: the region's English name and the kind of unit, so a
 * wall in English says "Haishu District Public Security Branch" for 海曙区公安分局. A deployment's
 * own directory, with other ids, keeps the names it gave.
 */
export const DEPARTMENT_KIND_EN: Readonly<Record<string, string>> = {
  CGZF: 'Urban Management Bureau',
  HWC: 'Sanitation Office',
  SZGY: 'Public Utilities Office',
  ZJJ: 'Housing and Construction Bureau',
  SWJ: 'Water Bureau',
  JJDD: 'Traffic Police Brigade',
  JTJ: 'Transport Bureau',
  XFJY: 'Fire and Rescue Brigade',
  YJJ: 'Emergency Management Bureau',
  GAFJ: 'Public Security Branch',
  STHJ: 'Ecology and Environment Branch',
  SCJG: 'Market Regulation Bureau',
  MZJ: 'Civil Affairs Bureau',
  RSJ: 'Human Resources and Social Security Bureau',
  SFJ: 'Justice Bureau',
  ZZZX: 'Social Governance Centre',
  RQGS: 'Gas Company',
};

/** the English name of a default-directory unit, or null for an id of another shape or a region without an English name */
export function departmentNameEn(id: string, regionNameEn: (code: string) => string | undefined): string | null {
  const m = /^D([0-9A-Za-z]+)-([A-Z]+)$/.exec(id);
  if (!m) return null;
  const kind = DEPARTMENT_KIND_EN[m[2]!];
  const region = regionNameEn(m[1]!);
  return kind && region ? `${region} ${kind}` : null;
}
