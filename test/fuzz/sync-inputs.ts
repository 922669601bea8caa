import {
  encodeAwarenessMessage,
  encodeSyncStep1,
  encodeSyncStep2,
  encodeSyncUpdate,
  joinPayloadSchema,
  MessageType,
  SyncStep,
} from '@gongjian/shared';
import fc from 'fast-check';
import * as encoding from 'lib0/encoding';
import { Awareness, encodeAwarenessUpdate } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { applyBoardCommand, boardCommandArbitrary } from '../../shared/src/board/testing/board-command-arbitrary';

/**
 * Malformed input for the sync socket, made by fast-check from a corpus of real messages: updates
 * made with the shared board commands on a copy of the target board, awareness updates made with
 * y-protocols, and state vectors. Every input is one socket.io emit (event name and arguments) with
 * the ack codes the server may answer it with.
 */

export interface Corpus {
  /** Raw Yjs updates (not framed). */
  updates: Uint8Array[];
  /** Raw awareness updates (not framed). */
  awareness: Uint8Array[];
  stateVectors: Uint8Array[];
}

/** What one fuzz input sends, and what the ack may be. */
export interface FuzzInput {
  kind: string;
  event: string;
  args: unknown[];
  /** false: sent without an ack callback (the server must not choke on a missing one). */
  ack: boolean;
  /** Ack error codes allowed (`ok` for `{ok: true}`); undefined: no ack expected. */
  allowed?: readonly string[];
}

/** The y message kinds sent to the joined target board, with what a refusal may say. */
export interface TargetPolicy {
  boardId: string;
  /** Ack answers allowed for a y message on the target board ('ok' = accepted). */
  yAllowed: readonly string[];
}

/**
 * Real updates: each board command sampled by fast-check (from the shared command arbitrary) and
 * each edit in `edits`, run on one copy of `base`, one update per command. Commands that the
 * document refuses (a project that does not exist...) are skipped.
 */
export function buildCorpus(base: Y.Doc, seed: number, edits: Array<(doc: Y.Doc) => void> = []): Corpus {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, Y.encodeStateAsUpdate(base));
  const updates: Uint8Array[] = [];
  const stateVectors: Uint8Array[] = [Y.encodeStateVector(doc), Y.encodeStateVector(new Y.Doc())];
  const capture = (run: () => void) => {
    const before = Y.encodeStateVector(doc);
    try {
      run();
    } catch {
      return;
    }
    const update = Y.encodeStateAsUpdate(doc, before);
    if (update.byteLength > 2) updates.push(update);
  };
  for (const edit of edits) capture(() => edit(doc));
  let n = 0;
  for (const command of fc.sample(boardCommandArbitrary, { numRuns: 120, seed })) {
    capture(() => applyBoardCommand(doc, command, { replica: 1, nextId: () => `fz${n++}` }, 'fuzz'));
  }
  stateVectors.push(Y.encodeStateVector(doc));
  // The whole board once, as a step 2 of a new client would carry it.
  updates.push(Y.encodeStateAsUpdate(doc, stateVectors[0]));

  const awareness: Uint8Array[] = [];
  const states: Array<Record<string, unknown>> = [
    { cursor: { projectId: 'p1' } },
    { user: { id: 'demo-admin', name: '系统管理员', color: '#000' }, selection: [1, 2, 3] },
    { typing: true, at: '2026-03-01T08:00:00.000Z', note: '职工之家 😀' },
  ];
  for (const state of states) {
    const presence = new Awareness(new Y.Doc());
    presence.setLocalState(state);
    awareness.push(encodeAwarenessUpdate(presence, [presence.clientID]));
    presence.setLocalState(null);
    awareness.push(encodeAwarenessUpdate(presence, [presence.clientID]));
    presence.destroy();
  }
  doc.destroy();
  return { updates, awareness, stateVectors };
}

// ─── byte mutations ─────────────────────────────────────────────────────────────────────────────

type Mutation = (bytes: Uint8Array) => Uint8Array;

const truncate = fc
  .nat()
  .map<Mutation>((cut) => (bytes) => bytes.slice(0, bytes.length === 0 ? 0 : cut % bytes.length));

