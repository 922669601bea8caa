import type { BrandActivity, Linkage, ProjectCategory } from './board-enums';
import type { ChecklistItemData, IndicatorData } from './board-data';

/**
 * Project templates (工作项目化、项目清单化、清单责任化, task 12 of the source text): for each
 * project category, and for each brand activity that is a usual breakthrough point (突破点) of
 * co-building, a typical checklist, outcome indicators, linkages (八联) and a description stub.
 * Commands apply one through `instantiateTemplate`; everything it fills in stays editable.
 */

/** Whom a checklist item falls to: the lead org, or one of the partner orgs. */
export type TemplateOrgRole = 'lead' | 'partner';

export interface ChecklistItemTemplate {
  text: string;
  /** Suggested due date, in days after the project's start date. */
  offsetDays: number;
  role: TemplateOrgRole;
}

export interface IndicatorTemplate {
  name: string;
  unit: string;
  /** A sensible default; the people planning the project set their own. */
  target: number;
}

export interface ProjectTemplate {
  /** The category or brand activity the template is for. */
  id: ProjectCategory | BrandActivity;
  /** The project's category; for a brand activity, the one it usually falls under. */
  category: ProjectCategory;
  brandActivity: BrandActivity | null;
  /** A typical project title, shown when picking a template. */
  name: string;
  description: string;
  checklist: readonly ChecklistItemTemplate[];
  indicators: readonly IndicatorTemplate[];
  linkages: readonly Linkage[];
}

const item = (offsetDays: number, role: TemplateOrgRole, text: string): ChecklistItemTemplate => ({
  text,
  offsetDays,
  role,
});
const indicator = (name: string, unit: string, target: number): IndicatorTemplate => ({ name, unit, target });

