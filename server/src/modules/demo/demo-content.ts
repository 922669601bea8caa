import {
  addExpense,
  addLedgerEntry,
  changeStage,
  compareStages,
  createProject,
  initBoard,
  instantiateTemplate,
  type IndicatorInput,
  type Linkage,
  type NewChecklistItem,
  setChecklistStatus,
  setFunding,
  setIndicatorActual,
  setScore,
  type Stage,
  templateFor,
  validateBoard,
  waiveChecklistItem,
} from '@gongjian/shared';
import * as Y from 'yjs';
import { DEMO_TODAY, type DemoBoardSpec, type DemoProjectSpec } from './demo-spec';
import { DEMO_CONTACTS, demoAuthorOf } from './demo-users';

/** The origin of every transaction of the demo content. */
export const DEMO_ORIGIN = 'demo-seed';

/** Demo content that can't be built as written: a gate that fails, a date out of order, a board left invalid. */
export class DemoContentError extends Error {
  override name = 'DemoContentError';
}

/**
 * Builds a demo board's document from its spec with the shared board commands, so that it is
 * valid by construction: `initBoard`, then for each project `createProject` from its category's
 * or brand activity's template, its funding, and the stage moves through every gate on the way
 * (`changeStage` refuses a move whose gate fails, and so does this), with the checklist progress,
 * expenses, ledger entries, indicator actuals and scores that each stage needs.
 *
 * Pure and deterministic: fixed ids, fixed times, a fixed Yjs client id — building a spec twice
 * gives byte-identical updates. Throws a DemoContentError when the spec can't be built or the
 * result fails `validateBoard`.
 */
export function buildDemoBoard(spec: DemoBoardSpec): Y.Doc {
  const doc = new Y.Doc();
  doc.clientID = spec.clientId;
  initBoard(doc, { title: spec.title, regionId: spec.regionId, year: spec.year, criteria: spec.criteria }, DEMO_ORIGIN);
  const ids = new Set<string>();
  for (const project of spec.projects) {
    if (ids.has(project.id)) throw new DemoContentError(`${spec.id}: project ${project.id} twice`);
    ids.add(project.id);
    buildProject(doc, spec, project);
  }
  const problems = validateBoard(doc);
  if (problems.length > 0) {
    doc.destroy();
    const list = problems.map((problem) => `${problem.path}: ${problem.message}`).join('; ');
    throw new DemoContentError(`demo board ${spec.id} is invalid: ${list}`);
  }
  return doc;
}

/** The board's document as one Yjs update (the initial snapshot the seed writes). */
export function demoBoardState(spec: DemoBoardSpec): Uint8Array {
  const doc = buildDemoBoard(spec);
  const state = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  return state;
}

/** `YYYY-MM-DD` at `hour` o'clock in Asia/Shanghai, as an ISO moment in UTC. */
export function demoMoment(date: string, hour = 9): string {
  if (hour < 8 || hour > 23) throw new RangeError(`hour ${hour} is not a Shanghai day-time hour`);
  return `${date}T${String(hour - 8).padStart(2, '0')}:00:00.000Z`;
}

/** A `YYYY-MM-DD` date plus whole days. */
export function addDays(date: string, days: number): string {
  const [year, month, day] = date.split('-').map(Number);
  return new Date(Date.UTC(year, month - 1, day + days)).toISOString().slice(0, 10);
}

const minDate = (a: string, b: string): string => (a < b ? a : b);

/** The evidence a done item records when its spec gives none, after what the item is about. */
function defaultEvidence(text: string): string {
  if (text.includes('方案')) return '实施方案已印发，并报群团工作联席会议办公室备案';
  if (text.includes('总结') || text.includes('归档')) return '项目总结报告已完成，台账资料已整理归档';
  if (text.includes('宣传') || text.includes('报道')) return '宣传报道已在微信公众号等平台刊发，截图存档';
  if (text.includes('报名') || text.includes('申报')) return '报名（申报）汇总表已存档';
  if (text.includes('培训') || text.includes('授课')) return '签到表、课件和现场照片已存档';
  if (text.includes('走访') || text.includes('回访') || text.includes('慰问')) return '走访记录表和照片已存档';
  if (text.includes('志愿')) return '志愿者名册和服务记录已存档';
  if (text.includes('调研') || text.includes('摸排') || text.includes('梳理')) return '调研（摸排）情况汇总表已存档';
  return '已完成，佐证材料已归入项目台账';
}

/** The next person of an org, in turn, to answer for an item (责任人). */
function contactPicker(fail: (message: string) => never): (orgId: string) => string {
  const turns = new Map<string, number>();
  return (orgId) => {
    const people = DEMO_CONTACTS[orgId];
    if (!people || people.length === 0) fail(`no contacts for org ${orgId}`);
    const turn = turns.get(orgId) ?? 0;
    turns.set(orgId, turn + 1);
    return people[turn % people.length];
  };
}