const flipBits = fc.array(fc.nat(), { minLength: 1, maxLength: 8 }).map<Mutation>((positions) => (bytes) => {
  const copy = bytes.slice();
  if (copy.length === 0) return copy;
  for (const position of positions) copy[(position >>> 3) % copy.length] ^= 1 << (position & 7);
  return copy;
});

const overwrite = fc
  .array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 })
  .map<Mutation>((edits) => (bytes) => {
    const copy = bytes.slice();
    if (copy.length === 0) return copy;
    for (const [at, value] of edits) copy[at % copy.length] = value;
    return copy;
  });

const insertBytes = fc
  .tuple(fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 16 }))
  .map<Mutation>(([at, extra]) => (bytes) => {
    const position = bytes.length === 0 ? 0 : at % (bytes.length + 1);
    return concat(bytes.slice(0, position), extra, bytes.slice(position));
  });

const deleteBytes = fc.tuple(fc.nat(), fc.integer({ min: 1, max: 16 })).map<Mutation>(([at, count]) => (bytes) => {
  if (bytes.length === 0) return bytes;
  const position = at % bytes.length;
  return concat(bytes.slice(0, position), bytes.slice(position + count));
});

/** Big numbers as lib0 varUints, and overlong / unterminated varUint encodings. */
const hugeVarUint = fc.oneof(
  fc
    .constantFrom(2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1, 2 ** 32, 2 ** 40, 2 ** 53 - 1, Number.MAX_SAFE_INTEGER)
    .map(varUint),
  fc.bigInt({ min: 2n ** 20n, max: 2n ** 53n - 1n }).map((n) => varUint(Number(n))),
  fc.integer({ min: 9, max: 24 }).map((length) => new Uint8Array(length).fill(0xff)),
  fc
    .integer({ min: 8, max: 12 })
    .map((length) => Uint8Array.from({ length }, (_, i) => (i === length - 1 ? 0x01 : 0x80))),
);

/** Replaces the byte at a random offset (a length, a count, a clock...) with a huge varUint. */
const hugeAt = fc.tuple(fc.nat(), hugeVarUint).map<Mutation>(([at, huge]) => (bytes) => {
  const position = bytes.length === 0 ? 0 : at % bytes.length;
  return concat(bytes.slice(0, position), huge, bytes.slice(position + 1));
});

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 3, arbitrary: truncate },
  { weight: 4, arbitrary: flipBits },
  { weight: 2, arbitrary: overwrite },
  { weight: 1, arbitrary: insertBytes },
  { weight: 1, arbitrary: deleteBytes },
  { weight: 2, arbitrary: hugeAt },
);

/** One to three mutations in a row. */
const mutations = fc
  .array(mutation, { minLength: 1, maxLength: 3 })
  .map<Mutation>((list) => (bytes) => list.reduce((b, m) => m(b), bytes));

const frameUpdate = fc.constantFrom<(u: Uint8Array) => Uint8Array>(encodeSyncUpdate, encodeSyncStep2);

// ─── argument values of the wrong type ──────────────────────────────────────────────────────────

const HUGE = 'x'.repeat(200_000);
const hugeString = fc.integer({ min: 10_000, max: 200_000 }).map((length) => HUGE.slice(0, length));
/** Mostly `common`, once in a while (1 in `odds`) `rare`: keeps huge values rare enough for a fast run. */
const seldom = <T>(common: fc.Arbitrary<T>, rare: fc.Arbitrary<T>, odds = 100): fc.Arbitrary<T> =>
  fc.oneof({ weight: odds, arbitrary: common }, { weight: 1, arbitrary: rare });

function deep(depth: number, leaf: unknown, kind: 'array' | 'object'): unknown {
  let value = leaf;
  for (let i = 0; i < depth; i++) value = kind === 'array' ? [value] : { a: value };
  return value;
}

