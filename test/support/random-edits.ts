import * as Y from 'yjs';

/** A small seeded PRNG (mulberry32), so a failing run can be replayed from its seed. */
export function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ORGS = ['liangxi-union', 'liangxi-youth', 'liangxi-women'];
const CATEGORIES = ['training', 'rights', 'employment', 'assistance', 'exchange', 'culture'];
const WORDS = ['职工', '青年', '妇女', '志愿', '培训', '帮扶', 'skills', 'venue', '台账', '联办'];
const rankOf = (random: () => number) => Math.floor(random() * 36 ** 5 + 1).toString(36);

/** A project map with every required key (docs/document-schema.md), built by hand as a client would. */
export function newProjectMap(id: string, title: string, random: () => number = Math.random): Y.Map<unknown> {
  const project = new Y.Map<unknown>();
  project.set('id', id);
  project.set('category', CATEGORIES[Math.floor(random() * CATEGORIES.length)]);
  project.set('stage', 'planning');
  project.set('rank', rankOf(random));
  project.set('leadOrgId', ORGS[Math.floor(random() * ORGS.length)]);
  project.set('createdBy', 'demo-union');
  project.set('createdAt', new Date(1767225600000 + Math.floor(random() * 1e10)).toISOString());
  project.set('title', new Y.Text(title));
  project.set('checklist', new Y.Map());
  project.set('funding', new Y.Map());
  return project;
}

/**
 * One random, schema-valid edit on a board document, in one transaction: add a project, type
 * into or trim a title, re-rank one, add or tick a checklist item, plan funding, delete a
 * project, or retitle the board. Stages are left alone: moving one is a gated command.
 */
export function randomEdit(doc: Y.Doc, random: () => number, origin: unknown): void {
  const projects = doc.getMap<Y.Map<unknown>>('projects');
  const ids = [...projects.keys()];
  const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)];
  const roll = random();
  doc.transact(() => {
    if (ids.length === 0 || roll < 0.2) {
      const id = `p${Math.floor(random() * 1e9).toString(36)}`;
      projects.set(id, newProjectMap(id, pick(WORDS), random));
      return;
    }
    const project = projects.get(pick(ids));
    if (!project) return;
    if (roll < 0.5) {
      const title = project.get('title');
      if (title instanceof Y.Text) {
        if (title.length > 1 && random() < 0.3) title.delete(Math.floor(random() * title.length), 1);
        else if (title.length < 150) title.insert(Math.floor(random() * (title.length + 1)), pick(WORDS));
      }
    } else if (roll < 0.6) {
      project.set('rank', rankOf(random));
    } else if (roll < 0.8) {
      const checklist = project.get('checklist');
      if (!(checklist instanceof Y.Map)) return;
      const itemId = `c${Math.floor(random() * 20)}`;
      const existing = checklist.get(itemId);
      if (existing instanceof Y.Map) {
        existing.set('status', pick(['todo', 'doing', 'done']));
      } else {
        const item = new Y.Map<unknown>();
        item.set('id', itemId);
        item.set('rank', rankOf(random));
        item.set('status', 'todo');
        item.set('orgId', pick(ORGS));
        item.set('text', new Y.Text(pick(WORDS)));
        checklist.set(itemId, item);
      }
    } else if (roll < 0.9) {
      const funding = project.get('funding');
      if (funding instanceof Y.Map) funding.set(pick(ORGS), Math.floor(random() * 1_000_000) * 100);
    } else if (roll < 0.96) {
      projects.delete(pick(ids));
    } else {
      doc.getMap('meta').set('title', `梁溪区 2026 群团共建项目 ${pick(WORDS)}`);
    }
  }, origin);
}

/** Everything two replicas must agree on: content and state vector. */
export function fingerprint(doc: Y.Doc): { json: unknown; stateVector: string } {
  return {
    json: { projects: doc.getMap('projects').toJSON(), meta: doc.getMap('meta').toJSON() },
    stateVector: Buffer.from(Y.encodeStateVector(doc)).toString('base64'),
  };
}