function buildProject(doc: Y.Doc, board: DemoBoardSpec, spec: DemoProjectSpec): void {
  const fail: (message: string) => never = (message) => {
    throw new DemoContentError(`${board.id}/${spec.id}: ${message}`);
  };
  const reaches = (stage: Stage) => compareStages(spec.stage, stage) >= 0;
  const lead = spec.leadOrgId;
  const partners = [...(spec.partnerOrgIds ?? [])];
  const reviewers = [...(spec.reviewerOrgIds ?? [])];
  const venues = [...(spec.venueIds ?? [])];
  if (partners.some((orgId) => reviewers.includes(orgId))) fail('an org is both partner and reviewer');
  const author = demoAuthorOf(lead);
  const startDate = spec.startDate ?? null;
  const endDate = spec.endDate ?? null;

  // ── the template's checklist and indicators, with the spec's people, dates and targets ──
  const template = templateFor(spec.category, spec.brandActivity ?? null);
  const filled = instantiateTemplate(template, {
    leadOrgId: lead,
    partnerOrgIds: partners,
    startDate,
    idFor: (kind, index) => `${spec.id}-${kind === 'checklist' ? 'c' : 'i'}${index + 1}`,
  });
  const nextContact = contactPicker(fail);
  const dueOf = (number: number, due: string | null): string | null => {
    const given = spec.dueDates?.[number];
    if (given !== undefined) return given;
    return due !== null && endDate !== null ? minDate(due, endDate) : due;
  };
  const checklist: NewChecklistItem[] = [
    ...filled.checklist.map((item, index) => ({
      id: item.id,
      text: item.text,
      orgId: item.orgId,
      assignee: item.orgId ? nextContact(item.orgId) : '',
      due: dueOf(index + 1, item.due),
    })),
    ...(spec.extraItems ?? []).map((item, index) => ({
      id: `${spec.id}-c${filled.checklist.length + index + 1}`,
      text: item.text,
      orgId: item.orgId,
      assignee: nextContact(item.orgId),
      due: item.due,
    })),
  ];
  const baseIndicators = spec.indicators
    ? spec.indicators.map(([name, unit, target]) => ({ name, unit, target }))
    : filled.indicators.map((indicator, index) => ({
        name: indicator.name,
        unit: indicator.unit,
        target: spec.targets?.[index] ?? indicator.target,
      }));
  if (spec.targets && (spec.indicators || spec.targets.length > filled.indicators.length))
    fail('targets are for the template indicators');
  const indicators: IndicatorInput[] = [
    ...baseIndicators,
    ...(spec.extraIndicators ?? []).map(([name, unit, target]) => ({ name, unit, target })),
  ].map((indicator, index) => ({ id: `${spec.id}-i${index + 1}`, ...indicator }));
  const linkages = [
    ...new Set<Linkage>([
      ...filled.linkages,
      ...(spec.linkages ?? []),
      ...(reviewers.length > 0 ? (['joint_review'] as const) : []),
      ...(venues.length > 0 ? (['joint_venues'] as const) : []),
    ]),
  ];

  createProject(
    doc,
    {
      id: spec.id,
      category: spec.category,
      brandActivity: spec.brandActivity ?? null,
      title: spec.title,
      description: spec.description,
      leadOrgId: lead,
      partnerOrgIds: partners,
      reviewerOrgIds: reviewers,
      linkages,
      venueIds: venues,
      startDate,
      endDate,
      checklist,
      indicators,
      createdBy: author,
      now: demoMoment(spec.createdOn, 9),
    },
    DEMO_ORIGIN,
  );
  for (const [orgId, fen] of Object.entries(spec.funding ?? {})) setFunding(doc, spec.id, orgId, fen, DEMO_ORIGIN);

  // ── stage moves, in time order, each through its gate ──
  let lastMoveOn = spec.createdOn;
  let logCount = 0;
  const move = (to: Stage, on: string, hour: number, by: string, reason?: string) => {
    if (on < lastMoveOn) fail(`moves to ${to} on ${on}, before its previous step on ${lastMoveOn}`);
    if (on > DEMO_TODAY) fail(`moves to ${to} on ${on}, after ${DEMO_TODAY}`);
    lastMoveOn = on;
    logCount += 1;
    const unmet = changeStage(
      doc,
      spec.id,
      { to, by, now: demoMoment(on, hour), id: `${spec.id}-s${logCount}`, ...(reason ? { reason } : {}) },
      DEMO_ORIGIN,
    );
    if (unmet.length > 0) fail(`can't move to ${to}: ${unmet.map((condition) => condition.code).join(', ')}`);
  };
  /** Moves forward into `stage`, then back and forth again when the spec sends it back from there. */
  const enter = (stage: Stage, on: string, hour: number): string => {
    move(stage, on, hour, author);
    const setback = spec.setback;
    if (setback?.from !== stage) return on;
    move(setback.to, setback.on, 17, board.coordinatorUserId, setback.reason);
    move(stage, setback.resumedOn, hour, author);
    return setback.resumedOn;
  };

  if (reaches('approved')) enter('approved', spec.approvedOn ?? addDays(spec.createdOn, 10), 10);
  if (reaches('in_progress')) {
    if (startDate === null) fail('a project in progress needs a start date');
    if (startDate > DEMO_TODAY) fail(`started on ${startDate}, after ${DEMO_TODAY}`);
    enter('in_progress', startDate, 9);
  }

  // ── the checklist as far as the stage has got ──
  const progress = spec.checklist ?? {};
  const listed = [
    ...(progress.open ?? []),
    ...(progress.doing ?? []),
    ...(progress.done ?? []),
    ...Object.keys(progress.waived ?? {}).map(Number),
    ...Object.keys(progress.evidence ?? {}).map(Number),
    ...Object.keys(spec.dueDates ?? {}).map(Number),
  ];
  for (const number of listed) {
    if (!Number.isInteger(number) || number < 1 || number > checklist.length) fail(`no checklist item ${number}`);
  }
  if (reaches('evaluation') && (progress.open?.length || progress.doing?.length))
    fail('open items in a project past in_progress');
  checklist.forEach((item, index) => {
    const number = index + 1;
    const waived = progress.waived?.[number];
    if (waived !== undefined) {
      waiveChecklistItem(doc, spec.id, item.id!, waived, DEMO_ORIGIN);
      return;
    }
    const due = item.due ?? null;
    let status: 'todo' | 'doing' | 'done' = 'todo';
    if (reaches('evaluation') || progress.done?.includes(number)) status = 'done';
    else if (progress.doing?.includes(number)) status = 'doing';
    else if (progress.open?.includes(number)) {
      if (due === null || due >= DEMO_TODAY) fail(`item ${number} is left open but not overdue`);
    } else if (spec.stage === 'in_progress' && due !== null && due < DEMO_TODAY) status = 'done';
    if (status === 'done') {
      const evidence = progress.evidence?.[number] ?? defaultEvidence(item.text);
      setChecklistStatus(doc, spec.id, item.id!, { status, evidence }, DEMO_ORIGIN);
    } else if (status === 'doing') {
      setChecklistStatus(doc, spec.id, item.id!, { status }, DEMO_ORIGIN);
    }
  });

  // ── money, the ledger, outcomes ──
  const expenses = spec.expenses ?? [];
  if (expenses.length > 0 && !reaches('approved')) fail('expenses before approval');
  expenses.forEach(([date, amountFen, orgId, purpose, voucherNo], index) => {
    if (date > DEMO_TODAY) fail(`an expense on ${date}, after ${DEMO_TODAY}`);
    if (!spec.funding?.[orgId]) fail(`${orgId} pays without a planned contribution`);
    addExpense(
      doc,
      spec.id,
      { id: `${spec.id}-e${index + 1}`, date, amountFen, orgId, purpose, voucherNo },
      DEMO_ORIGIN,
    );
  });
  (spec.ledger ?? []).forEach((entry, index) => {
    if (entry.date > DEMO_TODAY) fail(`a ledger entry on ${entry.date}, after ${DEMO_TODAY}`);
    addLedgerEntry(
      doc,
      spec.id,
      {
        id: `${spec.id}-l${index + 1}`,
        date: entry.date,
        title: entry.title,
        venueId: entry.venueId ?? null,
        participants: entry.participants,
        orgIds: [...entry.orgIds],
        attachments: [...(entry.attachments ?? [])],
        notes: entry.notes,
      },
      DEMO_ORIGIN,
    );
  });
  const actuals = spec.actuals ?? [];
  if (actuals.length > indicators.length) fail('more actuals than indicators');
  actuals.forEach((actual, index) => {
    if (actual !== null) setIndicatorActual(doc, spec.id, indicators[index].id!, actual, DEMO_ORIGIN);
  });

  // ── evaluation (工作联评) and the archive ──
  const scores = Object.entries(spec.scores ?? {});
  if (scores.length > 0 && !reaches('evaluation')) fail('scores before evaluation');
  if (!reaches('evaluation')) return;
  if (endDate === null) fail('a project under evaluation needs an end date');
  const evaluatedOn = enter('evaluation', spec.evaluationOn ?? addDays(endDate, 5), 15);
  const archivedOn = spec.archivedOn ?? addDays(evaluatedOn, 25);
  const lastScoreOn = minDate(spec.stage === 'archived' ? addDays(archivedOn, -1) : DEMO_TODAY, DEMO_TODAY);
  scores.forEach(([orgId, [values, comment]], index) => {
    if (values.length !== board.criteria.length)
      fail(`${orgId} gives ${values.length} scores for ${board.criteria.length} criteria`);
    const criteria = Object.fromEntries(board.criteria.map((criterion, at) => [criterion.id, values[at]]));
    const on = minDate(addDays(evaluatedOn, 2 + index * 2), lastScoreOn);
    if (on < evaluatedOn) fail(`${orgId} scores before the evaluation began`);
    setScore(doc, spec.id, orgId, { criteria, comment }, demoMoment(on, 14), DEMO_ORIGIN);
  });
  if (reaches('archived')) enter('archived', archivedOn, 16);
}
