import {
  BRAND_ACTIVITIES,
  PROJECT_CATEGORIES,
  type ProjectData,
  readBoard,
  STAGES,
  unmetConditions,
  validateBoard,
} from '@gongjian/shared';
import * as Y from 'yjs';
import { DEMO_BOARD_ID, DEMO_BOARDS } from './demo-boards';
import { buildDemoBoard } from './demo-content';
import { DEMO_ORGS, DEMO_REGIONS } from './demo-directory';
import { DEMO_TODAY, type DemoBoardSpec } from './demo-spec';
import { DEMO_USERS } from './demo-users';
import { DEMO_VENUES } from './demo-venues';

const built = DEMO_BOARDS.map((spec) => {
  const doc = buildDemoBoard(spec);
  return { spec, doc, board: readBoard(doc) };
});
const projects = built.flatMap(({ board }) => board.projects);
const orgIds = new Set(DEMO_ORGS.map((org) => org.id));
const venueIds = new Set(DEMO_VENUES.map((venue) => venue.id));

/** Region of an org, and the region's ancestors. */
function regionLine(regionId: string): string[] {
  const line: string[] = [];
  for (let id: string | null = regionId; id !== null;) {
    line.push(id);
    id = DEMO_REGIONS.find((region) => region.id === id)?.parentId ?? null;
  }
  return line;
}

