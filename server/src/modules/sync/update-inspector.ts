import { BOARD_ROOTS, type DocChange, resolveSchemaNode, SchemaNode } from '@gongjian/shared';
import * as Y from 'yjs';

/** One effect of an update on the board document, located by its path (`['projects', 'p1', 'stage']`). */
export type UpdateChange = DocChange;

/** Why an update was refused, with the path it concerns. */
export class UpdateRejection extends Error {
  constructor(
    readonly reason:
      | 'unknown_root'
      | 'unknown_key'
      | 'wrong_type'
      | 'invalid_value'
      | 'missing_key'
      | 'unresolvable'
      | 'missing_dependency'
      | 'clock_out_of_range',
    readonly path: string,
  ) {
    super(`${reason} at ${path || '/'}`);
    this.name = 'UpdateRejection';
  }
}

/** Highest clock (operations of one client) an update may reach: 2^48, far below where floats lose integers. */
export const MAX_CLOCK = 2 ** 48;

/**
 * Where an item sits: its container's path, its key there (null in a text), and which container
 * instance: `doc` for one the document has, `root`, or the id of a container this update creates
 * (two containers can share a path when one replaces the other).
 */
type Location = { parent: string[]; key: string | null; owner: string };

/**
 * Reads what an update would change, without applying it: every map entry it sets or creates,
 * every text it types into, every entry it deletes, each with its path, checked against the
 * board schema (`BOARD_ROOTS`). Throws UpdateRejection for anything the schema does not allow.
 * The document is only read.
 */