export const CATEGORY_TEMPLATES: Readonly<Record<ProjectCategory, ProjectTemplate>> = {
  training: {
    id: 'training',
    category: 'training',
    brandActivity: null,
    name: '职工素质提升联合培训',
    description:
      '围绕辖区职工、青年和妇女的素质提升需求，由牵头单位会同参与单位联合开展教育培训，统筹师资、培训阵地和经费，' +
      '做到有计划、有签到、有评估、有台账。',
    checklist: [
      item(7, 'lead', '开展培训需求调研，汇总各单位培训需求'),
      item(14, 'lead', '制定培训方案和课程计划，明确各单位分工'),
      item(21, 'partner', '落实授课师资和培训阵地（职工之家、青年之家、妇女之家等）'),
      item(28, 'partner', '发布培训通知，组织学员报名'),
      item(45, 'lead', '组织实施培训，做好签到和过程记录'),
      item(52, 'partner', '开展培训效果评估，收集学员反馈'),
      item(60, 'lead', '撰写项目总结，整理培训台账归档'),
    ],
    indicators: [indicator('培训场次', '场', 6), indicator('参训人数', '人', 300), indicator('学员满意度', '%', 90)],
    linkages: ['joint_activities', 'joint_venues', 'joint_forces'],
  },
  rights: {
    id: 'rights',
    category: 'rights',
    brandActivity: null,
    name: '职工权益维护联合服务',
    description:
      '聚焦职工、妇女、青年的劳动经济权益，整合各群团组织的维权服务力量，联合开展法律咨询、劳动法律监督、矛盾纠纷调处' +
      '和法律援助，推动维权诉求“一站式”解决。',
    checklist: [
      item(7, 'lead', '梳理区域内劳动关系状况和职工维权需求'),
      item(14, 'lead', '制定联合维权服务方案，明确各单位职责分工'),
      item(21, 'partner', '设立联合维权服务点，公布服务时间和热线'),
      item(60, 'lead', '开展劳动法律监督和劳动争议联合调处'),
      item(75, 'partner', '提供法律咨询和法律援助服务'),
      item(85, 'partner', '汇总典型案例，整理维权服务台账'),
      item(90, 'lead', '开展总结评估，形成项目工作报告归档'),
    ],
    indicators: [
      indicator('法律咨询人次', '人次', 200),
      indicator('调处劳动争议', '件', 20),
      indicator('法律援助案件', '件', 5),
    ],
    linkages: ['joint_services', 'policy_linkage', 'joint_forces'],
  },
  employment: {
    id: 'employment',
    category: 'employment',
    brandActivity: null,
    name: '就业创业联合服务行动',
    description:
      '面向辖区失业人员、农民工、高校毕业生和有创业意愿的职工，联合开展岗位对接、技能提升和创业指导，' +
      '落实就业创业扶持政策，帮助实现就业创业。',
    checklist: [
      item(7, 'lead', '摸排辖区就业困难人员和创业需求，建立服务台账'),
      item(14, 'lead', '制定服务方案，对接人社等部门就业创业扶持政策'),
      item(21, 'partner', '征集辖区企业用工岗位信息'),
      item(45, 'lead', '举办专场招聘会或创业沙龙'),
      item(60, 'partner', '开展创业指导和职业技能培训'),
      item(80, 'partner', '跟踪回访服务对象就业创业情况'),
      item(90, 'lead', '撰写项目总结，整理台账归档'),
    ],
    indicators: [
      indicator('提供就业岗位数', '个', 300),
      indicator('实现就业人数', '人', 50),
      indicator('创业指导人次', '人次', 100),
    ],
    linkages: ['joint_services', 'policy_linkage', 'joint_activities'],
  },
  assistance: {
    id: 'assistance',
    category: 'assistance',
    brandActivity: null,
    name: '困难职工家庭联合帮扶',
    description:
      '对辖区困难职工、困难妇女儿童和困难青年家庭开展联合帮扶，统一摸排、结对帮扶、动态管理，' +
      '帮扶资金公开透明，巩固解困脱困成果。',
    checklist: [
      item(14, 'lead', '走访摸排帮扶对象，建立帮扶对象台账'),
      item(21, 'lead', '制定帮扶方案，明确结对单位和帮扶标准'),
      item(30, 'partner', '筹集帮扶资金和慰问物资'),
      item(45, 'partner', '开展结对帮扶和走访慰问'),
      item(50, 'lead', '公示帮扶资金发放情况'),
      item(80, 'partner', '回访帮扶对象，动态更新帮扶台账'),
      item(90, 'lead', '撰写项目总结，整理台账归档'),
    ],
    indicators: [
      indicator('帮扶对象户数', '户', 50),
      indicator('帮扶金额', '元', 100_000),
      indicator('走访慰问人次', '人次', 100),
    ],
    linkages: ['joint_services', 'joint_forces', 'policy_linkage'],
  },
  exchange: {
    id: 'exchange',
    category: 'exchange',
    brandActivity: null,
    name: '青年职工交流联谊活动',
    description:
      '为辖区企业青年职工搭建交流交友平台，由工会、共青团、妇联共同组织联谊活动，' +
      '依托区域内党群服务中心、青年之家等阵地，增进交流、凝聚人心。',
    checklist: [
      item(7, 'lead', '制定联谊活动方案'),
      item(14, 'partner', '落实活动场地，制定安全预案'),
      item(21, 'partner', '发布活动通知，组织报名和资格审核'),
      item(30, 'lead', '举办交流联谊活动'),
      item(35, 'partner', '做好活动宣传报道'),
      item(40, 'lead', '收集参与者反馈，整理活动台账归档'),
    ],
    indicators: [indicator('活动场次', '场', 3), indicator('参与人数', '人', 200), indicator('参与企业数', '家', 10)],
    linkages: ['joint_activities', 'joint_venues', 'joint_publicity'],
  },
  culture: {
    id: 'culture',
    category: 'culture',
    brandActivity: null,
    name: '群团文化艺术节',
    description:
      '联合举办面向职工群众的文艺演出、体育比赛等文娱活动，发动基层单位广泛参与，丰富职工精神文化生活，' +
      '展示新时代产业工人和青年、妇女的精神风貌。',
    checklist: [
      item(7, 'lead', '制定活动方案和节目（赛事）安排'),
      item(14, 'partner', '落实演出（比赛）场地和设备'),
      item(28, 'partner', '发动基层单位组织节目、报名参赛'),
      item(40, 'lead', '组织彩排，开展安全检查'),
      item(45, 'lead', '举办文娱活动'),
      item(50, 'partner', '做好活动宣传报道'),
      item(60, 'lead', '撰写项目总结，整理活动台账归档'),
    ],
    indicators: [
      indicator('活动场次', '场', 4),
      indicator('参与职工人数', '人', 500),
      indicator('参演节目数', '个', 20),
    ],
    linkages: ['joint_activities', 'joint_venues', 'joint_brand'],
  },
};

