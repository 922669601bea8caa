import * as Y from 'yjs';
import { createProject, initBoard } from '../board-commands';
import type { CreateProjectInput } from '../board-inputs';
import type { Criterion } from '../board-values';

/**
 * Board documents for specs: `aBoard()` is an initialized board (梁溪区 2026) with a three-criterion
 * rubric; `aBoardWithProject()` adds project `p1`, led by the union with the youth league as its
 * partner and the women's federation asked to review.
 */

export const ORIGIN = 'spec';
export const NOW = '2026-03-01T08:00:00.000Z';
export const UNION = 'org-union';
export const YOUTH = 'org-youth';
export const WOMEN = 'org-women';
export const OTHER = 'org-sci';

export const BOARD_CRITERIA: Criterion[] = [
  { id: 'plan', name: '策划质量', weight: 30 },
  { id: 'effect', name: '实施效益', weight: 50 },
  { id: 'ledger', name: '台账规范', weight: 20 },
];

export function aBoard(): Y.Doc {
  const doc = new Y.Doc();
  initBoard(
    doc,
    { title: '梁溪区 2026 群团共建项目', regionId: 'liangxi', year: 2026, criteria: BOARD_CRITERIA },
    ORIGIN,
  );
  return doc;
}

export function aProjectInput(overrides: Partial<CreateProjectInput> = {}): CreateProjectInput {
  return {
    id: 'p1',
    category: 'employment',
    title: '职工技能提升计划',
    leadOrgId: UNION,
    partnerOrgIds: [YOUTH],
    reviewerOrgIds: [WOMEN],
    createdBy: 'u-zhang',
    now: NOW,
    ...overrides,
  };
}

export function aBoardWithProject(overrides: Partial<CreateProjectInput> = {}): Y.Doc {
  const doc = aBoard();
  createProject(doc, aProjectInput(overrides), ORIGIN);
  return doc;
}