export function inspectUpdate(doc: Y.Doc, update: Uint8Array): UpdateChange[] {
  const { structs, ds } = Y.decodeUpdate(update);
  // Clocks count a client's operations; no real client comes near MAX_CLOCK. Past 2^53 Yjs' own
  // arithmetic loses precision and the document would encode updates nobody can decode (a fuzzed
  // GC struct of length ~2^53 did exactly that: the board's whole state became unreadable).
  for (const struct of structs) {
    if (struct.id.clock + struct.length > MAX_CLOCK) throw new UpdateRejection('clock_out_of_range', '');
  }
  for (const ranges of ds.clients.values()) {
    for (const range of ranges)
      if (range.clock + range.len > MAX_CLOCK) throw new UpdateRejection('clock_out_of_range', '');
  }
  const own = new Set<Y.Item>();
  const ownByClient = new Map<number, Y.Item[]>();
  const state = (client: number) => Y.getState(doc.store, client);
  for (const struct of structs) {
    if (!(struct instanceof Y.Item)) continue;
    // Already in the document (an update sent twice, or a step 2 overlapping what arrived meanwhile): no change.
    if (struct.id.clock + struct.length <= state(struct.id.client)) continue;
    own.add(struct);
    const list = ownByClient.get(struct.id.client) ?? [];
    list.push(struct);
    ownByClient.set(struct.id.client, list);
  }
  for (const list of ownByClient.values()) list.sort((a, b) => a.id.clock - b.id.clock);
  // Structs that would wait for missing ones (a gap in a client's clock: an earlier update of that
  // client was refused) would be logged unchecked and integrate later, so they are refused.
  const byClient = new Map<number, Array<Y.Item | Y.GC>>();
  for (const struct of structs) {
    if (!(struct instanceof Y.Item) && !(struct instanceof Y.GC)) continue; // a Skip is a gap
    const list = byClient.get(struct.id.client) ?? [];
    list.push(struct);
    byClient.set(struct.id.client, list);
  }
  for (const [client, list] of byClient) {
    let next = state(client);
    for (const struct of list.sort((a, b) => a.id.clock - b.id.clock)) {
      if (struct.id.clock > next) throw new UpdateRejection('missing_dependency', '');
      next = Math.max(next, struct.id.clock + struct.length);
    }
  }
  const locations = new Map<Y.Item, Location | null>();

  /** The integrated or incoming struct that holds `id`, or null when neither has it. */
  const findStruct = (id: Y.ID): Y.Item | Y.GC | null => {
    const incoming = findIn(ownByClient.get(id.client), id.clock);
    if (incoming) return incoming;
    if (id.clock >= state(id.client)) return null;
    const struct = Y.getItem(doc.store, id) as unknown as Y.Item | Y.GC;
    return struct;
  };

  const typePath = (type: Y.AbstractType<unknown>): string[] => {
    const path: string[] = [];
    let current: Y.AbstractType<unknown> = type;
    while (current._item) {
      const key = current._item.parentSub;
      if (key === null) throw new UpdateRejection('wrong_type', path.join('/'));
      path.unshift(key);
      current = current._item.parent as Y.AbstractType<unknown>;
    }
    path.unshift(Y.findRootTypeKey(current));
    return path;
  };

  /** Where an item sits: the path of the container it belongs to, and its key there (null in a text). */
  const locate = (item: Y.Item): Location | null => {
    if (locations.has(item)) return locations.get(item)!;
    let location: Location | null;
    if (!own.has(item)) {
      // Integrated: its parent is a type.
      location = { parent: typePath(item.parent as Y.AbstractType<unknown>), key: item.parentSub, owner: 'doc' };
    } else if (typeof item.parent === 'string') {
      location = { parent: [item.parent], key: item.parentSub, owner: 'root' };
    } else if (item.parent instanceof Y.ID) {
      const parent = findStruct(item.parent);
      if (parent === null) throw new UpdateRejection('missing_dependency', '');
      // Yjs drops what is written into a deleted or collected container; so do we.
      const path = parent instanceof Y.Item && !(parent.deleted && !own.has(parent)) ? containerPath(parent) : null;
      location = path && {
        parent: path,
        key: item.parentSub,
        owner: own.has(parent as Y.Item) ? idKey((parent as Y.Item).id) : 'doc',
      };
    } else {
      // Parent and key come from the neighbour the item was inserted next to.
      const neighbourId = item.origin ?? item.rightOrigin;
      const neighbour = neighbourId ? findStruct(neighbourId) : null;
      if (neighbour instanceof Y.GC) location = null;
      else if (!neighbour) throw new UpdateRejection('unresolvable', '');
      else {
        const at = locate(neighbour);
        location = at && { parent: at.parent, key: item.parentSub ?? at.key, owner: at.owner };
      }
    }
    locations.set(item, location);
    return location;
  };

  /** The path of the container (Y.Map or Y.Text) an item holds; null when the item is dropped itself. */
  const containerPath = (item: Y.Item): string[] | null => {
    const location = locate(item);
    if (!location) return null;
    if (location.key === null || !(item.content instanceof Y.ContentType)) {
      throw new UpdateRejection('wrong_type', [...location.parent, location.key ?? ''].join('/'));
    }
    return [...location.parent, location.key];
  };

  const changes: UpdateChange[] = [];
  const owners = new Map<UpdateChange, string>();
  const selves = new Map<UpdateChange, string>();
  for (const item of own.values()) {
    const location = locate(item);
    if (!location) continue; // next to garbage-collected content: Yjs drops it too
    const { parent, key } = location;
    if (parent.length === 1 && !(parent[0] in BOARD_ROOTS)) throw new UpdateRejection('unknown_root', parent[0]);
    if (item.content instanceof Y.ContentDeleted) continue;
    if (key === null) {
      const node = resolveSchemaNode(parent);
      if (node?.kind !== 'text' || !(item.content instanceof Y.ContentString)) {
        throw new UpdateRejection('wrong_type', parent.join('/'));
      }
      changes.push({ kind: 'text', path: parent });
      continue;
    }
    const path = [...parent, key];
    const node = resolveSchemaNode(path);
    if (!node) throw new UpdateRejection(parent.length === 0 ? 'unknown_root' : 'unknown_key', path.join('/'));
    const change = changeFor(node, item.content, path);
    owners.set(change, location.owner);
    if (change.kind === 'create') selves.set(change, idKey(item.id));
    changes.push(change);
  }

  for (const [client, ranges] of ds.clients) {
    for (const range of ranges) {
      // Deleting what the document doesn't have yet would wait and hit it, unchecked, when it comes.
      const known = Math.max(
        state(client),
        ...(byClient.get(client) ?? []).map((struct) => struct.id.clock + struct.length),
      );
      if (range.len > 0 && range.clock + range.len > known) throw new UpdateRejection('missing_dependency', '');
      const end = Math.min(range.clock + range.len, state(client));
      let clock = range.clock;
      while (clock < end) {
        const struct = Y.getItem(doc.store, Y.createID(client, clock)) as unknown as Y.Item | Y.GC;
        clock = struct.id.clock + struct.length;
        if (!(struct instanceof Y.Item) || struct.deleted) continue;
        const path = typePath(struct.parent as Y.AbstractType<unknown>);
        changes.push(
          struct.parentSub === null ? { kind: 'text', path } : { kind: 'delete', path: [...path, struct.parentSub] },
        );
      }
    }
  }

  const relevant = withoutContentsOfDeleted(changes);
  checkRequiredKeys(relevant, owners, selves);
  return relevant;
}

