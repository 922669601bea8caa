import type { RegionSummary } from '@gongjian/shared';

/** A region in tree order, with how deep it sits (a city 0, its districts 1, their townships 2). */
export interface RegionNode {
  region: RegionSummary;
  depth: number;
}

/**
 * The regions depth first, each followed by the regions under it, siblings by name. A region whose
 * parent is missing (or that sits in a loop) is put at the top level rather than left out.
 */
export function regionTree(regions: readonly RegionSummary[]): RegionNode[] {
  const ids = new Set(regions.map((region) => region.id));
  const children = new Map<string | null, RegionSummary[]>();
  for (const region of regions) {
    const parent = region.parentId !== null && ids.has(region.parentId) ? region.parentId : null;
    children.set(parent, [...(children.get(parent) ?? []), region]);
  }
  for (const list of children.values()) list.sort((a, b) => a.name.localeCompare(b.name, 'zh-CN'));

  const nodes: RegionNode[] = [];
  const placed = new Set<string>();
  const visit = (region: RegionSummary, depth: number) => {
    if (placed.has(region.id)) return;
    placed.add(region.id);
    nodes.push({ region, depth });
    for (const child of children.get(region.id) ?? []) visit(child, depth + 1);
  };
  for (const root of children.get(null) ?? []) visit(root, 0);
  for (const region of regions) visit(region, 0);
  return nodes;
}

/** The names from the top region down to `regionId`, e.g. 无锡市 / 梁溪区 / 崇安寺街道. */
export function regionPath(regions: readonly RegionSummary[], regionId: string): string[] {
  const byId = new Map(regions.map((region) => [region.id, region]));
  const names: string[] = [];
  const seen = new Set<string>();
  let current = byId.get(regionId);
  while (current && !seen.has(current.id)) {
    seen.add(current.id);
    names.unshift(current.name);
    current = current.parentId === null ? undefined : byId.get(current.parentId);
  }
  return names;
}
