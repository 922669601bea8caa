/** The glossary's closed vocabularies (DESIGN.md §2, §3). Code uses these English words. */

export const STAGES = ['planning', 'approved', 'in_progress', 'evaluation', 'archived'] as const;
export type Stage = (typeof STAGES)[number];

export const PROJECT_CATEGORIES = ['training', 'rights', 'employment', 'assistance', 'exchange', 'culture'] as const;
export type ProjectCategory = (typeof PROJECT_CATEGORIES)[number];

export const BRAND_ACTIVITIES = ['skills_contest', 'volunteering', 'civilized_family', 'legal_outreach'] as const;
export type BrandActivity = (typeof BRAND_ACTIVITIES)[number];

export const LINKAGES = [
  'joint_activities',
  'joint_services',
  'policy_linkage',
  'joint_publicity',
  'joint_venues',
  'joint_forces',
  'joint_brand',
  'joint_review',
] as const;
export type Linkage = (typeof LINKAGES)[number];

export const CHECKLIST_STATUSES = ['todo', 'doing', 'done', 'waived'] as const;
export type ChecklistStatus = (typeof CHECKLIST_STATUSES)[number];

export const ORG_KINDS = ['union', 'youth', 'women', 'other'] as const;
export type OrgKind = (typeof ORG_KINDS)[number];

export function isStage(value: unknown): value is Stage {
  return typeof value === 'string' && (STAGES as readonly string[]).includes(value);
}

/** The next stage forward, or null at the end. */
export function nextStage(stage: Stage): Stage | null {
  const index = STAGES.indexOf(stage);
  return index < STAGES.length - 1 ? STAGES[index + 1] : null;
}

/** -1, 0 or 1 as `a` comes before, is, or comes after `b` in the workflow. */
export function compareStages(a: Stage, b: Stage): number {
  return Math.sign(STAGES.indexOf(a) - STAGES.indexOf(b));
}
