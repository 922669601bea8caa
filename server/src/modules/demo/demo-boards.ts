import { CHONGANSI_PROJECTS } from './demo-projects-chongansi';
import { LIANGXI_PROJECTS } from './demo-projects-liangxi';
import { WUXI_PROJECTS } from './demo-projects-wuxi';
import { XINWU_PROJECTS } from './demo-projects-xinwu';
import type { DemoBoardSpec } from './demo-spec';
import { demoUserId } from './demo-users';

/**
 * The demo boards: the city's key projects, the two districts' projects, and one street's shared
 * venues. Each has its own rubric (激励考核 criteria, weights summing to 100) and its own members:
 * the Liangxi demo users edit the boards their organizations take part in and view the others;
 * the leader (梁溪区委) views the Liangxi, Chongansi and city boards; the 崇安寺 coordinator
 * coordinates its street's board and the Liangxi board.
 */

/** The board the end-to-end tests and the benchmark use. */
export const DEMO_BOARD_ID = 'demo-liangxi-2026';

export const DEMO_BOARDS: readonly DemoBoardSpec[] = [
  {
    id: DEMO_BOARD_ID,
    title: '梁溪区 2026 群团共建项目',
    regionId: 'liangxi',
    year: 2026,
    criteria: [
      { id: 'implementation', name: '组织实施', weight: 30 },
      { id: 'linkage', name: '联动成效', weight: 30 },
      { id: 'funds', name: '资金使用', weight: 20 },
      { id: 'satisfaction', name: '群众满意度', weight: 20 },
    ],
    clientId: 2026_0001,
    createdAt: '2026-01-05T01:00:00.000Z',
    members: {
      admin: 'coordinator',
      coord: 'coordinator',
      union: 'editor',
      youth: 'editor',
      women: 'editor',
      leader: 'viewer',
    },
    coordinatorUserId: demoUserId('coord'),
    projects: LIANGXI_PROJECTS,
  },
  {
    id: 'demo-wuxi-2026',
    title: '无锡市 2026 群团共建重点项目',
    regionId: 'wuxi',
    year: 2026,
    criteria: [
      { id: 'planning', name: '策划质量', weight: 20 },
      { id: 'implementation', name: '组织实施', weight: 25 },
      { id: 'effect', name: '实施效益', weight: 35 },
      { id: 'funds', name: '资金管理', weight: 10 },
      { id: 'ledger', name: '台账规范', weight: 10 },
    ],
    clientId: 2026_0002,
    createdAt: '2026-01-06T01:00:00.000Z',
    members: {
      admin: 'coordinator',
      union: 'editor',
      youth: 'editor',
      women: 'editor',
      coord: 'viewer',
      leader: 'viewer',
    },
    coordinatorUserId: demoUserId('admin'),
    projects: WUXI_PROJECTS,
  },
  {
    id: 'demo-xinwu-2026',
    title: '新吴区 2026 群团共建项目',
    regionId: 'xinwu',
    year: 2026,
    criteria: [
      { id: 'implementation', name: '组织实施', weight: 30 },
      { id: 'linkage', name: '联动成效', weight: 25 },
      { id: 'funds', name: '资金使用', weight: 20 },
      { id: 'satisfaction', name: '群众满意度', weight: 25 },
    ],
    clientId: 2026_0003,
    createdAt: '2026-01-07T01:00:00.000Z',
    members: { admin: 'coordinator', union: 'viewer', youth: 'viewer', women: 'viewer' },
    coordinatorUserId: demoUserId('admin'),
    projects: XINWU_PROJECTS,
  },
  {
    id: 'demo-chongansi-2026',
    title: '崇安寺街道 2026 区域化群团共建（阵地共享）',
    regionId: 'chongansi',
    year: 2026,
    criteria: [
      { id: 'venues', name: '阵地共享', weight: 30 },
      { id: 'effect', name: '活动成效', weight: 30 },
      { id: 'ledger', name: '台账规范', weight: 20 },
      { id: 'satisfaction', name: '居民满意度', weight: 20 },
    ],
    clientId: 2026_0004,
    createdAt: '2026-01-08T01:00:00.000Z',
    members: {
      admin: 'coordinator',
      coord: 'coordinator',
      union: 'editor',
      youth: 'editor',
      women: 'editor',
      leader: 'viewer',
    },
    // The street's own organizations take part as organizations: any of their staff may edit.
    orgMembers: { 'chongansi-union': 'editor', 'chongansi-youth': 'editor', 'chongansi-women': 'editor' },
    coordinatorUserId: demoUserId('coord'),
    projects: CHONGANSI_PROJECTS,
  },
];
