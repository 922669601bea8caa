import type { OrgKind, RegionLevel } from '@gongjian/shared';

/** Wuxi, two of its districts and three streets/parks: the demo's regions. */
export const DEMO_REGIONS: Array<{ id: string; name: string; level: RegionLevel; parentId: string | null }> = [
  { id: 'wuxi', name: '无锡市', level: 'city', parentId: null },
  { id: 'liangxi', name: '梁溪区', level: 'district', parentId: 'wuxi' },
  { id: 'xinwu', name: '新吴区', level: 'district', parentId: 'wuxi' },
  { id: 'chongansi', name: '崇安寺街道', level: 'township', parentId: 'liangxi' },
  { id: 'jianghai', name: '江海街道', level: 'township', parentId: 'liangxi' },
  { id: 'wangzhuang', name: '旺庄街道', level: 'township', parentId: 'xinwu' },
];

/** For every region: its trade union, youth league, women's federation and one other organization. */
export const DEMO_ORGS: Array<{ id: string; name: string; kind: OrgKind; regionId: string }> = [
  { id: 'wuxi-union', name: '无锡市总工会', kind: 'union', regionId: 'wuxi' },
  { id: 'wuxi-youth', name: '共青团无锡市委', kind: 'youth', regionId: 'wuxi' },
  { id: 'wuxi-women', name: '无锡市妇女联合会', kind: 'women', regionId: 'wuxi' },
  { id: 'wuxi-sci', name: '无锡市科学技术协会', kind: 'other', regionId: 'wuxi' },
  { id: 'liangxi-union', name: '梁溪区总工会', kind: 'union', regionId: 'liangxi' },
  { id: 'liangxi-youth', name: '共青团梁溪区委', kind: 'youth', regionId: 'liangxi' },
  { id: 'liangxi-women', name: '梁溪区妇女联合会', kind: 'women', regionId: 'liangxi' },
  { id: 'liangxi-office', name: '梁溪区群团工作联席会议办公室', kind: 'other', regionId: 'liangxi' },
  { id: 'xinwu-union', name: '新吴区总工会', kind: 'union', regionId: 'xinwu' },
  { id: 'xinwu-youth', name: '共青团新吴区委', kind: 'youth', regionId: 'xinwu' },
  { id: 'xinwu-women', name: '新吴区妇女联合会', kind: 'women', regionId: 'xinwu' },
  { id: 'xinwu-disabled', name: '新吴区残疾人联合会', kind: 'other', regionId: 'xinwu' },
  { id: 'chongansi-union', name: '崇安寺街道总工会', kind: 'union', regionId: 'chongansi' },
  { id: 'chongansi-youth', name: '崇安寺街道团工委', kind: 'youth', regionId: 'chongansi' },
  { id: 'chongansi-women', name: '崇安寺街道妇联', kind: 'women', regionId: 'chongansi' },
  { id: 'chongansi-center', name: '崇安寺街道党群服务中心', kind: 'other', regionId: 'chongansi' },
  { id: 'jianghai-union', name: '江海街道总工会', kind: 'union', regionId: 'jianghai' },
  { id: 'jianghai-youth', name: '江海街道团工委', kind: 'youth', regionId: 'jianghai' },
  { id: 'jianghai-women', name: '江海街道妇联', kind: 'women', regionId: 'jianghai' },
  { id: 'jianghai-sci', name: '江海街道科协', kind: 'other', regionId: 'jianghai' },
  { id: 'wangzhuang-union', name: '旺庄街道总工会', kind: 'union', regionId: 'wangzhuang' },
  { id: 'wangzhuang-youth', name: '旺庄街道团工委', kind: 'youth', regionId: 'wangzhuang' },
  { id: 'wangzhuang-women', name: '旺庄街道妇联', kind: 'women', regionId: 'wangzhuang' },
  { id: 'wangzhuang-overseas', name: '旺庄街道侨联', kind: 'other', regionId: 'wangzhuang' },
];
