import type { BrandActivity, ChecklistStatus, Linkage, OrgKind, ProjectCategory, Stage } from './board-enums';

/** The interface languages: zh-CN is the default, en the second (DESIGN.md §5). */
export const LOCALES = ['zh-CN', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

/** How each closed vocabulary of the glossary reads to a person. */
export interface VocabularyLabels {
  stage: Record<Stage, string>;
  category: Record<ProjectCategory, string>;
  brandActivity: Record<BrandActivity, string>;
  linkage: Record<Linkage, string>;
  checklistStatus: Record<ChecklistStatus, string>;
  orgKind: Record<OrgKind, string>;
}

/** Labels for every vocabulary value, in the words of DESIGN.md §2–§3 and the source text (task 12, 13). */
export const LABELS: Record<Locale, VocabularyLabels> = {
  'zh-CN': {
    stage: { planning: '策划', approved: '立项', in_progress: '实施', evaluation: '考核', archived: '归档' },
    category: {
      training: '教育培训',
      rights: '权益维护',
      employment: '就业创业',
      assistance: '帮扶救助',
      exchange: '交流联谊',
      culture: '文娱活动',
    },
    brandActivity: {
      skills_contest: '劳动技能竞赛',
      volunteering: '志愿者行动',
      civilized_family: '文明家庭创建',
      legal_outreach: '法律科普宣传',
    },
    linkage: {
      joint_activities: '活动联办',
      joint_services: '服务联手',
      policy_linkage: '政策联动',
      joint_publicity: '典型联宣',
      joint_venues: '阵地联建',
      joint_forces: '力量联合',
      joint_brand: '品牌联造',
      joint_review: '工作联评',
    },
    checklistStatus: { todo: '待办', doing: '进行中', done: '已完成', waived: '免做' },
    orgKind: { union: '工会', youth: '共青团', women: '妇联', other: '其他' },
  },
  en: {
    stage: {
      planning: 'Planning',
      approved: 'Approved',
      in_progress: 'In progress',
      evaluation: 'Evaluation',
      archived: 'Archived',
    },
    category: {
      training: 'Education and training',
      rights: 'Rights protection',
      employment: 'Employment and entrepreneurship',
      assistance: 'Assistance and relief',
      exchange: 'Exchange and fellowship',
      culture: 'Culture and recreation',
    },
    brandActivity: {
      skills_contest: 'Labour skills contest',
      volunteering: 'Volunteer action',
      civilized_family: 'Civilized family campaign',
      legal_outreach: 'Legal and science outreach',
    },
    linkage: {
      joint_activities: 'Joint activities',
      joint_services: 'Joint services',
      policy_linkage: 'Policy linkage',
      joint_publicity: 'Joint publicity of role models',
      joint_venues: 'Jointly built venues',
      joint_forces: 'Pooled forces',
      joint_brand: 'Jointly built brand',
      joint_review: 'Joint review',
    },
    checklistStatus: { todo: 'To do', doing: 'Doing', done: 'Done', waived: 'Waived' },
    orgKind: { union: 'Trade union', youth: 'Youth League', women: "Women's Federation", other: 'Other organization' },
  },
};
