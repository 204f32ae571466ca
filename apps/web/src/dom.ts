import { type Language, type Messages, pickLanguage, translator } from './lib/i18n.js';
import en from './messages/en.json';
import ko from './messages/ko.json';

const CATALOGUES: Record<Language, Messages> = { en, ko };
type Params = Readonly<Record<string, string | number>>;

let language: Language = pickLanguage(navigator.languages ?? [navigator.language]);
let t = translator(CATALOGUES[language], en);

/** The current language's text for `key`. */
export function msg(key: string, params?: Params): string {
  return t(key, params);
}

export function currentLanguage(): Language {
  return language;
}

export function byId<T extends HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (el === null) throw new Error(`missing #${id} in index.html`);
  return el as T;
}

/** Shows a translated message in `el`, remembered so a language switch re-renders it. */
export function show(el: HTMLElement, key: string, params: Params = {}): void {
  el.dataset['msg'] = key;
  el.dataset['params'] = JSON.stringify(params);
  el.textContent = msg(key, params);
  el.hidden = false;
}

export function clear(el: HTMLElement): void {
  delete el.dataset['msg'];
  el.textContent = '';
  if (el.classList.contains('error')) el.hidden = true;
}

/** Shows an error in words: what failed (a translated sentence) with the library's own explanation. */
export function showError(el: HTMLElement, key: string, error: unknown): void {
  const detail = error instanceof Error ? error.message : String(error);
  show(el, key, { detail });
}

/** Applies the current language to static text and to every remembered message. */
export function applyLanguage(next: Language = language): void {
  language = next;
  t = translator(CATALOGUES[language], en);
  document.documentElement.lang = language;
  document.title = msg('app.title');
  for (const el of document.querySelectorAll<HTMLElement>('[data-i18n]'))
    el.textContent = msg(el.dataset['i18n']!);
  for (const el of document.querySelectorAll<HTMLTextAreaElement | HTMLInputElement>(
    '[data-i18n-placeholder]',
  )) {
    el.placeholder = msg(el.dataset['i18nPlaceholder']!);
  }
  for (const el of document.querySelectorAll<HTMLElement>('[data-msg]')) {
    el.textContent = msg(el.dataset['msg']!, JSON.parse(el.dataset['params'] ?? '{}') as Params);
  }
  document.dispatchEvent(new CustomEvent('languagechange-app'));
}

/** Number formatting in the current language. */
export function num(value: number, digits = 4): string {
  return Number.isFinite(value)
    ? value.toLocaleString(language, { maximumFractionDigits: digits, minimumFractionDigits: 0 })
    : '–';
}
