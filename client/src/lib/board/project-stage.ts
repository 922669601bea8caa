/** Workflow stages in order (DESIGN.md §3). */
export const STAGES = ['planning', 'approved', 'in_progress', 'evaluation', 'archived'] as const;
export type Stage = (typeof STAGES)[number];

export function isStage(value: unknown): value is Stage {
  return typeof value === 'string' && (STAGES as readonly string[]).includes(value);
}