describe('demo content', () => {
  it('has at least three boards with at least ten projects each, 30 or more in all', () => {
    expect(DEMO_BOARDS.length).toBeGreaterThanOrEqual(3);
    for (const { board } of built) expect(board.projects.length).toBeGreaterThanOrEqual(10);
    expect(projects.length).toBeGreaterThanOrEqual(30);
    expect(new Set(DEMO_BOARDS.map((board) => board.id)).size).toBe(DEMO_BOARDS.length);
    expect(DEMO_BOARDS.map((board) => board.id)).toContain(DEMO_BOARD_ID);
  });

  it('covers every category, brand activity and stage', () => {
    expect(new Set(projects.map((project) => project.category))).toEqual(new Set(PROJECT_CATEGORIES));
    expect(new Set(projects.map((project) => project.brandActivity).filter(Boolean))).toEqual(
      new Set(BRAND_ACTIVITIES),
    );
    expect(new Set(projects.map((project) => project.stage))).toEqual(new Set(STAGES));
  });

  it('builds every board valid, with its meta', () => {
    for (const { spec, doc, board } of built) {
      expect(validateBoard(doc)).toEqual([]);
      expect(board.meta).toEqual({
        schemaVersion: 1,
        title: spec.title,
        regionId: spec.regionId,
        year: 2026,
        criteria: spec.criteria,
      });
      expect(spec.criteria.reduce((sum, criterion) => sum + criterion.weight, 0)).toBe(100);
    }
  });

  it('leaves every project in a stage whose gates it passes, reached through the stage log', () => {
    for (const { board } of built) {
      for (const project of board.projects) {
        const fromStart: ProjectData = { ...project, stage: 'planning' };
        const unmet =
          project.stage === 'planning'
            ? []
            : unmetConditions(fromStart, { to: project.stage, criteria: board.meta.criteria });
        expect({ project: project.id, unmet }).toEqual({ project: project.id, unmet: [] });
        const last = project.stageLog.at(-1);
        expect(last?.to ?? 'planning').toBe(project.stage);
        for (const entry of project.stageLog) expect(entry.at.slice(0, 10) <= DEMO_TODAY).toBe(true);
      }
    }
  });

  it('fills what the later stages show: checklists, funding, expenses, ledger, indicators and scores', () => {
    const past = (stage: string) =>
      projects.filter((project) => STAGES.indexOf(project.stage) >= STAGES.indexOf(stage as never));
    for (const project of projects) {
      expect(project.checklist.length).toBeGreaterThan(0);
      expect(project.indicators.length).toBeGreaterThan(0);
    }
    for (const project of past('in_progress')) {
      expect(project.expenses.length).toBeGreaterThan(0);
      expect(project.ledger.length).toBeGreaterThan(0);
      expect(project.indicators.some((indicator) => indicator.actual !== null)).toBe(true);
      for (const expense of project.expenses) expect(expense.voucherNo).not.toBe('');
    }
    for (const project of past('evaluation')) expect(Object.keys(project.scores).length).toBeGreaterThan(0);
    // Some work is overdue and some due soon, so that those views have something to show.
    const open = projects.flatMap((project) =>
      project.checklist.filter((item) => (item.status === 'todo' || item.status === 'doing') && item.due !== null),
    );
    expect(open.filter((item) => item.due! < DEMO_TODAY).length).toBeGreaterThanOrEqual(5);
    expect(open.filter((item) => item.due! >= DEMO_TODAY && item.due! <= '2026-12-08').length).toBeGreaterThanOrEqual(
      5,
    );
    expect(projects.flatMap((project) => project.checklist).some((item) => item.status === 'waived')).toBe(true);
    expect(projects.some((project) => project.stageLog.some((entry) => entry.reason !== ''))).toBe(true);
  });

  it('names only known orgs, venues and users, of the board’s region or above and below it', () => {
    const userIds = new Set(DEMO_USERS.map((user) => `demo-${user.username}`));
    for (const { spec, board } of built) {
      for (const project of board.projects) {
        const named = [
          project.leadOrgId,
          ...project.partnerOrgIds,
          ...project.reviewerOrgIds,
          ...project.checklist.map((item) => item.orgId ?? project.leadOrgId),
          ...Object.keys(project.funding),
          ...project.expenses.map((expense) => expense.orgId),
          ...project.ledger.flatMap((entry) => entry.orgIds),
          ...Object.keys(project.scores),
        ];
        for (const orgId of named) {
          expect({ project: project.id, orgId, known: orgIds.has(orgId) }).toEqual({
            project: project.id,
            orgId,
            known: true,
          });
          const region = DEMO_ORGS.find((org) => org.id === orgId)!.regionId;
          const related = regionLine(region).includes(spec.regionId) || regionLine(spec.regionId).includes(region);
          expect({ project: project.id, orgId, related }).toEqual({ project: project.id, orgId, related: true });
        }
        for (const venueId of [...project.venueIds, ...project.ledger.flatMap((entry) => entry.venueId ?? [])])
          expect({ project: project.id, venueId, known: venueIds.has(venueId) }).toEqual({
            project: project.id,
            venueId,
            known: true,
          });
        expect(userIds.has(project.createdBy)).toBe(true);
        for (const entry of project.stageLog) expect(userIds.has(entry.by)).toBe(true);
      }
      for (const username of Object.keys(spec.members))
        expect(DEMO_USERS.map((user) => user.username)).toContain(username);
    }
  });

  it('gives each org its own voucher numbers', () => {
    const vouchers = projects.flatMap((project) =>
      project.expenses.map((expense) => `${expense.orgId} ${expense.voucherNo}`),
    );
    expect(new Set(vouchers).size).toBe(vouchers.length);
  });

  it('keeps the e2e tests’ board: 梁溪区 2026 群团共建项目, with union, youth, women and leader on it', () => {
    const board = DEMO_BOARDS.find((spec) => spec.id === DEMO_BOARD_ID)!;
    expect(board.title).toBe('梁溪区 2026 群团共建项目');
    expect(board.members).toMatchObject({ union: 'editor', youth: 'editor', women: 'editor', leader: 'viewer' });
  });

  it('is deterministic: two builds encode to the same bytes', () => {
    for (const spec of DEMO_BOARDS) {
      const again = buildDemoBoard(spec);
      const first = built.find((entry) => entry.spec === spec)!.doc;
      expect(Buffer.from(Y.encodeStateAsUpdate(again)).equals(Buffer.from(Y.encodeStateAsUpdate(first)))).toBe(true);
      again.destroy();
    }
  });

  it('fails loudly when a project can’t reach its stage', () => {
    const spec: DemoBoardSpec = {
      ...DEMO_BOARDS[0],
      projects: [{ ...DEMO_BOARDS[0].projects[0], funding: {}, expenses: [] }],
    };
    expect(() => buildDemoBoard(spec)).toThrow(/can't move to approved: funding_plan_missing/);
  });
});
