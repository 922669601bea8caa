import { describe, expect, it } from '@jest/globals';
import type { RegionSummary } from '@gongjian/shared';
import { regionPath, regionTree } from './region-tree';

const regions: RegionSummary[] = [
  { id: 'jianghai', name: '江海街道', level: 'township', parentId: 'liangxi' },
  { id: 'xinwu', name: '新吴区', level: 'district', parentId: 'wuxi' },
  { id: 'wuxi', name: '无锡市', level: 'city', parentId: null },
  { id: 'liangxi', name: '梁溪区', level: 'district', parentId: 'wuxi' },
  { id: 'chongansi', name: '崇安寺街道', level: 'township', parentId: 'liangxi' },
];

describe('regionTree', () => {
  it('puts every region after its parent, one level deeper, siblings by name', () => {
    expect(regionTree(regions).map(({ region, depth }) => `${depth}:${region.id}`)).toEqual([
      '0:wuxi',
      '1:liangxi',
      '2:chongansi',
      '2:jianghai',
      '1:xinwu',
    ]);
  });

  it('keeps a region whose parent is missing, at the top level', () => {
    const orphan: RegionSummary = { id: 'lost', name: '某街道', level: 'township', parentId: 'gone' };
    expect(regionTree([...regions, orphan]).find((node) => node.region.id === 'lost')?.depth).toBe(0);
  });

  it('keeps regions that point at each other, each once', () => {
    const loop: RegionSummary[] = [
      { id: 'a', name: 'A', level: 'district', parentId: 'b' },
      { id: 'b', name: 'B', level: 'district', parentId: 'a' },
    ];
    expect(
      regionTree(loop)
        .map(({ region }) => region.id)
        .sort(),
    ).toEqual(['a', 'b']);
  });
});

describe('regionPath', () => {
  it('names the regions from the city down', () => {
    expect(regionPath(regions, 'chongansi')).toEqual(['无锡市', '梁溪区', '崇安寺街道']);
  });

  it('is empty for an unknown region', () => {
    expect(regionPath(regions, 'nowhere')).toEqual([]);
  });
});
