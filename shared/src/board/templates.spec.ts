import { BRAND_ACTIVITIES, PROJECT_CATEGORIES } from './board-enums';
import { checklistItemNode, indicatorNode, projectNode, type SchemaNode } from './board-schema';
import { linkageSchema, rankSchema } from './board-values';
import {
  BRAND_ACTIVITY_TEMPLATES,
  CATEGORY_TEMPLATES,
  instantiateTemplate,
  PROJECT_TEMPLATES,
  type TemplateContext,
  templateFor,
} from './templates';

/** The paths at which `data` breaks a map node of the document schema (value and text fields). */
function problems(node: SchemaNode, data: Record<string, unknown>): string[] {
  if (node.kind !== 'map') throw new Error('expected a map node');
  const missing = (node.required ?? []).filter((key) => !(key in data)).map((key) => `${key}: required`);
  const wrong = Object.entries(data).flatMap(([key, value]) => {
    const field = node.fields[key];
    if (!field) return [`${key}: unknown`];
    if (field.kind === 'value')
      return field.schema.safeParse(value).success ? [] : [`${key}: ${JSON.stringify(value)}`];
    if (field.kind === 'text')
      return typeof value === 'string' && value.length <= field.maxLength ? [] : [`${key}: text`];
    return [`${key}: not a plain field`];
  });
  return [...missing, ...wrong];
}

const context = (overrides: Partial<TemplateContext> = {}): TemplateContext => ({
  leadOrgId: 'org-union',
  partnerOrgIds: ['org-youth', 'org-women'],
  startDate: '2026-04-01',
  idFor: (kind, index) => `${kind}-${index}`,
  ...overrides,
});

describe('PROJECT_TEMPLATES', () => {
  it('has one template per category, for that category and no brand activity', () => {
    expect(
      PROJECT_CATEGORIES.map((category) => [
        CATEGORY_TEMPLATES[category].category,
        CATEGORY_TEMPLATES[category].brandActivity,
      ]),
    ).toEqual(PROJECT_CATEGORIES.map((category) => [category, null]));
  });

  it('has one template per brand activity, for that brand activity', () => {
    expect(BRAND_ACTIVITIES.map((brand) => BRAND_ACTIVITY_TEMPLATES[brand].brandActivity)).toEqual([
      ...BRAND_ACTIVITIES,
    ]);
  });

  it('lists the six category templates, then the four brand activity templates', () => {
    expect(PROJECT_TEMPLATES.map((template) => template.id)).toEqual([...PROJECT_CATEGORIES, ...BRAND_ACTIVITIES]);
  });

  it('gives 劳动技能竞赛 the steps of a labour skills contest, in order', () => {
    expect(BRAND_ACTIVITY_TEMPLATES.skills_contest.checklist.map((entry) => entry.text.slice(0, 4))).toEqual([
      '方案制定',
      '宣传发动',
      '报名组织',
      '赛事实施',
      '表彰宣传',
      '总结归档',
    ]);
  });
});

describe.each(PROJECT_TEMPLATES.map((template) => [template.id, template] as const))(
  'the %s template',
  (_id, template) => {
    const result = instantiateTemplate(template, context());

    it('gives checklist items that validate against the checklist item schema', () => {
      expect(result.checklist.flatMap((item) => problems(checklistItemNode, { ...item }))).toEqual([]);
    });

    it('gives indicators that validate against the indicator schema', () => {
      expect(result.indicators.flatMap((indicator) => problems(indicatorNode, { ...indicator }))).toEqual([]);
    });

    it('gives valid linkages and a description that fits the description text', () => {
      const description = projectNode.kind === 'map' ? projectNode.fields.description : undefined;
      expect([
        result.linkages.every((linkage) => linkageSchema.safeParse(linkage).success),
        description?.kind === 'text' && result.description.length <= description.maxLength,
      ]).toEqual([true, true]);
    });

    it('has a checklist, indicators, linkages and a description at all', () => {
      expect([
        result.checklist.length > 0,
        result.indicators.length > 0,
        result.linkages.length > 0,
        result.description.length > 0,
      ]).toEqual([true, true, true, true]);
    });

    it('suggests due dates in order, on or after the start date', () => {
      const offsets = template.checklist.map((entry) => entry.offsetDays);
      expect([offsets[0] >= 0, offsets.every((offset, i) => i === 0 || offset >= offsets[i - 1])]).toEqual([
        true,
        true,
      ]);
    });

    it('is deterministic: the same template and context give the same result', () => {
      expect(instantiateTemplate(template, context())).toEqual(result);
    });
  },
);

