import fc from 'fast-check';
import * as Y from 'yjs';
import { createProject, initBoard, updateProject } from './board-commands';
import { boardMeta, projectsMap, readBoard } from './board-doc';
import { BoardCommandError } from './board-errors';
import {
  applyBoardCommand,
  type BoardCommand,
  boardCommandArbitrary,
  RUBRICS,
} from './testing/board-command-arbitrary';
import { validateBoard } from './validate-board';

/**
 * Random command sequences on 3–5 replicas that exchange their updates in random order, with
 * duplicates and delays, until everything is delivered: every replica converges to the same board
 * (same reading, same state vector and delete set, and the same as a rebuild from all updates
 * merged), and every replica's board is valid. Modelled on Yjs's tests/testHelper.js.
 */

const REMOTE = 'remote';

type Step =
  | { kind: 'command'; replica: number; command: BoardCommand }
  /** Applies one of the updates waiting for `replica`, the `pick`-th: delivery out of order. */
  | { kind: 'deliver'; replica: number; pick: number }
  /** Applies again an update `replica` already has. */
  | { kind: 'duplicate'; replica: number; pick: number };

interface Replica {
  doc: Y.Doc;
  inbox: Uint8Array[];
  received: Uint8Array[];
  counter: number;
}

/** Replicas that start from one initialized board and send every update they make to all others. */
function network(size: number): { replicas: Replica[]; log: Uint8Array[] } {
  const origin = new Y.Doc();
  origin.clientID = 1000;
  initBoard(origin, { title: '梁溪区 2026 群团共建项目', year: 2026, criteria: RUBRICS[0] }, 'seed');
  for (const [id, leadOrgId, partnerOrgId] of [
    ['p1', 'o1', 'o2'],
    ['p2', 'o2', 'o3'],
  ]) {
    createProject(
      origin,
      {
        id,
        category: 'culture',
        title: '职工文化节',
        leadOrgId,
        partnerOrgIds: [partnerOrgId],
        reviewerOrgIds: ['o4'],
        checklist: [
          { id: 'c1', text: '方案制定', orgId: leadOrgId },
          { id: 'c2', text: '宣传发动' },
        ],
        indicators: [{ id: 'e1', name: '服务职工人数', unit: '人', target: 100 }],
        createdBy: 'seed',
        now: '2026-01-01T00:00:00.000Z',
      },
      'seed',
    );
  }
  const seed = Y.encodeStateAsUpdate(origin);
  const log: Uint8Array[] = [seed];
  const replicas: Replica[] = [];
  for (let index = 0; index < size; index++) {
    const doc = new Y.Doc();
    // Fixed client ids make a failing run replay exactly from its seed.
    doc.clientID = index + 1;
    Y.applyUpdate(doc, seed, REMOTE);
    replicas.push({ doc, inbox: [], received: [], counter: 0 });
  }
  replicas.forEach((replica, index) => {
    replica.doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin === REMOTE) return;
      log.push(update);
      replicas.forEach((other, otherIndex) => otherIndex !== index && other.inbox.push(update));
    });
  });
  return { replicas, log };
}

function deliver(replica: Replica, pick: number): void {
  if (replica.inbox.length === 0) return;
  const [update] = replica.inbox.splice(pick % replica.inbox.length, 1);
  Y.applyUpdate(replica.doc, update, REMOTE);
  replica.received.push(update);
}

function run(replica: Replica, index: number, command: BoardCommand): void {
  const before = Y.encodeStateAsUpdate(replica.doc);
  try {
    applyBoardCommand(
      replica.doc,
      command,
      { replica: index, nextId: () => `r${index}-${replica.counter++}` },
      `replica-${index}`,
    );
  } catch (error) {
    if (!(error instanceof BoardCommandError)) throw error;
    // A refused command has written nothing.
    expect(Y.encodeStateAsUpdate(replica.doc)).toEqual(before);
  }
}

/** Strict comparison of two replicas: content, state vector, delete set. */
function expectSame(a: Y.Doc, b: Y.Doc): void {
  expect(readBoard(b)).toEqual(readBoard(a));
  expect(boardMeta(b).toJSON()).toEqual(boardMeta(a).toJSON());
  expect(projectsMap(b).toJSON()).toEqual(projectsMap(a).toJSON());
  expect(Y.encodeStateVector(b)).toEqual(Y.encodeStateVector(a));
  expect(Y.equalSnapshots(Y.snapshot(a), Y.snapshot(b))).toBe(true);
}

const stepArbitrary = (size: number): fc.Arbitrary<Step> =>
  fc.oneof(
    {
      // Commands outweigh deliveries, so that replicas drift apart and edit concurrently.
      weight: 6,
      arbitrary: fc.record({
        kind: fc.constant('command' as const),
        replica: fc.nat(size - 1),
        command: boardCommandArbitrary,
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({ kind: fc.constant('deliver' as const), replica: fc.nat(size - 1), pick: fc.nat() }),
    },
    {
      weight: 1,
      arbitrary: fc.record({ kind: fc.constant('duplicate' as const), replica: fc.nat(size - 1), pick: fc.nat() }),
    },
  );

const scenario = fc.integer({ min: 3, max: 5 }).chain((size) =>
  fc.record({
    size: fc.constant(size),
    steps: fc.array(stepArbitrary(size), { minLength: 20, maxLength: 100, size: 'max' }),
  }),
);

describe('board convergence', () => {
  // Yjs warns, rather than throws, when a command reads a type before it is in the document.
  let warn: jest.SpyInstance;
  // shared/ has neither DOM nor Node types: the console is reached through globalThis.
  const logger = (globalThis as unknown as { console: { warn: (...data: unknown[]) => void } }).console;
  beforeEach(() => (warn = jest.spyOn(logger, 'warn')));
  afterEach(() => {
    expect(warn).not.toHaveBeenCalled();
    warn.mockRestore();
  });

  it('converges to one valid board on every replica, whatever the order of delivery', () => {
    fc.assert(
      fc.property(scenario, ({ size, steps }) => {
        const { replicas, log } = network(size);
        for (const step of steps) {
          const replica = replicas[step.replica];
          if (step.kind === 'command') run(replica, step.replica, step.command);
          else if (step.kind === 'deliver') deliver(replica, step.pick);
          else if (replica.received.length > 0) {
            Y.applyUpdate(replica.doc, replica.received[step.pick % replica.received.length], REMOTE);
          }
        }
        for (const replica of replicas) while (replica.inbox.length > 0) deliver(replica, 0);

        const rebuilt = new Y.Doc();
        Y.applyUpdate(rebuilt, Y.mergeUpdates(log));
        for (const replica of replicas) {
          expect(replica.doc.store.pendingStructs).toBeNull();
          expectSame(rebuilt, replica.doc);
          expect(validateBoard(replica.doc)).toEqual([]);
        }
        expect(validateBoard(rebuilt)).toEqual([]);
      }),
    );
  });

  it('keeps a board valid when concurrent edits merge a text past the length a command writes', () => {
    const { replicas } = network(2);
    const [a, b] = replicas;
    updateProject(a.doc, 'p1', { title: '甲'.repeat(150) }, 'a');
    updateProject(b.doc, 'p1', { title: '乙'.repeat(150) }, 'b');
    for (const replica of replicas) while (replica.inbox.length > 0) deliver(replica, 0);
    expect(readBoard(a.doc).projects[0].title).toHaveLength(300);
    expect(validateBoard(a.doc)).toEqual([]);
    expectSame(a.doc, b.doc);
  });
});
