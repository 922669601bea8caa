import i18next from 'i18next';
import { toClientErrorCode } from '../api';
import { en } from './en';
import { zhCN, type Catalog } from './zh-CN';

export const LANGUAGES = ['zh-CN', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

const STORAGE_KEY = 'gj-language';

type Paths<T> = {
  [K in keyof T & string]: T[K] extends string ? K : `${K}.${Paths<T[K]>}`;
}[keyof T & string];

/** A dotted key into the catalogs, checked at compile time. */
export type MessageKey = Paths<Catalog>;

/** The UI language: i18next underneath, a rune on top so every `t()` in a template follows a switch. */
class I18n {
  readonly #instance = i18next.createInstance();
  #language = $state<Language>(readStoredLanguage());

  constructor() {
    void this.#instance.init({
      resources: { 'zh-CN': { translation: zhCN }, en: { translation: en } },
      lng: this.#language,
      fallbackLng: 'zh-CN',
      initAsync: false,
      // Svelte escapes text itself.
      interpolation: { escapeValue: false },
    });
    document.documentElement.lang = this.#language;
  }

  get language(): Language {
    return this.#language;
  }

  set language(language: Language) {
    this.#language = language;
    void this.#instance.changeLanguage(language);
    document.documentElement.lang = language;
    try {
      localStorage.setItem(STORAGE_KEY, language);
    } catch {
      // Storage may be off (private mode); the choice then lasts for this page only.
    }
  }

  readonly t = (key: MessageKey, values?: Record<string, string | number>): string =>
    this.#instance.t(key, { ...values, lng: this.#language });
}

function readStoredLanguage(): Language {
  try {
    const stored = localStorage.getItem(STORAGE_KEY);
    if ((LANGUAGES as readonly (string | null)[]).includes(stored)) return stored as Language;
  } catch {
    // Storage may be off; use the default.
  }
  return 'zh-CN';
}

export const i18n = new I18n();
export const t = i18n.t;

/** The translated message for any error a request, a socket ack or the sync provider reports. */
export function errorText(error: unknown): string {
  return t(`errors.${toClientErrorCode(error)}`);
}
