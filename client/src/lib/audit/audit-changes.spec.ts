import { describe, expect, it } from '@jest/globals';
import { type AuditRecord, LABELS, type ProjectData } from '@gongjian/shared';
import { en } from '../i18n/en';
import { type Catalog, zhCN } from '../i18n/zh-CN';
import { type AuditContext, describeRecord, personLabel, titlesInSummary, type Translate } from './audit-changes';

/** The catalogs' own words, interpolated as i18next does, without a DOM. */
function translator(catalog: Catalog): Translate {
  return (key, values) => {
    const text = key.split('.').reduce<unknown>((node, part) => (node as Record<string, unknown>)[part], catalog);
    if (typeof text !== 'string') throw new Error(`no message ${key}`);
    return text.replace(/\{\{(\w+)\}\}/g, (_, name: string) => String(values?.[name]));
  };
}

const PROJECT: ProjectData = {
  id: 'p1',
  title: '职工技能竞赛',
  description: '',
  category: 'training',
  brandActivity: null,
  stage: 'approved',
  rank: 'i',
  leadOrgId: 'union',
  startDate: null,
  endDate: null,
  createdBy: 'u1',
  createdAt: '2026-01-01T00:00:00.000Z',
  linkages: [],
  partnerOrgIds: ['youth'],
  reviewerOrgIds: [],
  venueIds: [],
  checklist: [
    {
      id: 'c1',
      rank: 'i',
      text: '报名',
      orgId: 'youth',
      assignee: '',
      due: null,
      status: 'done',
      waiveReason: '',
      evidence: '',
    },
  ],
  funding: { union: 250000 },
  expenses: [],
  ledger: [],
  indicators: [],
  scores: {},
  stageLog: [
    { id: 's1', from: 'approved', to: 'planning', by: 'u1', at: '2026-01-02T00:00:00.000Z', reason: '补充材料' },
  ],
};

const ORGS: Record<string, string> = { union: '梁溪区总工会', youth: '共青团梁溪区委' };

function contextIn(language: 'zh-CN' | 'en'): AuditContext {
  return {
    t: translator(language === 'en' ? en : zhCN),
    labels: LABELS[language],
    project: (id) => (id === PROJECT.id ? PROJECT : null),
    orgName: (id) => ORGS[id] ?? id,
    criteria: [{ id: 'k1', name: '组织实施', weight: 100 }],
  };
}

function record(changes: AuditRecord['changes'], projectIds = ['p1'], summary = '项目「旧名」：…'): AuditRecord {
  return {
    id: '1-0',
    at: '2026-03-01T08:00:00.000Z',
    userId: 'u1',
    userName: '梁溪区总工会 · 王工',
    orgId: 'union',
    projectIds,
    summary,
    changes,
  };
}

/** The lines of the record's only group. */
function lines(changes: AuditRecord['changes'], language: 'zh-CN' | 'en' = 'zh-CN'): string[] {
  const view = describeRecord(record(changes), contextIn(language));
  expect(view.summary).toBeNull();
  return view.groups.flatMap((group) => group.lines);
}

