import { LANGUAGES, type Language, type Messages, pickLanguage, translator } from './lib/i18n.js';
import en from './messages/en.json';
import ko from './messages/ko.json';

const CATALOGUES: Record<Language, Messages> = { en, ko };
const LANGUAGE_KEY = 'seqlab-language';

/** A message to show: a catalogue key and its parameters (which may be messages themselves). */
export interface Msg {
  key: string;
  params?: Readonly<Record<string, string | number | Msg>>;
}

let language: Language = 'en';
let t = translator(CATALOGUES.en, en);

/** The language chosen earlier in this browser, else the browser's preferred one. */
export function initialLanguage(): Language {
  let saved: string | null = null;
  try {
    saved = localStorage.getItem(LANGUAGE_KEY);
  } catch {
    // storage blocked: fall back to the browser's languages
  }
  if (saved !== null && (LANGUAGES as readonly string[]).includes(saved)) return saved as Language;
  return pickLanguage(navigator.languages ?? [navigator.language]);
}

/** Switches the catalogue, remembers the choice, and translates the static text of index.html. */
export function setLanguage(next: Language): void {
  language = next;
  t = translator(CATALOGUES[language], en);
  try {
    localStorage.setItem(LANGUAGE_KEY, next);
  } catch {
    // not remembered; still applied
  }
  document.documentElement.lang = language;
  document.title = msg('app.title');
  for (const el of document.querySelectorAll<HTMLElement>('[data-i18n]'))
    el.textContent = msg(el.dataset['i18n']!);
  for (const el of document.querySelectorAll<HTMLElement>('[data-i18n-label]'))
    el.setAttribute('aria-label', msg(el.dataset['i18nLabel']!));
  for (const el of document.querySelectorAll<HTMLTextAreaElement | HTMLInputElement>(
    '[data-i18n-placeholder]',
  )) {
    el.placeholder = msg(el.dataset['i18nPlaceholder']!);
  }
}

/** The current language's text for `key`; message-valued parameters are translated too. */
export function msg(key: string, params: Msg['params'] = {}): string {
  const flat: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(params)) flat[k] = typeof v === 'object' ? msg(v.key, v.params) : v;
  return t(key, flat);
}

export function currentLanguage(): Language {
  return language;
}

export function byId<T extends HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (el === null) throw new Error(`missing #${id} in index.html`);
  return el as T;
}

/** Shows `m` in `el` (hidden when null); `data-msg` names the key for tests. */
export function render(el: HTMLElement, m: Msg | null): void {
  if (m === null) {
    delete el.dataset['msg'];
    el.textContent = '';
    if (el.classList.contains('error') || el.classList.contains('warning')) el.hidden = true;
    return;
  }
  el.dataset['msg'] = m.key;
  el.textContent = msg(m.key, m.params);
  el.hidden = false;
}

/** An error message: what failed (a translated sentence) with the library's own explanation. */
export function errorMsg(key: string, error: unknown): Msg {
  const detail = error instanceof Error ? error.message : String(error);
  return { key, params: { detail } };
}

/** Number formatting in the current language. */
export function num(value: number, digits = 4): string {
  return Number.isFinite(value)
    ? value.toLocaleString(language, { maximumFractionDigits: digits, minimumFractionDigits: 0 })
    : '–';
}

/** `tag` with a class and text, for building rows. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Partial<Record<'className' | 'textContent', string>> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (props.className) node.className = props.className;
  if (props.textContent !== undefined) node.textContent = props.textContent;
  node.append(...children);
  return node;
}