export const BRAND_ACTIVITY_TEMPLATES: Readonly<Record<BrandActivity, ProjectTemplate>> = {
  skills_contest: {
    id: 'skills_contest',
    category: 'training',
    brandActivity: 'skills_contest',
    name: '区域职工劳动技能竞赛',
    description:
      '以劳动技能竞赛为共建突破点，围绕辖区重点产业确定竞赛工种，以赛促学、以赛促训，选拔技术能手，' +
      '推动产业工人队伍建设改革。',
    checklist: [
      item(14, 'lead', '方案制定：确定竞赛工种、竞赛规则和评分标准'),
      item(21, 'partner', '宣传发动：发布竞赛通知，动员企业职工报名参赛'),
      item(35, 'partner', '报名组织：汇总报名信息，组织赛前培训'),
      item(50, 'lead', '赛事实施：组织理论考试和实际操作比赛'),
      item(60, 'lead', '表彰宣传：公布竞赛结果，表彰优胜选手，推荐技术能手'),
      item(70, 'lead', '总结归档：整理竞赛资料，形成竞赛台账'),
    ],
    indicators: [
      indicator('参赛人数', '人', 100),
      indicator('参赛企业数', '家', 20),
      indicator('竞赛工种数', '个', 3),
      indicator('获奖选手人数', '人', 15),
    ],
    linkages: ['joint_activities', 'joint_brand', 'joint_publicity'],
  },
  volunteering: {
    id: 'volunteering',
    category: 'assistance',
    brandActivity: 'volunteering',
    name: '群团志愿服务联合行动',
    description:
      '以志愿者行动为共建突破点，整合工会、共青团、妇联的志愿者队伍，依托党群服务中心等阵地，' +
      '常态化开展关爱职工、助老助残、环境保护等志愿服务。',
    checklist: [
      item(7, 'lead', '确定志愿服务项目、服务对象和服务阵地'),
      item(14, 'partner', '招募志愿者，开展岗前培训'),
      item(21, 'partner', '制定志愿服务排班表'),
      item(60, 'partner', '开展志愿服务'),
      item(65, 'partner', '登记志愿服务时长，整理服务记录'),
      item(75, 'lead', '选树宣传志愿服务先进典型'),
      item(90, 'lead', '撰写项目总结，整理台账归档'),
    ],
    indicators: [
      indicator('志愿者人数', '人', 50),
      indicator('志愿服务时长', '小时', 500),
      indicator('服务群众人次', '人次', 1000),
    ],
    linkages: ['joint_forces', 'joint_services', 'joint_publicity'],
  },
  civilized_family: {
    id: 'civilized_family',
    category: 'culture',
    brandActivity: 'civilized_family',
    name: '文明家庭（最美家庭）创建活动',
    description:
      '以文明家庭创建为共建突破点，在职工家庭中开展家风家教主题活动和文明家庭评选，' +
      '选树一批可学可鉴的家庭典型，弘扬优良家风。',
    checklist: [
      item(14, 'lead', '制定创建方案和评选标准'),
      item(30, 'partner', '宣传发动，组织职工家庭申报'),
      item(60, 'partner', '开展家风家教主题活动'),
      item(75, 'lead', '组织评审和实地走访'),
      item(85, 'lead', '公示评选结果，表彰文明家庭'),
      item(95, 'partner', '宣传文明家庭典型事迹'),
      item(100, 'lead', '撰写项目总结，整理台账归档'),
    ],
    indicators: [
      indicator('申报家庭数', '户', 100),
      indicator('评选文明家庭数', '户', 20),
      indicator('参与活动人次', '人次', 500),
    ],
    linkages: ['joint_publicity', 'joint_brand', 'joint_activities'],
  },
  legal_outreach: {
    id: 'legal_outreach',
    category: 'rights',
    brandActivity: 'legal_outreach',
    name: '法律科普进企业进园区宣传活动',
    description:
      '以法律科普宣传为共建突破点，组建普法讲师和志愿者队伍，围绕劳动法律法规、妇女儿童权益保护、' +
      '青少年保护和科学常识，进企业、进园区、进社区开展宣传。',
    checklist: [
      item(7, 'lead', '制定宣传方案，确定宣传主题和重点法律法规'),
      item(14, 'partner', '组建普法讲师和志愿者队伍'),
      item(21, 'partner', '编印宣传资料'),
      item(45, 'lead', '进企业、进园区、进社区开展宣讲'),
      item(60, 'partner', '开展法律咨询和线上知识竞答'),
      item(65, 'partner', '做好宣传报道'),
      item(75, 'lead', '撰写项目总结，整理台账归档'),
    ],
    indicators: [
      indicator('宣讲场次', '场', 10),
      indicator('受众人次', '人次', 1000),
      indicator('发放宣传资料', '份', 2000),
    ],
    linkages: ['joint_activities', 'joint_publicity', 'joint_forces'],
  },
};

