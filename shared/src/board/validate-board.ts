import * as Y from 'yjs';
import { BOARD_ROOTS, criteriaNode, type SchemaNode } from './board-schema';
import { type Criterion, weightsSumTo100 } from './board-values';

/** What the content checks read of any shared type. */
type AnyType = Pick<Y.AbstractType<unknown>, '_map' | '_start'>;

/**
 * Validation of a board document against its schema (`BOARD_ROOTS`, DESIGN.md §6), reporting
 * every problem with its path (`projects/p1/checklist/c2/status`), plus what the schema can't
 * express: an entry's `id` equals its key, and the rubric's weights sum to 100.
 *
 * Not checked: the length of Y.Texts (concurrent edits can merge past any limit; commands keep
 * each edit within TEXT_LIMITS), and the workflow (a stage reached through its gate stays valid
 * when a concurrent edit later undoes a condition of it).
 */

export type BoardProblemCode =
  'unknown_root' | 'unknown_key' | 'wrong_type' | 'invalid_value' | 'missing_key' | 'weights' | 'id_mismatch';

export interface BoardProblem {
  path: string;
  code: BoardProblemCode;
  message: string;
}

/**
 * Every problem of the document. An empty document (no live content: a board whose meta
 * initBoard has not written yet) has none.
 */
export function validateBoard(doc: Y.Doc): BoardProblem[] {
  const roots = [...doc.share.entries()];
  if (!roots.some(([, type]) => hasLiveContent(type))) return [];
  const problems: BoardProblem[] = [];
  for (const [name, type] of roots) {
    if (!Object.hasOwn(BOARD_ROOTS, name) && hasLiveContent(type)) {
      problems.push({ path: name, code: 'unknown_root', message: `the board has no root ${name}` });
    }
  }
  for (const [name, node] of Object.entries(BOARD_ROOTS)) {
    const root = rootMap(doc, name);
    if (root === 'wrong_type') problems.push({ path: name, code: 'wrong_type', message: `${name} is not a map` });
    else problems.push(...validateEntries(node, root ? [...root.entries()] : [], name));
  }
  return problems;
}

/**
 * The problems of one value or container against its schema node, and of everything in it.
 * `value` is what sits at `path` in the document: a Y.Map or Y.Text for containers, a plain JSON
 * value otherwise. A map node with an `id` field is an entry of a collection: its id must equal
 * the last key of `path`.
 */
export function validateNode(node: SchemaNode, value: unknown, path: string): BoardProblem[] {
  switch (node.kind) {
    case 'value': {
      if (!isJson(value))
        return [{ path, code: 'wrong_type', message: `${path} holds a ${describe(value)}, not a plain value` }];
      const result = node.schema.safeParse(value);
      if (!result.success) {
        return [
          {
            path,
            code: 'invalid_value',
            message: `${path}: ${result.error.issues.map((issue) => issue.message).join('; ')}`,
          },
        ];
      }
      return node === criteriaNode && !weightsSumTo100(value as Criterion[])
        ? [{ path, code: 'weights', message: `${path}: the criteria weights must sum to 100` }]
        : [];
    }
    case 'text': {
      if (!(value instanceof Y.Text))
        return [{ path, code: 'wrong_type', message: `${path} holds a ${describe(value)}, not a Y.Text` }];
      const rich = (value.toDelta() as { insert: unknown; attributes?: unknown }[]).some(
        (op) => typeof op.insert !== 'string' || op.attributes !== undefined,
      );
      return rich
        ? [{ path, code: 'invalid_value', message: `${path} holds formatting or embeds, not plain text` }]
        : [];
    }
    case 'map':
    case 'record': {
      if (!(value instanceof Y.Map))
        return [{ path, code: 'wrong_type', message: `${path} holds a ${describe(value)}, not a Y.Map` }];
      return validateEntries(node, [...value.entries()], path);
    }
  }
}

/**
 * The schema node at a path of keys (`['projects', 'p1', 'checklist', 'c2']`), or null when the
 * schema has no such place: an unknown root or key, a key its record's key schema rejects, or a
 * path that goes on below a text or a value.
 */
export function resolveSchemaNode(path: string[]): SchemaNode | null {
  if (path.length === 0 || !Object.hasOwn(BOARD_ROOTS, path[0])) return null;
  let node: SchemaNode | null = BOARD_ROOTS[path[0]];
  for (const key of path.slice(1)) {
    if (node?.kind === 'map') {
      node = Object.hasOwn(node.fields, key)
        ? node.fields[key]
        : node.other?.key.safeParse(key).success
          ? node.other.value
          : null;
    } else if (node?.kind === 'record') {
      node = node.key.safeParse(key).success ? node.value : null;
    } else {
      return null;
    }
  }
  return node;
}

