import {
  BoardCommandError,
  decodeSyncMessage,
  encodeSyncStep1,
  encodeSyncStep2,
  encodeSyncUpdate,
} from '@gongjian/shared';
import fc from 'fast-check';
import type { Socket } from 'socket.io-client';
import * as Y from 'yjs';
import {
  applyBoardCommand,
  type BoardCommand,
  boardCommandArbitrary,
} from '../../shared/src/board/testing/board-command-arbitrary';
import { prng } from '../support/random-edits';
import { connected, emitAck, rawSocket } from '../support/sync-sockets';

/**
 * A convergence harness after the Yjs test suite's model (TestConnector): replicas whose messages
 * the harness, driven by a seeded PRNG, holds and delivers — here to and from the real server.
 *
 * Each step is one of: a named edit (a shared board command, run on one replica), sending a
 * replica's oldest unsent update, delivering one replica's oldest received message, dropping a
 * connection (everything in flight both ways is lost; what was not acked goes again in the sync
 * step 2 after reconnecting), and reconnecting. Links are FIFO (socket.io's order) and the
 * interleaving across replicas is random: reorderings come from that. A change the server
 * refuses (the user may not make it, or its stage gate fails on the server's state) resets that
 * replica to the server's state, as the reference client does.
 *
 * At the end every replica reconnects and syncs; then all of them and a fresh load from the
 * server must agree strictly: JSON, state vectors, and a rebuild from the initial state merged
 * with every update the server accepted.
 */

export interface Peer {
  name: string;
  url: string;
  cookie: string;
}

/** Real org ids for the command arbitrary's o1…o4, so that editors' permissions really apply. */
export const ORG_MAP: Record<string, string> = {
  o1: 'liangxi-union',
  o2: 'liangxi-youth',
  o3: 'liangxi-women',
  o4: 'chongansi-center',
};

export interface RunResult {
  seed: number;
  steps: number;
  edits: number;
  accepted: number;
  refused: number;
  resets: number;
  drops: number;
}

export class Divergence extends Error {
  constructor(
    readonly seed: number,
    detail: string,
  ) {
    super(`seed ${seed}: ${detail}`);
  }
}

const FINAL = new Set(['forbidden', 'invalid', 'gate_failed', 'too_large']);
const COMMANDS_PER_SEED = 200;

class Replica {
  doc = new Y.Doc();
  socket: Socket | null = null;
  outbox: Uint8Array[] = [];
  inbox: Uint8Array[] = [];
  /** Set by a drop; the next reconnect sends the step 2 with everything the server lacks. */
  online = false;
  private nextId = 0;

  constructor(
    readonly index: number,
    readonly peer: Peer,
    private readonly boardId: string,
  ) {
    this.watch();
  }

  private watch(): void {
    this.doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin === 'local') this.outbox.push(update);
    });
  }

  id(): string {
    this.nextId += 1;
    return `r${this.index}x${this.nextId}`;
  }

  async connect(): Promise<void> {
    const socket = rawSocket(this.peer.url, this.peer.cookie);
    socket.on('y', (board: string, data: Uint8Array) => {
      if (board === this.boardId && this.socket === socket) this.inbox.push(new Uint8Array(data));
    });
    await connected(socket);
    const ack = await emitAck(socket, 'join', { boardId: this.boardId });
    if (!ack.ok) throw new Error(`${this.peer.name} could not join: ${ack.error}`);
    this.socket = socket;
    this.online = true;
    this.inbox = [];
    // Ask for what this replica lacks; the server's own step 1 (after the join) arrives in the inbox.
    socket.emit('y', this.boardId, encodeSyncStep1(Y.encodeStateVector(this.doc)));
  }

  drop(): void {
    this.socket?.disconnect();
    this.socket = null;
    this.online = false;
    this.inbox = [];
  }

  /** A fresh document from the server, as the reference client does after a refusal. */
  async reset(): Promise<void> {
    this.drop();
    this.doc.destroy();
    this.doc = new Y.Doc();
    this.watch();
    this.outbox = [];
    await this.connect();
  }
}

