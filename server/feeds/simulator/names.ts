/**
 * Seeded Chinese personal names and the other small human details of the simulated city (how a
 * hotline operator writes down a caller, a mobile number). Surnames are drawn with rough real
 * frequencies (王, 李, 张, 刘, 陈 together cover about a third of the population), given names
 * from common one- and two-character names, so a roster of 5,000 reads like a real one.
 */
import type { Rng } from '../../lib/rng';

/** common surnames, most frequent first, with weights roughly proportional to their share (‰) */
const SURNAMES: readonly (readonly [string, number])[] = [
  ['王', 72], ['李', 72], ['张', 68], ['刘', 54], ['陈', 46], ['杨', 31], ['黄', 24], ['赵', 23],
  ['吴', 21], ['周', 21], ['徐', 17], ['孙', 16], ['马', 15], ['朱', 14], ['胡', 13], ['郭', 12],
  ['何', 12], ['林', 11], ['高', 11], ['罗', 10], ['郑', 10], ['梁', 9], ['谢', 8], ['宋', 7],
  ['唐', 7], ['许', 7], ['韩', 6], ['冯', 6], ['邓', 6], ['曹', 6], ['彭', 5], ['曾', 5],
  ['肖', 5], ['田', 5], ['董', 5], ['潘', 5], ['袁', 5], ['蔡', 4], ['蒋', 4], ['余', 4],
  ['于', 4], ['杜', 4], ['叶', 4], ['程', 4], ['魏', 4], ['苏', 3], ['吕', 3], ['丁', 3],
  ['任', 3], ['卢', 3], ['姚', 3], ['沈', 3], ['钟', 3], ['姜', 3], ['崔', 3], ['谭', 3],
  ['陆', 3], ['范', 2], ['汪', 2], ['廖', 2], ['石', 2], ['金', 2], ['韦', 2], ['贾', 2],
  ['夏', 2], ['付', 2], ['方', 2], ['邹', 2], ['熊', 2], ['白', 2], ['孟', 2], ['秦', 2],
  ['邱', 2], ['侯', 2], ['江', 2], ['尹', 2], ['薛', 2], ['闫', 2], ['段', 2], ['雷', 2],
  ['龚', 1], ['史', 1], ['陶', 1], ['贺', 1], ['毛', 1], ['郝', 1], ['顾', 1], ['龙', 1],
  ['邵', 1], ['万', 1], ['钱', 1], ['严', 1], ['虞', 1], ['应', 1], ['竺', 1], ['屠', 1],
];
const SURNAME_CHARS = SURNAMES.map(([s]) => s);
const SURNAME_WEIGHTS = SURNAMES.map(([, w]) => w);

const GIVEN_MALE = [
  '伟', '强', '磊', '军', '勇', '杰', '涛', '斌', '超', '明', '刚', '平', '辉', '鹏', '华', '飞',
  '鑫', '波', '宇', '浩', '凯', '健', '俊', '帆', '建国', '建华', '国强', '志强', '志明', '海峰',
  '晓东', '文博', '子轩', '浩然', '宇航', '俊杰', '立新', '永刚', '振华', '德明', '卫东', '学军',
  '国平', '海涛', '春雷', '思远', '一鸣', '天佑', '明辉', '成龙',
];
const GIVEN_FEMALE = [
  '芳', '娜', '敏', '静', '丽', '艳', '娟', '霞', '燕', '玲', '婷', '雪', '慧', '莉', '洁', '琳',
  '颖', '倩', '欣', '萍', '秀英', '桂英', '丽华', '晓燕', '海燕', '雅琴', '美玲', '红梅', '春花', '佳怡',
  '欣怡', '梓涵', '诗涵', '雨婷', '思琪', '晓红', '文静', '慧敏', '丹丹', '婉清', '素芬', '亚萍',
];

export function surname(rng: Rng): string {
  return rng.weighted(SURNAME_CHARS, SURNAME_WEIGHTS);
}

/** a full name such as 王建华 or 陈静 */
export function personName(rng: Rng): string {
  const female = rng.chance(0.45);
  return surname(rng) + rng.pick(female ? GIVEN_FEMALE : GIVEN_MALE);
}

/** how a hotline operator records a caller who gives only a surname: 张先生 / 李女士 */
export function callerName(rng: Rng): string {
  return surname(rng) + (rng.chance(0.5) ? '先生' : '女士');
}

const MOBILE_PREFIXES = ['130', '131', '132', '133', '135', '136', '137', '138', '139', '150', '151', '152', '157', '158', '159', '177', '180', '181', '186', '187', '188', '189', '199'];

/** an 11-digit mainland mobile number (the hub masks it before storing) */
export function mobileNumber(rng: Rng): string {
  let rest = '';
  for (let i = 0; i < 8; i++) rest += String(rng.int(0, 9));
  return rng.pick(MOBILE_PREFIXES) + rest;
}
