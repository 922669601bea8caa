import { compareStages, type Stage, STAGES } from './board-enums';
import type { ProjectData } from './board-data';
import type { Criterion } from './board-values';
import { expectedScorers, hasScored } from './derived';

/** Why a project can't move: a code clients switch on, what it concerns, and readable text. */
export interface UnmetCondition {
  code: GateCode;
  /** Ids of the checklist items, orgs or indicators concerned, when the condition is about some of them. */
  ids?: string[];
  message: { 'zh-CN': string; en: string };
}

export type GateCode =
  | 'same_stage'
  | 'reason_required'
  | 'lead_org_missing'
  | 'partner_org_missing'
  | 'funding_plan_missing'
  | 'checklist_empty'
  | 'checklist_item_org_missing'
  | 'start_date_missing'
  | 'checklist_item_open'
  | 'waive_reason_missing'
  | 'score_missing'
  | 'indicator_missing'
  | 'indicator_actual_missing';

export interface StageMove {
  to: Stage;
  /** Required to move back (coordinators only; the server checks the role). */
  reason?: string;
  /** The board's rubric (meta.criteria): an org has scored when it scored every criterion. */
  criteria: Criterion[];
}

const condition = (code: GateCode, zh: string, en: string, ids?: string[]): UnmetCondition =>
  ids && ids.length > 0 ? { code, ids, message: { 'zh-CN': zh, en } } : { code, message: { 'zh-CN': zh, en } };

/** → approved (立项): lead org, a partner, a funding plan, a checklist whose every item has a responsible org. */
export function approvalGate(project: ProjectData): UnmetCondition[] {
  const unmet: UnmetCondition[] = [];
  if (!project.leadOrgId) unmet.push(condition('lead_org_missing', '尚未确定牵头单位', 'No lead organization yet'));
  // The lead listed as its own partner is no co-organizer, and would leave nobody to score (工作联评).
  if (!project.partnerOrgIds.some((org) => org !== project.leadOrgId))
    unmet.push(condition('partner_org_missing', '至少需要一个参与单位', 'At least one partner organization is needed'));
  if (!Object.values(project.funding).some((fen) => fen > 0))
    unmet.push(condition('funding_plan_missing', '尚未制定资金投入计划', 'No funding plan yet'));
  if (project.checklist.length === 0)
    unmet.push(condition('checklist_empty', '任务清单为空', 'The checklist is empty'));
  const withoutOrg = project.checklist.filter((item) => !item.orgId).map((item) => item.id);
  if (withoutOrg.length > 0)
    unmet.push(
      condition(
        'checklist_item_org_missing',
        `${withoutOrg.length} 项清单事项未明确责任单位`,
        `${withoutOrg.length} checklist item(s) have no responsible organization`,
        withoutOrg,
      ),
    );
  return unmet;
}

/** → in_progress (实施): a start date. */
export function startGate(project: ProjectData): UnmetCondition[] {
  return project.startDate ? [] : [condition('start_date_missing', '尚未填写开始日期', 'No start date yet')];
}

/** → evaluation (考核): every checklist item done, or waived with a reason. */
export function evaluationGate(project: ProjectData): UnmetCondition[] {
  const unmet: UnmetCondition[] = [];
  const open = project.checklist.filter((item) => item.status === 'todo' || item.status === 'doing').map((item) => item.id);
  if (open.length > 0)
    unmet.push(
      condition('checklist_item_open', `${open.length} 项清单事项尚未完成`, `${open.length} checklist item(s) are not done`, open),
    );
  const unexplained = project.checklist
    .filter((item) => item.status === 'waived' && item.waiveReason.trim() === '')
    .map((item) => item.id);
  if (unexplained.length > 0)
    unmet.push(
      condition(
        'waive_reason_missing',
        `${unexplained.length} 项免做事项未说明理由`,
        `${unexplained.length} waived item(s) give no reason`,
        unexplained,
      ),
    );
  return unmet;
}

/** → archived (归档): every partner and reviewer org has scored every criterion; every indicator has its actual. */
export function archiveGate(project: ProjectData, criteria: Criterion[]): UnmetCondition[] {
  const unmet: UnmetCondition[] = [];
  const missing = expectedScorers(project).filter((org) => !hasScored(project, org, criteria));
  if (missing.length > 0)
    unmet.push(
      condition('score_missing', `${missing.length} 个单位尚未完成评分`, `${missing.length} organization(s) have not scored`, missing),
    );
  if (project.indicators.length === 0)
    unmet.push(condition('indicator_missing', '尚未设置实施效益指标', 'No outcome indicators yet'));
  const noActual = project.indicators.filter((indicator) => indicator.actual === null).map((indicator) => indicator.id);
  if (noActual.length > 0)
    unmet.push(
      condition(
        'indicator_actual_missing',
        `${noActual.length} 项效益指标未填写实际值`,
        `${noActual.length} indicator(s) have no actual value`,
        noActual,
      ),
    );
  return unmet;
}

const GATES: Record<Stage, ((project: ProjectData, criteria: Criterion[]) => UnmetCondition[]) | null> = {
  planning: null,
  approved: approvalGate,
  in_progress: startGate,
  evaluation: evaluationGate,
  archived: archiveGate,
};

/**
 * Every condition that keeps `project` from moving to `move.to`; empty when it may move.
 * Forward, it must pass the gate of every stage it enters (skipping a stage skips no gate).
 * Back, it needs a reason.
 */
export function unmetConditions(project: ProjectData, move: StageMove): UnmetCondition[] {
  const direction = compareStages(move.to, project.stage);
  if (direction === 0) return [condition('same_stage', '项目已处于该阶段', 'The project is already in that stage')];
  if (direction < 0) {
    return move.reason?.trim() ? [] : [condition('reason_required', '退回上一阶段需要说明理由', 'Moving back needs a reason')];
  }
  const from = STAGES.indexOf(project.stage);
  const to = STAGES.indexOf(move.to);
  return STAGES.slice(from + 1, to + 1).flatMap((stage) => GATES[stage]?.(project, move.criteria) ?? []);
}
