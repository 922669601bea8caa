import { type DocChange, isStage, LABELS } from '@gongjian/shared';
import { z } from 'zod';
import * as Y from 'yjs';

/** One change as the audit trail keeps it: where, what kind, and old → new when short. */
export interface AuditChange {
  path: string;
  kind: DocChange['kind'];
  old?: unknown;
  new?: unknown;
}

/** What the log entry of an accepted update carries for the audit trail (JSON in the entry). */
export const auditFactsSchema = z.object({
  userId: z.string(),
  orgId: z.string().nullable(),
  at: z.string(),
  projectIds: z.array(z.string()),
  summary: z.string(),
  changes: z.array(z.object({ path: z.string(), kind: z.enum(['set', 'create', 'text', 'delete']), old: z.unknown().optional(), new: z.unknown().optional() })),
});
export type AuditFacts = z.infer<typeof auditFactsSchema>;

const MAX_CHANGES = 50;
const MAX_SUMMARY = 600;
const SHORT = 80;

const FIELD_LABELS: Record<string, string> = {
  title: '标题',
  description: '简介',
  category: '类别',
  brandActivity: '品牌活动',
  stage: '阶段',
  rank: '排序',
  leadOrgId: '牵头单位',
  startDate: '开始日期',
  endDate: '结束日期',
  linkages: '联动方式',
  partnerOrgIds: '参与单位',
  reviewerOrgIds: '评审单位',
  venueIds: '阵地',
  checklist: '清单事项',
  funding: '资金计划',
  expenses: '支出',
  ledger: '台账记录',
  indicators: '实施效益',
  scores: '评分',
  stageLog: '阶段记录',
  status: '状态',
  orgId: '责任单位',
  assignee: '责任人',
  due: '截止日期',
  evidence: '佐证',
  waiveReason: '免做理由',
  text: '内容',
  amountFen: '金额',
  actual: '实际值',
  target: '目标值',
};

/** What the audit needs from the document before an update is applied: the old values and titles. */
export interface AuditBefore {
  changes: DocChange[];
  old: Map<string, unknown>;
  titles: Map<string, string>;
}

/** Reads, before the update is applied, what its audit record will need from the old document. */
export function auditBefore(doc: Y.Doc, changes: readonly DocChange[]): AuditBefore {
  const kept = significant(changes).slice(0, MAX_CHANGES);
  const old = new Map<string, unknown>();
  for (const change of kept) {
    if (change.kind === 'set' || change.kind === 'delete') old.set(change.path.join('/'), valueAt(doc, change.path));
  }
  const titles = new Map<string, string>();
  for (const change of changes) {
    if (change.path[0] === 'projects' && change.path[1] !== undefined && !titles.has(change.path[1])) {
      titles.set(change.path[1], projectTitle(doc, change.path[1]));
    }
  }
  return { changes: kept, old, titles };
}

/**
 * The audit facts of an update just applied: who, when, which projects, every change (old → new
 * for short plain values), and a one-line zh-CN summary people read in the trail. Projects are
 * named by their title before the update, or after it for a new one.
 */
export function auditFacts(before: AuditBefore, after: Y.Doc, actor: { userId: string; orgId: string | null }, at: Date): AuditFacts {
  const recorded: AuditChange[] = before.changes.map((change) => {
    const entry: AuditChange = { path: change.path.join('/'), kind: change.kind };
    const old = before.old.get(entry.path);
    if (old !== undefined && isShort(old)) entry.old = old;
    if (change.kind === 'set' && isShort(change.value)) entry.new = change.value;
    return entry;
  });
  const titleOf = (projectId: string) => before.titles.get(projectId) || projectTitle(after, projectId) || projectId;
  return {
    userId: actor.userId,
    orgId: actor.orgId,
    at: at.toISOString(),
    projectIds: [...before.titles.keys()],
    summary: summarize(before, titleOf),
    changes: recorded,
  };
}

