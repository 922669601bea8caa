import { isStage, readMeta, readProject, type Stage, type UnmetCondition, unmetConditions } from '@gongjian/shared';
import * as Y from 'yjs';
import type { UpdateChange } from './update-inspector';

export interface GateRefusal {
  projectId: string;
  to: Stage;
  conditions: UnmetCondition[];
}

/**
 * The stage moves an update makes, checked against their gates (DESIGN.md §3) on the project as
 * the update would leave it: an update may fill in a checklist and move the stage at once. Only
 * updates that set a stage pay for the copy of the document this needs.
 */
export function refusedStageMoves(doc: Y.Doc, update: Uint8Array, changes: UpdateChange[]): GateRefusal[] {
  const moves = changes.filter(
    (change): change is Extract<UpdateChange, { kind: 'set' }> =>
      change.kind === 'set' && change.path.length === 3 && change.path[0] === 'projects' && change.path[2] === 'stage',
  );
  const projects = doc.getMap<Y.Map<unknown>>('projects');
  // A project created by this update starts, as every project does, in planning.
  const stageNow = (projectId: string): Stage => {
    const current = projects.get(projectId);
    const stage = current instanceof Y.Map ? current.get('stage') : undefined;
    return isStage(stage) ? stage : 'planning';
  };
  const real = moves.filter((move) => move.value !== stageNow(move.path[1]));
  if (real.length === 0) return [];
  const after = new Y.Doc({ gc: false });
  try {
    Y.applyUpdate(after, Y.encodeStateAsUpdate(doc));
    Y.applyUpdate(after, update);
    const criteria = readMeta(after).criteria;
    const refusals: GateRefusal[] = [];
    for (const move of real) {
      const projectId = move.path[1];
      const to = move.value as Stage;
      const from = stageNow(projectId);
      const moved = after.getMap<Y.Map<unknown>>('projects').get(projectId);
      if (!(moved instanceof Y.Map) || moved.get('stage') !== to) continue;
      const project = readProject(moved, projectId);
      // Only a stage-log entry written with this move explains it.
      const logged = new Set(
        changes
          .filter(
            (c) => c.kind === 'create' && c.path.length === 4 && c.path[1] === projectId && c.path[2] === 'stageLog',
          )
          .map((c) => c.path[3]),
      );
      const reason = project.stageLog.find(
        (entry) => logged.has(entry.id) && entry.from === from && entry.to === to,
      )?.reason;
      const conditions = unmetConditions({ ...project, stage: from }, { to, reason, criteria });
      if (conditions.length > 0) refusals.push({ projectId, to, conditions });
    }
    return refusals;
  } finally {
    after.destroy();
  }
}
