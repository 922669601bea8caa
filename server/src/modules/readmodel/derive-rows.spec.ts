import { createProject, deleteProject, initBoard, projectsMap, readMeta, setFunding } from '@gongjian/shared';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import * as Y from 'yjs';
import { BoardChanges } from './board-changes';
import { deriveProjectRows, Slices } from './derive-rows';
import { boardRows, type ProjectRows } from './project-board';

const ORIGIN = 'spec';
const NOW = '2026-03-01T08:00:00.000Z';
const TODAY = '2026-03-10';

function aBoard(count: number): Y.Doc {
  const doc = new Y.Doc();
  initBoard(doc, { title: '一', regionId: 'liangxi', year: 2026 }, ORIGIN);
  for (let i = 0; i < count; i++) {
    createProject(
      doc,
      {
        id: `p${i}`,
        category: 'culture',
        title: `项目 ${i}`,
        leadOrgId: 'o1',
        partnerOrgIds: ['o2'],
        createdBy: 'u',
        now: NOW,
      },
      ORIGIN,
    );
    setFunding(doc, `p${i}`, 'o1', 1_000 * (i + 1), ORIGIN);
  }
  return doc;
}

const withoutBoard = ({ board: _board, ...rows }: ReturnType<typeof boardRows>): ProjectRows => rows;

describe(deriveProjectRows.name, () => {
  it('derives every project as boardRows does', async () => {
    const doc = aBoard(5);
    const derived = await deriveProjectRows('b1', doc, 'all', readMeta(doc), TODAY, new Slices());
    expect(derived.rows).toEqual(withoutBoard(boardRows('b1', doc, TODAY)));
    expect(derived.keys).toEqual(['p0', 'p1', 'p2', 'p3', 'p4']);
    expect(derived.irregular).toBe(false);
  });

  it('derives only the projects asked for, and lists those that are gone', async () => {
    const doc = aBoard(3);
    deleteProject(doc, 'p2', ORIGIN);
    const derived = await deriveProjectRows('b1', doc, ['p1', 'p2'], readMeta(doc), TODAY, new Slices());
    const all = withoutBoard(boardRows('b1', doc, TODAY));
    expect(derived.rows.projects).toEqual(all.projects.filter((row) => row.project_id === 'p1'));
    expect(derived.rows.funding).toEqual(all.funding.filter((row) => row.project_id === 'p1'));
    expect(derived.keys).toEqual(['p1']);
    expect(derived.removed).toEqual(['p2']);
  });

  it('says so when a project’s id is not its key, and keeps the first of two that claim one id, as boardRows does', async () => {
    const doc = aBoard(3);
    (projectsMap(doc).get('p2') as Y.Map<unknown>).set('id', 'p0');
    const derived = await deriveProjectRows('b1', doc, 'all', readMeta(doc), TODAY, new Slices());
    expect(derived.irregular).toBe(true);
    expect(derived.rows).toEqual(withoutBoard(boardRows('b1', doc, TODAY)));
  });

  it('lets the event loop run between slices; a project changed meanwhile is read at a later state and named as changed', async () => {
    const doc = aBoard(200);
    const changes = new BoardChanges(doc);
    let turns = 0;
    let edited = false;
    const spin = async () => {
      while (!done) {
        await yieldToLoop();
        turns += 1;
        if (!edited) {
          edited = true;
          setFunding(doc, 'p199', 'o1', 7, ORIGIN);
        }
      }
    };
    let done = false;
    const spinning = spin();
    const derived = await deriveProjectRows('b1', doc, 'all', readMeta(doc), TODAY, new Slices(0));
    done = true;
    await spinning;
    expect(turns).toBeGreaterThan(10);
    expect(derived.rows.funding.find((row) => row.project_id === 'p199')?.planned_fen).toBe(7);
    expect([...changes.take()]).toEqual(['p199']);
  });
});