/**
 * The problems at one path of the document and below it: what the server checks for the places an
 * update touched. Checks the key too: an absent required key is `missing_key`, a place the schema
 * has not `unknown_root` / `unknown_key`.
 */
export function validatePath(doc: Y.Doc, path: string[]): BoardProblem[] {
  const joined = path.join('/');
  if (path.length === 1 && Object.hasOwn(BOARD_ROOTS, path[0]))
    return validateBoard(doc).filter((problem) => isAtOrBelow(problem.path, joined));
  const node = resolveSchemaNode(path);
  if (!node) {
    const code = path.length <= 1 ? 'unknown_root' : 'unknown_key';
    return [{ path: joined, code, message: `the board schema has no ${joined}` }];
  }
  const parent = valueAt(doc, path.slice(0, -1));
  if (!(parent instanceof Y.Map)) return [];
  const key = path[path.length - 1];
  if (!parent.has(key)) {
    const parentNode = resolveSchemaNode(path.slice(0, -1));
    return parentNode?.kind === 'map' && parentNode.required?.includes(key)
      ? [{ path: joined, code: 'missing_key', message: `${joined} is required` }]
      : [];
  }
  return validateNode(node, parent.get(key), joined);
}

function validateEntries(node: SchemaNode, entries: [string, unknown][], path: string): BoardProblem[] {
  const problems: BoardProblem[] = [];
  if (node.kind === 'record') {
    for (const [key, value] of entries) {
      const at = `${path}/${key}`;
      if (!node.key.safeParse(key).success)
        problems.push({ path: at, code: 'unknown_key', message: `${at}: not a valid key here` });
      else problems.push(...validateNode(node.value, value, at));
    }
    return problems;
  }
  if (node.kind !== 'map') return problems;
  const present = new Map(entries);
  for (const [key, value] of entries) {
    const at = `${path}/${key}`;
    if (Object.hasOwn(node.fields, key)) problems.push(...validateNode(node.fields[key], value, at));
    else if (node.other?.key.safeParse(key).success) problems.push(...validateNode(node.other.value, value, at));
    else problems.push({ path: at, code: 'unknown_key', message: `${path} has no key ${key}` });
  }
  for (const key of node.required ?? []) {
    if (!present.has(key))
      problems.push({ path: `${path}/${key}`, code: 'missing_key', message: `${path}/${key} is required` });
  }
  const id = present.get('id');
  const key = path.slice(path.lastIndexOf('/') + 1);
  if (Object.hasOwn(node.fields, 'id') && typeof id === 'string' && id !== key) {
    problems.push({ path: `${path}/id`, code: 'id_mismatch', message: `${path}/id is ${id}, not its key ${key}` });
  }
  return problems;
}

/** The root as a Y.Map, null when the document has none, or 'wrong_type' when it holds a list or text. */
function rootMap(doc: Y.Doc, name: string): Y.Map<unknown> | null | 'wrong_type' {
  const type = doc.share.get(name);
  if (type === undefined) return null;
  if (type instanceof Y.Map) return type;
  if (hasSequenceContent(type)) return 'wrong_type';
  // A root an update brought before anyone asked for it is a generic type until asked for as a map.
  if (type.constructor === Y.AbstractType) return doc.getMap(name);
  return hasLiveContent(type) ? 'wrong_type' : null;
}

function valueAt(doc: Y.Doc, path: string[]): unknown {
  const root = rootMap(doc, path[0]);
  let value: unknown = root === 'wrong_type' ? undefined : (root ?? undefined);
  for (const key of path.slice(1)) value = value instanceof Y.Map ? value.get(key) : undefined;
  return value;
}

function hasLiveContent(type: AnyType): boolean {
  for (const item of type._map.values()) if (!item.deleted) return true;
  return hasSequenceContent(type);
}

function hasSequenceContent(type: AnyType): boolean {
  for (let item = type._start; item !== null; item = item.right) if (!item.deleted) return true;
  return false;
}

function isAtOrBelow(path: string, ancestor: string): boolean {
  return path === ancestor || path.startsWith(`${ancestor}/`);
}

/** A value a Y.Map can hold that is not plain JSON: a shared type, a subdocument, binary. */
function isJson(value: unknown): boolean {
  return !(value instanceof Y.AbstractType || value instanceof Y.Doc || value instanceof Uint8Array);
}

function describe(value: unknown): string {
  if (value instanceof Y.Map) return 'Y.Map';
  if (value instanceof Y.Text) return 'Y.Text';
  if (value instanceof Y.Array) return 'Y.Array';
  if (value instanceof Y.AbstractType) return 'shared type';
  if (value instanceof Y.Doc) return 'subdocument';
  if (value instanceof Uint8Array) return 'binary';
  return value === null ? 'null' : typeof value;
}
