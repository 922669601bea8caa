/** The demo accounts (password DEMO_PASSWORD) and the people named on demo checklists. */

export const DEMO_PASSWORD = 'demo12345';

export interface DemoUser {
  username: string;
  displayName: string;
  isAdmin: boolean;
  orgId: string | null;
}

export const DEMO_USERS: readonly DemoUser[] = [
  { username: 'admin', displayName: '系统管理员', isAdmin: true, orgId: null },
  { username: 'union', displayName: '梁溪区总工会 · 王工', isAdmin: false, orgId: 'liangxi-union' },
  { username: 'youth', displayName: '共青团梁溪区委 · 李团', isAdmin: false, orgId: 'liangxi-youth' },
  { username: 'women', displayName: '梁溪区妇联 · 陈主任', isAdmin: false, orgId: 'liangxi-women' },
  { username: 'coord', displayName: '崇安寺街道 · 赵协调员', isAdmin: false, orgId: 'chongansi-center' },
  { username: 'leader', displayName: '梁溪区委 · 周领导', isAdmin: false, orgId: 'liangxi-office' },
];

/** A demo user's id (the `users.id` the seed writes). */
export function demoUserId(username: string): string {
  return `demo-${username}`;
}

/** Who creates and moves an org's projects: its demo account, or the administrator. */
export function demoAuthorOf(orgId: string): string {
  const user = DEMO_USERS.find((candidate) => candidate.orgId === orgId);
  return demoUserId(user?.username ?? 'admin');
}

/**
 * The people (责任人) of each org who answer for checklist items, taken in turn. The first of a
 * demo user's org is that user (王工 of the district union, 李团 of the youth league, …).
 */
export const DEMO_CONTACTS: Readonly<Record<string, readonly string[]>> = {
  'wuxi-union': ['钱立新', '华晓梅', '顾建军'],
  'wuxi-youth': ['蒋一鸣', '秦雨桐'],
  'wuxi-women': ['许文静', '邹丽华'],
  'wuxi-sci': ['过志刚', '浦海燕'],
  'liangxi-union': ['王工', '刘建华', '孙晓燕'],
  'liangxi-youth': ['李团', '吴昊', '沈佳怡'],
  'liangxi-women': ['陈主任', '杨慧', '朱敏'],
  'liangxi-office': ['周领导', '徐志远'],
  'xinwu-union': ['张振华', '冯莉', '高伟'],
  'xinwu-youth': ['唐宇', '陆欣怡'],
  'xinwu-women': ['何静', '严秀英'],
  'xinwu-disabled': ['邵国强', '谈雪芬'],
  'chongansi-union': ['马卫东', '钱芳'],
  'chongansi-youth': ['胡晨', '薛梦'],
  'chongansi-women': ['董玉兰', '缪静'],
  'chongansi-center': ['赵协调员', '尤佳'],
  'jianghai-union': ['蔡国平', '姚琴'],
  'jianghai-youth': ['周天宇'],
  'jianghai-women': ['吕秀梅'],
  'jianghai-sci': ['殷涛'],
  'wangzhuang-union': ['陶建东', '俞婷'],
  'wangzhuang-youth': ['范子豪'],
  'wangzhuang-women': ['金月华'],
  'wangzhuang-overseas': ['林海峰'],
};
