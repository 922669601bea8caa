// Boards of a given encoded size, built with the shared board commands
// (shared/src/board/board-commands.ts) as a coordinator would make them: projects with a
// description and a checklist, then a history of edits (funding plans changed several times,
// checklist texts rewritten), so the document carries deleted items as real boards do.
import { shared, Y } from './cjs.mjs';

const ORGS = ['liangxi-union', 'org-a', 'org-b', 'org-c', 'org-d', 'org-e'];
const WORDS = '社区 共建 活动 志愿 服务 培训 青年 妇女 儿童 文化 体育 健康 宣传 调研 项目 场地 经费 安排'.split(' ');

function text(rng, chars) {
  let s = '';
  while (s.length < chars) s += WORDS[Math.floor(rng() * WORDS.length)] + (rng() < 0.2 ? '，' : '');
  return s.slice(0, chars);
}

function mulberry32(seed) {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A board document whose encoded state is at least `targetBytes`; returns {doc, update, projects}. */
export function buildBoard(targetBytes, { seed = 1, title = 'benchmark board' } = {}) {
  const rng = mulberry32(seed);
  const doc = new Y.Doc();
  shared.initBoard(doc, { title, year: 2026 }, 'bench');
  let projects = 0;
  let size = 0;
  const origin = 'bench';
  while (size < targetBytes) {
    const batchSize = Math.max(1, Math.min(100, Math.floor((targetBytes - size) / 9000)));
    for (let batch = 0; batch < batchSize; batch++) {
      const id = shared.createProject(
        doc,
        {
          category: 'training',
          title: `项目 ${projects}`,
          description: text(rng, 600 + Math.floor(rng() * 1200)),
          leadOrgId: ORGS[0],
          partnerOrgIds: [ORGS[1 + (projects % 5)]],
          checklist: Array.from({ length: 8 }, (_, i) => ({
            text: `${i + 1}. ${text(rng, 30 + Math.floor(rng() * 60))}`,
            orgId: ORGS[0],
          })),
          createdBy: 'bench',
          now: '2026-03-01T08:00:00.000Z',
        },
        origin,
      );
      projects += 1;
      for (let e = 0; e < 12; e++)
        shared.setFunding(doc, id, ORGS[e % ORGS.length], 1000 + Math.floor(rng() * 1e6), origin);
      const checklist = doc.getMap('projects').get(id).get('checklist');
      const items = [...checklist.keys()];
      for (let e = 0; e < 4; e++) {
        shared.editChecklistText(
          doc,
          id,
          items[e % items.length],
          `${e}. ${text(rng, 40 + Math.floor(rng() * 60))}`,
          origin,
        );
      }
    }
    size = Y.encodeStateAsUpdate(doc).byteLength;
  }
  return { doc, update: Y.encodeStateAsUpdate(doc), projects };
}