/** Inside a created map, only the map counts; text typed in one place counts once; a replaced value is one change. */
function significant(changes: readonly DocChange[]): DocChange[] {
  const created = new Set(changes.filter((c) => c.kind === 'create').map((c) => c.path.join('/')));
  // Setting a key deletes the value it replaces: one change, not two.
  const written = new Set(changes.filter((c) => c.kind === 'set' || c.kind === 'create').map((c) => c.path.join('/')));
  const seen = new Set<string>();
  return changes.filter((change) => {
    if (change.kind === 'delete' && written.has(change.path.join('/'))) return false;
    for (let length = change.path.length - 1; length > 0; length--) {
      if (created.has(change.path.slice(0, length).join('/'))) return false;
    }
    const key = `${change.kind}:${change.path.join('/')}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function summarize(before: AuditBefore, titleOf: (projectId: string) => string): string {
  const byProject = new Map<string, string[]>();
  const board: string[] = [];
  for (const change of before.changes) {
    const words = describe(change, before.old.get(change.path.join('/')));
    if (change.path[0] !== 'projects' || change.path[1] === undefined) {
      board.push(words);
      continue;
    }
    const list = byProject.get(change.path[1]) ?? [];
    if (!list.includes(words)) list.push(words);
    byProject.set(change.path[1], list);
  }
  const parts: string[] = [];
  if (board.length > 0) parts.push(`看板：${board.join('；')}`);
  for (const [projectId, words] of byProject) parts.push(`项目「${titleOf(projectId)}」：${words.join('；')}`);
  const summary = parts.join('。');
  return summary.length > MAX_SUMMARY ? `${summary.slice(0, MAX_SUMMARY - 1)}…` : summary;
}

function describe(change: DocChange, old: unknown): string {
  const { path } = change;
  const inProject = path[0] === 'projects' ? path.slice(2) : path.slice(1);
  if (path[0] === 'projects' && inProject.length === 0) {
    return change.kind === 'delete' ? '删除项目' : '新建项目';
  }
  const field = inProject[0] ?? path[0];
  // Collections alternate field and id: checklist/c1/status reads 清单事项 c1 状态.
  const where = (inProject.length > 0 ? inProject : [path[0]]).map((key, i) => (i % 2 === 0 ? (FIELD_LABELS[key] ?? key) : key)).join(' ');
  const leaf = inProject.length > 2 ? inProject[inProject.length - 1] : undefined;
  switch (change.kind) {
    case 'text':
      return `修改${where}`;
    case 'create':
      return `新增${where}`;
    case 'delete':
      return `删除${where}`;
    case 'set': {
      const next = change.value;
      if (isShort(next)) return old !== undefined && isShort(old) ? `${where} ${show(field, leaf, old)} → ${show(field, leaf, next)}` : `${where} 设为 ${show(field, leaf, next)}`;
      return `修改${where}`;
    }
  }
}

function show(field: string, leaf: string | undefined, value: unknown): string {
  const labels = LABELS['zh-CN'];
  if (field === 'stage' && isStage(value)) return labels.stage[value];
  if (leaf === 'status' && typeof value === 'string' && value in labels.checklistStatus) {
    return labels.checklistStatus[value as keyof typeof labels.checklistStatus];
  }
  if (value === null) return '空';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** The project's title, shortened; '' when there is no such project or title. */
function projectTitle(doc: Y.Doc, projectId: string): string {
  const project = doc.getMap('projects').get(projectId);
  const title = project instanceof Y.Map ? project.get('title') : undefined;
  const text = title instanceof Y.Text ? title.toString() : '';
  return text.length > 40 ? `${text.slice(0, 39)}…` : text;
}

function valueAt(doc: Y.Doc, path: readonly string[]): unknown {
  let current: unknown = doc.getMap(path[0]);
  for (const key of path.slice(1)) {
    if (!(current instanceof Y.Map)) return undefined;
    current = current.get(key);
  }
  return current instanceof Y.AbstractType ? undefined : current;
}

function isShort(value: unknown): boolean {
  if (value === null || typeof value === 'number' || typeof value === 'boolean') return true;
  if (typeof value === 'string') return value.length <= SHORT;
  return false;
}