/** Anything but bytes: what a confused or hostile client may send where bytes or an id belong. */
export const wrongValue: fc.Arbitrary<unknown> = seldom<unknown>(
  fc.oneof(
    fc.integer(),
    fc.double(),
    fc.constantFrom(null, undefined, true, false, 0, -1, '', NaN, Infinity),
    fc.string(),
    fc.string({ unit: 'binary' }),
    fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 64 }),
    fc.object({ maxDepth: 3 }),
    fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 5 }),
    fc.uint8Array({ maxLength: 16 }).map((bytes) => ({ data: bytes })),
    fc.uint8Array({ maxLength: 16 }).map((bytes) => [bytes]),
    fc.constantFrom(
      { type: 'Buffer', data: [0, 2, 1, 0] },
      { _placeholder: true, num: 0 },
      JSON.parse('{"__proto__":{"polluted":1}}') as unknown,
    ),
    fc.integer({ min: 100, max: 1_000 }).map((depth) => deep(depth, 1, 'array')),
    fc.integer({ min: 100, max: 1_000 }).map((depth) => deep(depth, 1, 'object')),
  ),
  hugeString,
);

const SOCKET_IO_RESERVED = new Set([
  'connect',
  'connect_error',
  'disconnect',
  'disconnecting',
  'newListener',
  'removeListener',
]);
const KNOWN_EVENTS = new Set(['join', 'leave', 'y', 'access']);

const eventName = fc
  .oneof(
    fc.string({ maxLength: 40 }),
    fc.constantFrom(
      'Y',
      'JOIN',
      'y ',
      ' join',
      'leave\u0000',
      'access',
      'error',
      'message',
      'ping',
      '__proto__',
      'constructor',
      'toString',
      'hasOwnProperty',
      'emit',
      'onevent',
      'data',
    ),
  )
  .filter((name) => !SOCKET_IO_RESERVED.has(name) && !(KNOWN_EVENTS.has(name) && name !== 'access'));

/** A boardId value that joinPayloadSchema refuses, or one it accepts but names no board of the user. */
const boardIdValue = fc.oneof(
  wrongValue,
  fc.string({ maxLength: 80 }),
  fc.constantFrom(
    '../etc/passwd',
    'demo-liangxi-2026/../x',
    'demo liangxi',
    '',
    'a'.repeat(65),
    '<script>',
    'demo-liangxi-2026\n',
    '%00',
  ),
);

const joinPayload: fc.Arbitrary<unknown> = fc.oneof(
  fc.anything({ maxDepth: 3 }),
  boardIdValue.map((boardId) => ({ boardId })),
  fc
    .tuple(boardIdValue, fc.string(), fc.jsonValue())
    .map(([boardId, key, value]) => ({ boardId, [key || 'x']: value })),
  fc.constantFrom(
    {},
    { boardid: 'demo-liangxi-2026' },
    { boardId: ['demo-liangxi-2026'] },
    { boardId: { toString: 'demo-liangxi-2026' } },
  ),
  wrongValue,
);

// ─── the inputs ─────────────────────────────────────────────────────────────────────────────────

function isBytes(value: unknown): boolean {
  return value instanceof Uint8Array || value instanceof ArrayBuffer;
}

/**
 * The arbitrary of fuzz inputs for a socket that has joined `target.boardId`. `extraBoardIds`:
 * boards the socket has not joined (a `y` for one is `forbidden`).
 */