describe('instantiateTemplate', () => {
  const template = BRAND_ACTIVITY_TEMPLATES.skills_contest;

  it('takes item and indicator ids from idFor, by kind and index', () => {
    const result = instantiateTemplate(template, context());
    expect([result.checklist.map((item) => item.id), result.indicators.map((indicator) => indicator.id)]).toEqual([
      ['checklist-0', 'checklist-1', 'checklist-2', 'checklist-3', 'checklist-4', 'checklist-5'],
      ['indicator-0', 'indicator-1', 'indicator-2', 'indicator-3'],
    ]);
  });

  it('ranks the items a0, a1, … in checklist order', () => {
    expect(instantiateTemplate(template, context()).checklist.map((item) => item.rank)).toEqual([
      'a0',
      'a1',
      'a2',
      'a3',
      'a4',
      'a5',
    ]);
  });

  it('keeps ranks valid and in order past 36 items', () => {
    const long = {
      ...template,
      checklist: Array.from({ length: 40 }, (_, i) => ({ text: `事项${i}`, offsetDays: i, role: 'lead' as const })),
    };
    const ranks = instantiateTemplate(long, context()).checklist.map((item) => item.rank);
    expect([ranks.every((rank) => rankSchema.safeParse(rank).success), [...ranks].sort(), new Set(ranks).size]).toEqual(
      [true, ranks, 40],
    );
  });

  it('gives lead items to the lead org and partner items to the partners in turn', () => {
    expect(instantiateTemplate(template, context()).checklist.map((item) => item.orgId)).toEqual([
      'org-union',
      'org-youth',
      'org-women',
      'org-union',
      'org-union',
      'org-union',
    ]);
  });

  it('does not give partner items to the lead org when it is listed among the partners', () => {
    const result = instantiateTemplate(template, context({ partnerOrgIds: ['org-union', 'org-youth'] }));
    expect(result.checklist.map((item) => item.orgId)).toEqual([
      'org-union',
      'org-youth',
      'org-youth',
      'org-union',
      'org-union',
      'org-union',
    ]);
  });

  it('leaves partner items without an org when there is no partner yet', () => {
    const result = instantiateTemplate(template, context({ partnerOrgIds: [] }));
    expect(result.checklist.map((item) => item.orgId)).toEqual([
      'org-union',
      null,
      null,
      'org-union',
      'org-union',
      'org-union',
    ]);
  });

  it('dates each item its offset after the start date, across month ends', () => {
    const result = instantiateTemplate(template, context({ startDate: '2026-01-25' }));
    expect(result.checklist.map((item) => item.due)).toEqual([
      '2026-02-08',
      '2026-02-15',
      '2026-03-01',
      '2026-03-16',
      '2026-03-26',
      '2026-04-05',
    ]);
  });

  it('leaves due dates empty without a start date', () => {
    expect(instantiateTemplate(template, context({ startDate: null })).checklist.map((item) => item.due)).toEqual(
      Array(6).fill(null),
    );
  });

  it('starts every item as todo with no assignee, and every indicator without an actual', () => {
    const result = instantiateTemplate(template, context());
    expect([
      result.checklist.every(
        (item) => item.status === 'todo' && item.assignee === '' && item.waiveReason === '' && item.evidence === '',
      ),
      result.indicators.every((indicator) => indicator.actual === null),
    ]).toEqual([true, true]);
  });

  it('returns copies: changing the result leaves the template as it was', () => {
    const result = instantiateTemplate(template, context());
    result.linkages.push('joint_review');
    expect(template.linkages).not.toContain('joint_review');
  });
});

describe('templateFor', () => {
  it('gives the category template to a project without a brand activity', () => {
    expect([templateFor('rights'), templateFor('rights', null)]).toEqual([
      CATEGORY_TEMPLATES.rights,
      CATEGORY_TEMPLATES.rights,
    ]);
  });

  it('gives the brand activity template to a project with one, whatever its category', () => {
    expect(templateFor('exchange', 'volunteering')).toBe(BRAND_ACTIVITY_TEMPLATES.volunteering);
  });
});
