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

const STAGES = ['planning', 'approved', 'in_progress', 'evaluation', 'archived'];
const WORDS = ['职工', '青年', '妇女', '志愿', '培训', '帮扶', 'skills', 'venue', '台账', '联办'];

/**
 * One random edit on a board-shaped document, in one transaction: add a project, retitle or
 * type into one, move its stage, delete one, tick a checklist item, or set board meta.
 */
export function randomEdit(doc: Y.Doc, random: () => number, origin: unknown): void {
  const projects = doc.getMap<Y.Map<unknown>>('projects');
  const ids = [...projects.keys()];
  const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)];
  const roll = random();
  doc.transact(() => {
    if (ids.length === 0 || roll < 0.2) {
      const id = `p${Math.floor(random() * 1e9).toString(36)}`;
      const project = new Y.Map<unknown>();
      project.set('id', id);
      project.set('stage', 'planning');
      project.set('rank', random().toString(36).slice(2, 8));
      const title = new Y.Text();
      title.insert(0, pick(WORDS));
      project.set('title', title);
      project.set('checklist', new Y.Map());
      projects.set(id, project);
      return;
    }
    const project = projects.get(pick(ids));
    if (!project) return;
    if (roll < 0.55) {
      const title = project.get('title');
      if (title instanceof Y.Text) {
        if (title.length > 0 && random() < 0.3) title.delete(Math.floor(random() * title.length), 1);
        else title.insert(Math.floor(random() * (title.length + 1)), pick(WORDS));
      }
    } else if (roll < 0.7) {
      project.set('stage', pick(STAGES));
      project.set('rank', random().toString(36).slice(2, 8));
    } else if (roll < 0.85) {
      const checklist = project.get('checklist');
      if (checklist instanceof Y.Map) {
        const itemId = `c${Math.floor(random() * 20)}`;
        checklist.set(itemId, { status: pick(['todo', 'doing', 'done']), orgId: pick(['union', 'youth', 'women']) });
      }
    } else if (roll < 0.93) {
      projects.delete(pick(ids));
    } else {
      doc.getMap('meta').set('note', pick(WORDS) + Math.floor(random() * 100));
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