export function fuzzInputs(corpus: Corpus, target: TargetPolicy): fc.Arbitrary<FuzzInput> {
  const { boardId, yAllowed } = target;
  const y = (kind: string, data: Uint8Array): FuzzInput => ({
    kind,
    event: 'y',
    args: [boardId, data],
    ack: true,
    allowed: yAllowed,
  });
  const update = fc.constantFrom(...corpus.updates);
  const awareness = fc.constantFrom(...corpus.awareness);
  const stateVector = fc.constantFrom(...corpus.stateVectors);

  const randomBytes = fc.uint8Array({ maxLength: 600, size: 'large' }).map((bytes) => y('random-bytes', bytes));
  const randomFramed = fc
    .tuple(
      fc.constantFrom(encodeSyncStep2, encodeSyncUpdate, encodeAwarenessMessage, encodeSyncStep1),
      fc.uint8Array({ maxLength: 400, size: 'large' }),
    )
    .map(([frame, payload]) => y('random-payload', frame(payload)));
  // Mutating the update and framing it again reaches the Yjs decoder; mutating the framed message tests the framing.
  const mutatedUpdate = fc
    .tuple(update, mutations, frameUpdate)
    .map(([u, m, frame]) => y('mutated-update', frame(m(u))));
  const truncatedUpdate = fc
    .tuple(update, truncate, frameUpdate)
    .map(([u, m, frame]) => y('truncated-update', frame(m(u))));
  const bitFlippedUpdate = fc
    .tuple(update, flipBits, frameUpdate)
    .map(([u, m, frame]) => y('bit-flipped-update', frame(m(u))));
  const mutatedFrame = fc.tuple(update, mutations, frameUpdate).map(([u, m, frame]) => y('mutated-frame', m(frame(u))));
  const hugeLength = fc
    .tuple(
      fc.constantFrom<number[]>(
        [MessageType.sync, SyncStep.update],
        [MessageType.sync, SyncStep.step2],
        [MessageType.sync, SyncStep.step1],
        [MessageType.awareness],
        [],
      ),
      hugeVarUint,
      fc.uint8Array({ maxLength: 32 }),
    )
    .map(([head, huge, tail]) => y('huge-varuint', concat(Uint8Array.from(head), huge, tail)));
  const hugeInside = fc.tuple(update, hugeAt, frameUpdate).map(([u, m, frame]) => y('huge-varuint', frame(m(u))));
  const mutatedAwareness = fc
    .tuple(awareness, mutations)
    .map(([a, m]) => y('mutated-awareness', encodeAwarenessMessage(m(a))));
  const mutatedAwarenessFrame = fc
    .tuple(awareness, mutations)
    .map(([a, m]) => y('mutated-awareness', m(encodeAwarenessMessage(a))));
  const structuredAwareness = awarenessUpdate.map((bytes) => y('structured-awareness', encodeAwarenessMessage(bytes)));
  const mutatedStep1 = fc.tuple(stateVector, mutations).map(([sv, m]) => y('mutated-step1', encodeSyncStep1(m(sv))));

  const wrongTypes = fc
    .tuple(fc.oneof(fc.constant<unknown>(boardId), boardIdValue), fc.oneof(wrongValue, fc.uint8Array({ maxLength: 8 })))
    .filter(([id, data]) => !(id === boardId && isBytes(data)))
    .map(([id, data]): FuzzInput => ({
      kind: 'y-wrong-types',
      event: 'y',
      args: [id, data],
      ack: true,
      allowed: [typeof id === 'string' && isBytes(data) ? 'forbidden' : 'invalid'],
    }));
  const missingArgs = fc.constantFrom<unknown[]>([], [boardId], [undefined, undefined]).map((args): FuzzInput => ({
    kind: 'y-wrong-types',
    event: 'y',
    args,
    ack: true,
    allowed: ['invalid'],
  }));
  const extraArgs = fc
    .tuple(update, frameUpdate, fc.array(wrongValue, { minLength: 1, maxLength: 3 }))
    .map(([u, frame, extra]): FuzzInput => ({
      kind: 'y-extra-args',
      event: 'y',
      args: [boardId, frame(u), ...extra],
      ack: true,
      allowed: yAllowed,
    }));
  const noAck = fc
    .tuple(fc.oneof(fc.constant<unknown>(boardId), wrongValue), fc.oneof(wrongValue, fc.uint8Array({ maxLength: 64 })))
    .map(([id, data]): FuzzInput => ({ kind: 'y-no-ack', event: 'y', args: [id, data], ack: false }));

  const joins = joinPayload
    .filter((payload) => !(joinPayloadSchema.safeParse(payload).data?.boardId === boardId))
    .map((payload): FuzzInput => ({
      kind: 'join-malformed',
      event: 'join',
      args: [payload],
      ack: true,
      allowed: [joinPayloadSchema.safeParse(payload).success ? 'not_found' : 'invalid'],
    }));
  const leaves = joinPayload
    .filter((payload) => !(joinPayloadSchema.safeParse(payload).data?.boardId === boardId))
    .map((payload): FuzzInput => ({
      kind: 'leave-malformed',
      event: 'leave',
      args: [payload],
      ack: true,
      allowed: [joinPayloadSchema.safeParse(payload).success ? 'ok' : 'invalid'],
    }));
  const joinExtraArgs = fc
    .tuple(fc.constantFrom('join', 'leave'), fc.array(wrongValue, { minLength: 2, maxLength: 4 }))
    .map(([event, args]): FuzzInput => ({ kind: `${event}-malformed`, event, args, ack: false }));
  const unknownEvents = fc
    .tuple(eventName, fc.array(fc.oneof(wrongValue, fc.uint8Array({ maxLength: 32 })), { maxLength: 3 }))
    .map(([event, args]): FuzzInput => ({ kind: 'unknown-event', event, args, ack: false }));

  return fc.oneof(
    { weight: 10, arbitrary: randomBytes },
    { weight: 6, arbitrary: randomFramed },
    { weight: 12, arbitrary: mutatedUpdate },
    { weight: 8, arbitrary: truncatedUpdate },
    { weight: 10, arbitrary: bitFlippedUpdate },
    { weight: 5, arbitrary: mutatedFrame },
    { weight: 4, arbitrary: hugeLength },
    { weight: 4, arbitrary: hugeInside },
    { weight: 6, arbitrary: mutatedAwareness },
    { weight: 2, arbitrary: mutatedAwarenessFrame },
    { weight: 6, arbitrary: structuredAwareness },
    { weight: 1, arbitrary: mutatedStep1 },
    { weight: 8, arbitrary: wrongTypes },
    { weight: 1, arbitrary: missingArgs },
    { weight: 2, arbitrary: extraArgs },
    { weight: 2, arbitrary: noAck },
    { weight: 4, arbitrary: joins },
    { weight: 3, arbitrary: leaves },
    { weight: 1, arbitrary: joinExtraArgs },
    { weight: 3, arbitrary: unknownEvents },
  );
}

