/** Every kind of unit in the default directory has an English name, and a unit's id gives it. */
import { describe, expect, it } from 'vitest';
import { DEPARTMENT_KIND_EN, departmentNameEn } from '@shared/departmentNames';
import { DEPARTMENT_KINDS, departmentId, districtDepartments } from '../../server/domain/departments/directory';

describe('English unit names', () => {
  it('cover every kind of unit of the default directory', () => {
    for (const kind of Object.values(DEPARTMENT_KINDS)) expect(DEPARTMENT_KIND_EN[kind.key], kind.name).toMatch(/^[A-Z]/);
  });

  it('come from the id: the region in English and the kind of unit; another id keeps its own name', () => {
    const english = (code: string) => ({ '330203': 'Haishu District', '330203001': 'Yuehu Subdistrict' })[code];
    const units = districtDepartments({ code: '330203', name: '海曙区' }, [{ code: '330203001', name: '月湖街道' }]);
    const police = units.find((u) => u.id === departmentId('330203', DEPARTMENT_KINDS.gongan))!;
    expect(police.name).toBe('海曙区公安分局');
    expect(departmentNameEn(police.id, english)).toBe('Haishu District Public Security Branch');
    expect(departmentNameEn(departmentId('330203001', DEPARTMENT_KINDS.zongzhi), english)).toBe('Yuehu Subdistrict Social Governance Centre');
    expect(departmentNameEn('city-works-7', english)).toBeNull();
    expect(departmentNameEn(departmentId('999', DEPARTMENT_KINDS.gongan), english)).toBeNull();
  });
});
