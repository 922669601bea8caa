import { t } from '../i18n';
import type { FieldName, RefusalNotice, RefusalPlace } from './refusal-notice';

/** The place of a refused change in the current language: 项目「…」的阶段. */
export function placeText(place: RefusalPlace): string {
  switch (place.kind) {
    case 'project': {
      const project = place.title ?? t('refusal.someProject');
      if (!place.field) return t('refusal.place.project', { project });
      return t('refusal.place.projectField', { project, field: fieldText(place.field, 'projectFields') });
    }
    case 'checklistItem': {
      const project = place.title ?? t('refusal.someProject');
      const item = place.item ?? t('refusal.someItem');
      if (!place.field) return t('refusal.place.checklistItem', { project, item });
      return t('refusal.place.checklistItemField', { project, item, field: fieldText(place.field, 'checklistFields') });
    }
    case 'meta':
      return place.field
        ? t('refusal.place.metaField', { field: fieldText(place.field, 'metaFields') })
        : t('refusal.place.meta');
    case 'board':
      return t('refusal.place.board');
  }
}

function fieldText(field: FieldName<string>, group: 'projectFields' | 'checklistFields' | 'metaFields'): string {
  // The key was checked against the group's list when the notice was made.
  if ('known' in field) return t(`refusal.${group}.${field.known}` as Parameters<typeof t>[0]);
  return t('refusal.place.rawField', { key: field.raw });
}

/** The first sentence: what was refused, and where. */
export function headline(notice: RefusalNotice): string {
  if (notice.code === 'gate_failed') {
    const project = notice.gate?.title ?? t('refusal.someProject');
    const stage = notice.gate?.to;
    return stage
      ? t('refusal.gateFailed', { project, stage: t(`stages.${stage}`) })
      : t('refusal.gateFailedAnyStage', { project });
  }
  const place = notice.place ? placeText(notice.place) : null;
  const key = { forbidden: 'forbidden', invalid: 'invalid', too_large: 'tooLarge' } as const;
  return place ? t(`refusal.${key[notice.code]}`, { place }) : t(`refusal.${key[notice.code]}Anywhere`);
}