/**
 * Awareness updates with a valid structure but anything inside: states that are not objects, not
 * JSON, huge, deeply nested, claim another identity; huge or repeated client ids and clocks;
 * counts that do not match the entries.
 */
const awarenessState: fc.Arbitrary<string> = seldom(
  fc.oneof(
    fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value) ?? 'null'),
    fc.object({ maxDepth: 2 }).map((value) => JSON.stringify(value) ?? '{}'),
    fc.string({ maxLength: 40 }),
    fc.constantFrom(
      'null',
      '{}',
      '[]',
      '1',
      '"s"',
      'true',
      '{"user":{"id":"demo-admin"}}',
      '{"__proto__":{"x":1}}',
      '{',
      '',
      '\u0000',
    ),
  ),
  fc.oneof(
    // Deep enough to overflow a recursive JSON.stringify, small enough for one message.
    fc.integer({ min: 5_000, max: 100_000 }).map((depth) => `{"a":${'['.repeat(depth)}${']'.repeat(depth)}}`),
    fc.integer({ min: 5_000, max: 50_000 }).map((depth) => `{"a":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}`),
    hugeString.map((s) => JSON.stringify({ note: s })),
  ),
  60,
);

const awarenessUpdate: fc.Arbitrary<Uint8Array> = fc
  .tuple(
    fc.array(
      fc.tuple(
        fc.oneof(fc.nat(), fc.constantFrom(0, 1, 2 ** 32 - 1, 2 ** 53 - 1)),
        fc.oneof(fc.nat(), fc.constantFrom(0, 2 ** 53 - 1)),
        awarenessState,
      ),
      { maxLength: 4 },
    ),
    fc.oneof({ weight: 5, arbitrary: fc.constant(0) }, fc.integer({ min: -2, max: 3 })),
  )
  .map(([entries, countSkew]) => {
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, Math.max(0, entries.length + countSkew));
    for (const [clientId, clock, state] of entries) {
      encoding.writeVarUint(encoder, clientId);
      encoding.writeVarUint(encoder, clock);
      encoding.writeVarString(encoder, state);
    }
    return encoding.toUint8Array(encoder);
  });

export function varUint(value: number): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, value);
  return encoding.toUint8Array(encoder);
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
