/**
 * Region names in English for the wall in English: Pinyin as one capitalised word with the
 * apostrophe before a, o or e, the kind of place translated, a grid's number kept, the
 * geography's own English name never replaced — and every region of the generated province named.
 */
import { describe, expect, it } from 'vitest';
import { englishName, pinyinWord, withEnglishNames } from '../../server/geo/englishNames';
import { generateCity } from '../../server/geo/generateCity';

describe('English region names', () => {
  it('writes the proper name in Pinyin and translates the kind of place', () => {
    expect(englishName('宁波市')).toBe('Ningbo City');
    expect(englishName('海曙区')).toBe('Haishu District');
    expect(englishName('宁海县')).toBe('Ninghai County');
    expect(englishName('月湖街道')).toBe('Yuehu Subdistrict');
    expect(englishName('集士港镇')).toBe('Jishigang Town');
    expect(englishName('龙观乡')).toBe('Longguan Township');
    expect(englishName('二号桥社区')).toBe('Erhaoqiao Community');
    expect(englishName('浙江省')).toBe('Zhejiang Province');
  });

  it('keeps syllables apart with an apostrophe, corrects place-name readings, keeps numbers and Latin', () => {
    expect(pinyinWord('西安')).toBe("Xi'an");
    expect(englishName('长安街道')).toBe("Chang'an Subdistrict");
    expect(englishName('乐清市')).toBe('Yueqing City');
    expect(englishName('月湖社区第3网格')).toBe('Yuehu Community Grid 3');
    expect(englishName('东部新城A区')).toBe('Dongbuxincheng A District');
    expect(englishName('Ningbo Port Area')).toBe('Ningbo Port Area');
  });

  it('names every region of the generated province, and never replaces a name the geography gave', () => {
    const regions = generateCity({ seed: 'unit', scale: 'city' });
    regions[1]!.nameEn = 'Haishu (surveyed)';
    withEnglishNames(regions);
    expect(regions[1]!.nameEn).toBe('Haishu (surveyed)');
    for (const r of regions) {
      expect(r.nameEn, r.name).toMatch(/^[A-Z0-9][A-Za-z0-9' ()-]*$/);
      expect(r.nameEn!.length).toBeLessThanOrEqual(120);
    }
  });
});