/** Every template: the six categories, then the four brand activities. */
export const PROJECT_TEMPLATES: readonly ProjectTemplate[] = [
  ...Object.values(CATEGORY_TEMPLATES),
  ...Object.values(BRAND_ACTIVITY_TEMPLATES),
];

/** The template for a project: its brand activity's when it has one (the more specific), else its category's. */
export function templateFor(category: ProjectCategory, brandActivity?: BrandActivity | null): ProjectTemplate {
  return brandActivity ? BRAND_ACTIVITY_TEMPLATES[brandActivity] : CATEGORY_TEMPLATES[category];
}

export type TemplateIdKind = 'checklist' | 'indicator';

export interface TemplateContext {
  leadOrgId: string;
  partnerOrgIds: readonly string[];
  /** `YYYY-MM-DD`; without it the items have no due date. */
  startDate: string | null;
  /** The id of the `index`-th checklist item or indicator (commands pass their id generator). */
  idFor: (kind: TemplateIdKind, index: number) => string;
}

export interface InstantiatedTemplate {
  checklist: ChecklistItemData[];
  indicators: IndicatorData[];
  linkages: Linkage[];
  description: string;
}

/**
 * The template's content for one project, as plain data. Deterministic: the same template and
 * context give the same result. Lead items go to the lead org; partner items go round the partner
 * orgs in order (the lead is skipped if listed), and stay without an org when there is no other
 * partner yet, so that the approval gate names them. Ranks are `a0`, `a1`, … (wider when there
 * are more than 36 items, so that they still sort in order); applied to a project that already
 * has items, the command re-ranks them after its own.
 */
export function instantiateTemplate(template: ProjectTemplate, context: TemplateContext): InstantiatedTemplate {
  const partners = [...new Set(context.partnerOrgIds)].filter((orgId) => orgId !== context.leadOrgId);
  const rank = rankFor(template.checklist.length);
  let partnerTurn = 0;
  const checklist = template.checklist.map((entry, index): ChecklistItemData => {
    let orgId: string | null = context.leadOrgId;
    if (entry.role === 'partner') orgId = partners.length > 0 ? partners[partnerTurn++ % partners.length] : null;
    return {
      id: context.idFor('checklist', index),
      rank: rank(index),
      text: entry.text,
      orgId,
      assignee: '',
      due: context.startDate === null ? null : addDays(context.startDate, entry.offsetDays),
      status: 'todo',
      waiveReason: '',
      evidence: '',
    };
  });
  const indicators = template.indicators.map((entry, index): IndicatorData => ({
    id: context.idFor('indicator', index),
    name: entry.name,
    unit: entry.unit,
    target: entry.target,
    actual: null,
  }));
  return { checklist, indicators, linkages: [...template.linkages], description: template.description };
}

/** `a` then the index in base 36, zero-padded to one width so that plain string order is index order. */
function rankFor(count: number): (index: number) => string {
  const width = Math.max(0, count - 1).toString(36).length;
  return (index) => `a${index.toString(36).padStart(width, '0')}`;
}

/** A `YYYY-MM-DD` date plus whole days, on the calendar (no time zone involved). */
function addDays(date: string, days: number): string {
  const [year, month, day] = date.split('-').map(Number);
  const moment = new Date(0);
  // setUTCFullYear, unlike Date.UTC, does not read years 0–99 as 1900–1999.
  moment.setUTCFullYear(year, month - 1, day + days);
  return moment.toISOString().slice(0, 10);
}
