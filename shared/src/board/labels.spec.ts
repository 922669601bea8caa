import { BRAND_ACTIVITIES, CHECKLIST_STATUSES, LINKAGES, ORG_KINDS, PROJECT_CATEGORIES, STAGES } from './board-enums';
import { LABELS, LOCALES, type VocabularyLabels } from './labels';

const VOCABULARIES: Record<keyof VocabularyLabels, readonly string[]> = {
  stage: STAGES,
  category: PROJECT_CATEGORIES,
  brandActivity: BRAND_ACTIVITIES,
  linkage: LINKAGES,
  checklistStatus: CHECKLIST_STATUSES,
  orgKind: ORG_KINDS,
};

describe('LABELS', () => {
  it.each(LOCALES)('labels every value of every vocabulary in %s, and nothing else', (locale) => {
    for (const [vocabulary, values] of Object.entries(VOCABULARIES)) {
      const labels: Record<string, string> = LABELS[locale][vocabulary as keyof VocabularyLabels];
      expect([vocabulary, Object.keys(labels).sort()]).toEqual([vocabulary, [...values].sort()]);
      expect([vocabulary, Object.values(labels).every((label) => label.trim().length > 0)]).toEqual([vocabulary, true]);
    }
  });

  it('uses the glossary words in zh-CN', () => {
    const zh = LABELS['zh-CN'];
    expect([
      zh.stage.planning,
      zh.stage.archived,
      zh.category.assistance,
      zh.brandActivity.legal_outreach,
      zh.linkage.joint_review,
    ]).toEqual(['策划', '归档', '帮扶救助', '法律科普宣传', '工作联评']);
  });

  it.each(LOCALES)('gives distinct labels within each vocabulary in %s', (locale) => {
    for (const vocabulary of Object.keys(VOCABULARIES) as (keyof VocabularyLabels)[]) {
      const labels = Object.values(LABELS[locale][vocabulary]);
      expect([vocabulary, new Set(labels).size]).toEqual([vocabulary, labels.length]);
    }
  });
});