export async function runSeed(seed: number, peers: Peer[], boardId: string): Promise<RunResult> {
  const random = prng(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const commands = fc.sample(boardCommandArbitrary, { seed, numRuns: COMMANDS_PER_SEED });
  const replicas = peers.map((peer, index) => new Replica(index, peer, boardId));
  const accepted: Uint8Array[] = [];
  const result: RunResult = { seed, steps: 0, edits: 0, accepted: 0, refused: 0, resets: 0, drops: 0 };
  const initial = await freshState(peers[0], boardId);
  accepted.push(initial);

  /** Sends one update (or a step 2) and handles the ack. */
  const send = async (replica: Replica, message: Uint8Array, update: Uint8Array): Promise<void> => {
    if (!replica.socket) return;
    const ack = await emitAck(replica.socket, 'y', boardId, message);
    if (ack.ok) {
      accepted.push(update);
      result.accepted += 1;
      return;
    }
    if (!FINAL.has(ack.error ?? '')) throw new Divergence(seed, `unexpected refusal ${JSON.stringify(ack)}`);
    result.refused += 1;
    result.resets += 1;
    await replica.reset();
  };

  /** Delivers one received message; a step 1 from the server is answered with a step 2. */
  const deliver = async (replica: Replica): Promise<void> => {
    const data = replica.inbox.shift();
    if (!data) return;
    const message = decodeSyncMessage(data);
    if (message.kind === 'step1') {
      // Everything the server lacks: what this replica made offline, or sent and never heard back of.
      const diff = Y.encodeStateAsUpdate(replica.doc, message.stateVector);
      replica.outbox = [];
      if (Y.decodeUpdate(diff).structs.length > 0 || Y.decodeUpdate(diff).ds.clients.size > 0) {
        await send(replica, encodeSyncStep2(diff), diff);
      }
    } else if (message.kind === 'update') {
      Y.applyUpdate(replica.doc, message.update, 'remote');
    }
  };

  const reconnect = (replica: Replica): Promise<void> => replica.connect();

  try {
    for (const replica of replicas) await reconnect(replica);
    let next = 0;
    while (next < commands.length) {
      result.steps += 1;
      const replica = pick(replicas);
      const roll = random();
      if (roll < 0.35) {
        const command = remap(commands[next++]);
        try {
          replica.doc.transact(
            () =>
              applyBoardCommand(replica.doc, command, { replica: replica.index, nextId: () => replica.id() }, 'local'),
            'local',
          );
          result.edits += 1;
        } catch (error) {
          if (!(error instanceof BoardCommandError)) throw error;
        }
      } else if (roll < 0.6) {
        if (replica.online && replica.outbox.length > 0) {
          const update = replica.outbox.shift()!;
          await send(replica, encodeSyncUpdate(update), update);
        }
      } else if (roll < 0.93) {
        await deliver(replica);
      } else if (roll < 0.97) {
        if (replica.online) {
          replica.drop();
          result.drops += 1;
        }
      } else if (!replica.online) {
        await reconnect(replica);
      }
    }
    // Heal: everyone back online, everything sent and delivered until quiet.
    for (const replica of replicas) if (!replica.online) await reconnect(replica);
    for (let round = 0; round < 200; round++) {
      let busy = false;
      for (const replica of replicas) {
        while (replica.outbox.length > 0) {
          busy = true;
          const update = replica.outbox.shift()!;
          await send(replica, encodeSyncUpdate(update), update);
        }
      }
      await new Promise((resolve) => setTimeout(resolve, round < 3 ? 30 : 100));
      for (const replica of replicas) {
        while (replica.inbox.length > 0) {
          busy = true;
          await deliver(replica);
        }
      }
      if (!busy && round > 2 && (await agree(replicas, peers[0], boardId))) break;
    }
    await compare(seed, replicas, peers, boardId, accepted);
    return result;
  } finally {
    for (const replica of replicas) {
      replica.drop();
      replica.doc.destroy();
    }
  }
}

/** The command with the arbitrary's org ids replaced by real ones. */
function remap(command: BoardCommand): BoardCommand {
  return JSON.parse(JSON.stringify(command), (_key, value: unknown) =>
    typeof value === 'string' && value in ORG_MAP ? ORG_MAP[value] : value,
  ) as BoardCommand;
}

async function freshState(peer: Peer, boardId: string): Promise<Uint8Array> {
  const socket = rawSocket(peer.url, peer.cookie);
  try {
    await connected(socket);
    const doc = new Y.Doc();
    const synced = new Promise<void>((resolve) => {
      socket.on('y', (board: string, data: Uint8Array) => {
        if (board !== boardId) return;
        const message = decodeSyncMessage(new Uint8Array(data));
        if (message.kind === 'update') {
          Y.applyUpdate(doc, message.update);
          if (message.step === 'step2') resolve();
        }
      });
    });
    const ack = await emitAck(socket, 'join', { boardId });
    if (!ack.ok) throw new Error(`fresh load refused: ${ack.error}`);
    socket.emit('y', boardId, encodeSyncStep1(new Uint8Array([0])));
    await synced;
    const state = Y.encodeStateAsUpdate(doc);
    doc.destroy();
    return state;
  } finally {
    socket.disconnect();
  }
}

async function agree(replicas: Replica[], peer: Peer, boardId: string): Promise<boolean> {
  const server = await freshState(peer, boardId);
  const vector = Buffer.from(Y.encodeStateVectorFromUpdate(server)).toString('base64');
  return replicas.every((replica) => Buffer.from(Y.encodeStateVector(replica.doc)).toString('base64') === vector);
}

/** Content (with keys in a canonical order: a map's own order depends on arrival) and state vector. */
function snapshot(doc: Y.Doc): { json: string; vector: string } {
  return {
    json: canonical({ meta: doc.getMap('meta').toJSON(), projects: doc.getMap('projects').toJSON() }),
    vector: Buffer.from(Y.encodeStateVector(doc)).toString('base64'),
  };
}

function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(
          Object.entries(inner as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
        )
      : inner,
  );
}

async function compare(
  seed: number,
  replicas: Replica[],
  peers: Peer[],
  boardId: string,
  accepted: Uint8Array[],
): Promise<void> {
  const loads = await Promise.all(peers.map((peer) => freshState(peer, boardId)));
  const reference = new Y.Doc();
  Y.applyUpdate(reference, loads[0]);
  const expected = snapshot(reference);
  const check = (what: string, doc: Y.Doc) => {
    const actual = snapshot(doc);
    if (actual.vector !== expected.vector) throw new Divergence(seed, `${what}: state vector differs`);
    if (actual.json !== expected.json) throw new Divergence(seed, `${what}: content differs`);
  };
  for (const [index, state] of loads.entries()) {
    const doc = new Y.Doc();
    Y.applyUpdate(doc, state);
    check(`fresh load from instance ${index}`, doc);
    doc.destroy();
  }
  for (const replica of replicas) check(`replica ${replica.peer.name}`, replica.doc);
  const rebuilt = new Y.Doc();
  Y.applyUpdate(rebuilt, Y.mergeUpdates(accepted));
  check('rebuild from the accepted updates', rebuilt);
  rebuilt.destroy();
  reference.destroy();
}
