/**
 * The demo's venues (阵地): places owned by one org and shared by all (task 13: 权属不变、统一调配使用).
 * Demo projects and ledger entries name them by these ids. Venues as records (and bookings) come
 * with a later issue; until then the ids are stable references, and this list says what they are.
 */
export type DemoVenueKind = 'workers_home' | 'youth_home' | 'women_home' | 'party_service_center' | 'other';

export interface DemoVenue {
  id: string;
  name: string;
  kind: DemoVenueKind;
  ownerOrgId: string;
  regionId: string;
}

export const DEMO_VENUES: readonly DemoVenue[] = [
  { id: 'venue-wuxi-grwhg', name: '无锡市工人文化宫', kind: 'other', ownerOrgId: 'wuxi-union', regionId: 'wuxi' },
  {
    id: 'venue-wuxi-qshdzx',
    name: '无锡市青少年活动中心',
    kind: 'youth_home',
    ownerOrgId: 'wuxi-youth',
    regionId: 'wuxi',
  },
  {
    id: 'venue-wuxi-fnetzx',
    name: '无锡市妇女儿童活动中心',
    kind: 'women_home',
    ownerOrgId: 'wuxi-women',
    regionId: 'wuxi',
  },
  { id: 'venue-wuxi-kjg', name: '无锡市科技馆', kind: 'other', ownerOrgId: 'wuxi-sci', regionId: 'wuxi' },
  {
    id: 'venue-liangxi-zgfwzx',
    name: '梁溪区职工服务中心',
    kind: 'workers_home',
    ownerOrgId: 'liangxi-union',
    regionId: 'liangxi',
  },
  {
    id: 'venue-liangxi-qnzj',
    name: '梁溪区青年之家',
    kind: 'youth_home',
    ownerOrgId: 'liangxi-youth',
    regionId: 'liangxi',
  },
  {
    id: 'venue-liangxi-fnzj',
    name: '梁溪区妇女之家',
    kind: 'women_home',
    ownerOrgId: 'liangxi-women',
    regionId: 'liangxi',
  },
  {
    id: 'venue-xinwu-zgfwzx',
    name: '新吴区职工服务中心',
    kind: 'workers_home',
    ownerOrgId: 'xinwu-union',
    regionId: 'xinwu',
  },
  { id: 'venue-xinwu-qnzj', name: '新吴区青年之家', kind: 'youth_home', ownerOrgId: 'xinwu-youth', regionId: 'xinwu' },
  { id: 'venue-xinwu-fnzj', name: '新吴区妇女之家', kind: 'women_home', ownerOrgId: 'xinwu-women', regionId: 'xinwu' },
  {
    id: 'venue-chongansi-zgzj',
    name: '崇安寺街道职工之家',
    kind: 'workers_home',
    ownerOrgId: 'chongansi-union',
    regionId: 'chongansi',
  },
  {
    id: 'venue-chongansi-qnzj',
    name: '崇安寺街道青年之家',
    kind: 'youth_home',
    ownerOrgId: 'chongansi-youth',
    regionId: 'chongansi',
  },
  {
    id: 'venue-chongansi-fnzj',
    name: '崇安寺街道妇女之家',
    kind: 'women_home',
    ownerOrgId: 'chongansi-women',
    regionId: 'chongansi',
  },
  {
    id: 'venue-chongansi-dqfw',
    name: '崇安寺街道党群服务中心',
    kind: 'party_service_center',
    ownerOrgId: 'chongansi-center',
    regionId: 'chongansi',
  },
  {
    id: 'venue-chongansi-yzz',
    name: '崇安寺商圈户外劳动者爱心驿站',
    kind: 'workers_home',
    ownerOrgId: 'chongansi-union',
    regionId: 'chongansi',
  },
  {
    id: 'venue-jianghai-zgzj',
    name: '江海街道职工之家',
    kind: 'workers_home',
    ownerOrgId: 'jianghai-union',
    regionId: 'jianghai',
  },
  {
    id: 'venue-jianghai-fnzj',
    name: '江海街道妇女之家',
    kind: 'women_home',
    ownerOrgId: 'jianghai-women',
    regionId: 'jianghai',
  },
  {
    id: 'venue-wangzhuang-zgzj',
    name: '旺庄街道职工之家',
    kind: 'workers_home',
    ownerOrgId: 'wangzhuang-union',
    regionId: 'wangzhuang',
  },
  {
    id: 'venue-wangzhuang-qnzj',
    name: '旺庄街道青年之家',
    kind: 'youth_home',
    ownerOrgId: 'wangzhuang-youth',
    regionId: 'wangzhuang',
  },
  {
    id: 'venue-wangzhuang-fnzj',
    name: '旺庄街道妇女之家',
    kind: 'women_home',
    ownerOrgId: 'wangzhuang-women',
    regionId: 'wangzhuang',
  },
];