describe(describeRecord.name, () => {
  it('translates a stage change through the stage labels', () => {
    const changes = [{ path: 'projects/p1/stage', kind: 'set' as const, old: 'planning', new: 'approved' }];
    expect(lines(changes)).toEqual(['阶段：策划 → 立项']);
    expect(lines(changes, 'en')).toEqual(['Stage: Planning → Approved']);
  });

  it('reads a value written over another as one change, not as a deletion too', () => {
    expect(
      lines([
        { path: 'projects/p1/funding/union', kind: 'set', old: 100000, new: 120000 },
        { path: 'projects/p1/funding/union', kind: 'delete', old: 100000 },
      ]),
    ).toEqual(['梁溪区总工会的计划投入：¥1,000.00 → ¥1,200.00']);
  });

  it('names a checklist item by its text in the live document and translates its status', () => {
    const changes = [{ path: 'projects/p1/checklist/c1/status', kind: 'set' as const, old: 'todo', new: 'done' }];
    expect(lines(changes)).toEqual(['清单事项「报名」状态：待办 → 已完成']);
    expect(lines(changes, 'en')).toEqual(['Checklist item "报名" status: To do → Done']);
  });

  it('speaks of a checklist item no longer in the document without a name', () => {
    expect(lines([{ path: 'projects/p1/checklist/gone', kind: 'delete' }])).toEqual(['删除清单事项']);
  });

  it('shows planned funding in yuan with two decimals, under the organization’s name', () => {
    const changes = [{ path: 'projects/p1/funding/union', kind: 'set' as const, old: 100000, new: 250050 }];
    expect(lines(changes)).toEqual(['梁溪区总工会的计划投入：¥1,000.00 → ¥2,500.50']);
  });

  it('shows an expense amount in yuan', () => {
    const changes = [{ path: 'projects/p1/expenses/e9/amountFen', kind: 'set' as const, new: 1234 }];
    expect(lines(changes)).toEqual(['支出金额设为 ¥12.34']);
  });

  it('names organizations joining or leaving a project', () => {
    expect(
      lines([
        { path: 'projects/p1/partnerOrgIds/youth', kind: 'set', new: true },
        { path: 'projects/p1/reviewerOrgIds/union', kind: 'delete' },
      ]),
    ).toEqual(['参与单位新增 共青团梁溪区委', '评议单位移除 梁溪区总工会']);
  });

  it('says a text was edited without repeating it', () => {
    expect(lines([{ path: 'projects/p1/title', kind: 'text' }])).toEqual(['修改了名称']);
    expect(lines([{ path: 'projects/p1/title', kind: 'text' }], 'en')).toEqual(['Edited title']);
  });

  it('reads a null value as none', () => {
    expect(lines([{ path: 'projects/p1/checklist/c1/due', kind: 'set', old: '2026-04-01', new: null }])).toEqual([
      '清单事项「报名」截止日期：2026-04-01 → 无',
    ]);
  });

  it('names a score’s criterion by the board’s rubric', () => {
    expect(lines([{ path: 'projects/p1/scores/youth/k1', kind: 'set', old: 80, new: 90 }])).toEqual([
      '共青团梁溪区委的评分「组织实施」：80 → 90',
    ]);
  });

  it('leaves out the stage log entry of a stage move, but keeps its reason', () => {
    expect(
      lines([
        { path: 'projects/p1/stage', kind: 'set', old: 'approved', new: 'planning' },
        { path: 'projects/p1/stageLog/s1', kind: 'create' },
      ]),
    ).toEqual(['阶段：立项 → 策划', '阶段变更理由：补充材料']);
    expect(
      lines([
        { path: 'projects/p1/stage', kind: 'set', old: 'planning', new: 'approved' },
        { path: 'projects/p1/stageLog/s2', kind: 'create' },
      ]),
    ).toEqual(['阶段：策划 → 立项']);
  });

  it('says a project was created', () => {
    expect(lines([{ path: 'projects/p1', kind: 'create' }], 'en')).toEqual(['Created the project']);
  });

  it('titles a group by the project’s title in the live document', () => {
    const view = describeRecord(record([{ path: 'projects/p1/title', kind: 'text' }]), contextIn('zh-CN'));
    expect(view.groups).toEqual([{ projectId: 'p1', title: '职工技能竞赛', lines: ['修改了名称'] }]);
  });

  it('titles a project no longer on the board as the summary named it', () => {
    const view = describeRecord(
      record([{ path: 'projects/p2', kind: 'delete' }], ['p2'], '项目「已撤销的项目」：删除项目'),
      contextIn('zh-CN'),
    );
    expect(view.groups).toEqual([{ projectId: 'p2', title: '已撤销的项目', lines: ['删除项目'] }]);
  });

  it('puts board settings in a group of their own', () => {
    const view = describeRecord(
      record([{ path: 'meta/title', kind: 'set', old: '旧看板', new: '新看板' }], []),
      contextIn('en'),
    );
    expect(view.groups).toEqual([{ projectId: null, title: 'Board settings', lines: ['Title: 旧看板 → 新看板'] }]);
  });

  it('falls back to the stored summary for a path it cannot read, keeping the lines it can', () => {
    const view = describeRecord(
      record(
        [
          { path: 'projects/p1/stage', kind: 'set', old: 'planning', new: 'approved' },
          { path: 'projects/p1/somethingNew', kind: 'set', new: 1 },
        ],
        ['p1'],
        '项目「职工技能竞赛」：阶段 策划 → 立项；somethingNew 设为 1',
      ),
      contextIn('en'),
    );
    expect(view).toEqual({
      groups: [{ projectId: 'p1', title: '职工技能竞赛', lines: ['Stage: Planning → Approved'] }],
      summary: '项目「职工技能竞赛」：阶段 策划 → 立项；somethingNew 设为 1',
    });
  });

  it('falls back to the summary when no change was recorded', () => {
    expect(describeRecord(record([]), contextIn('zh-CN')).summary).toBe('项目「旧名」：…');
  });

  it('says the same thing once', () => {
    expect(
      lines([
        { path: 'projects/p1/title', kind: 'text' },
        { path: 'projects/p1/title', kind: 'text' },
      ]),
    ).toEqual(['修改了名称']);
  });
});

describe(titlesInSummary.name, () => {
  it('reads every project title of a summary in order', () => {
    expect(titlesInSummary('看板：名称 a → b。项目「甲」：新建项目。项目「乙」：修改标题')).toEqual(['甲', '乙']);
  });
});

describe(personLabel.name, () => {
  it('adds the organization when the name does not say it', () => {
    expect(personLabel({ userId: 'u2', userName: '王工', orgId: 'union' }, contextIn('zh-CN'))).toEqual({
      name: '王工',
      org: '梁溪区总工会',
    });
  });

  it('leaves out an organization the name already says', () => {
    expect(personLabel({ userId: 'u1', userName: '梁溪区总工会 · 王工', orgId: 'union' }, contextIn('zh-CN'))).toEqual({
      name: '梁溪区总工会 · 王工',
      org: null,
    });
  });

  it('names an unknown user by id', () => {
    expect(personLabel({ userId: 'u9', userName: null, orgId: null }, contextIn('en'))).toEqual({
      name: 'Unknown user (u9)',
      org: null,
    });
  });
});
