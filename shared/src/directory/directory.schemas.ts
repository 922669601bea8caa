import type { OrgKind } from '../board/board-enums';

export const REGION_LEVELS = ['city', 'district', 'township'] as const;
export type RegionLevel = (typeof REGION_LEVELS)[number];

export interface RegionSummary {
  id: string;
  name: string;
  level: RegionLevel;
  parentId: string | null;
}

export interface OrgSummary {
  id: string;
  name: string;
  kind: OrgKind;
  regionId: string;
}