/** Deleting a map or text deletes everything in it too; only the container's deletion is a change. */
function withoutContentsOfDeleted(changes: UpdateChange[]): UpdateChange[] {
  const deleted = new Set(changes.filter((c) => c.kind === 'delete').map((c) => c.path.join('/')));
  if (deleted.size === 0) return changes;
  return changes.filter((change) => {
    for (let length = change.path.length - (change.kind === 'text' ? 0 : 1); length > 0; length--) {
      if (deleted.has(change.path.slice(0, length).join('/'))) return false;
    }
    return true;
  });
}

function changeFor(node: SchemaNode, content: Y.Item['content'], path: string[]): UpdateChange {
  if (node.kind === 'value') {
    if (!(content instanceof Y.ContentAny) || content.arr.length !== 1)
      throw new UpdateRejection('wrong_type', path.join('/'));
    const value = content.arr[0];
    if (!node.schema.safeParse(value).success) throw new UpdateRejection('invalid_value', path.join('/'));
    return { kind: 'set', path, value };
  }
  const expected = node.kind === 'text' ? Y.Text : Y.Map;
  if (!(content instanceof Y.ContentType) || !(content.type instanceof expected)) {
    throw new UpdateRejection('wrong_type', path.join('/'));
  }
  return { kind: 'create', path, container: node.kind === 'text' ? 'text' : 'map' };
}

/**
 * A created map brings its required keys — written into that very map, not into another one at
 * the same path (which a concurrent creation replaces without deleting it); a required key is only
 * ever replaced, not removed.
 */
function checkRequiredKeys(
  changes: UpdateChange[],
  owners: Map<UpdateChange, string>,
  selves: Map<UpdateChange, string>,
): void {
  const writes = changes.filter((c) => c.kind === 'set' || c.kind === 'create');
  const written = new Set(writes.map((c) => c.path.join('/')));
  const writtenInto = new Set(writes.map((c) => `${owners.get(c)}|${c.path.join('/')}`));
  for (const change of changes) {
    if (change.kind === 'create' && change.container === 'map') {
      const node = resolveSchemaNode(change.path);
      const self = selves.get(change);
      for (const key of node?.kind === 'map' ? (node.required ?? []) : []) {
        if (!writtenInto.has(`${self}|${[...change.path, key].join('/')}`)) {
          throw new UpdateRejection('missing_key', [...change.path, key].join('/'));
        }
      }
    }
    if (change.kind === 'delete') {
      const parent = resolveSchemaNode(change.path.slice(0, -1));
      const key = change.path[change.path.length - 1];
      if (parent?.kind === 'map' && parent.required?.includes(key) && !written.has(change.path.join('/'))) {
        throw new UpdateRejection('missing_key', change.path.join('/'));
      }
    }
  }
}

function idKey(id: Y.ID): string {
  return `${id.client}:${id.clock}`;
}

/** The item covering `clock` in a list sorted by clock (binary search). */
function findIn(items: Y.Item[] | undefined, clock: number): Y.Item | null {
  if (!items) return null;
  let low = 0;
  let high = items.length - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    const item = items[mid];
    if (clock < item.id.clock) high = mid - 1;
    else if (clock >= item.id.clock + item.length) low = mid + 1;
    else return item;
  }
  return null;
}
