/** The interface languages. */
export type Language = 'en' | 'ko';
export const LANGUAGES: readonly Language[] = ['en', 'ko'];

/** Flat message catalogue: key → text with `{name}` placeholders. */
export type Messages = Readonly<Record<string, string>>;

/** The first of the browser's preferred languages the app speaks (`ko-KR` → `ko`), else English. */
export function pickLanguage(preferred: readonly string[]): Language {
  for (const tag of preferred) {
    const base = tag.toLowerCase().split('-')[0];
    if (base === 'ko' || base === 'en') return base;
  }
  return 'en';
}

/** Fills `{name}` placeholders; a missing parameter stays visible as `{name}` rather than vanishing. */
export function format(template: string, params: Readonly<Record<string, string | number>> = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.hasOwn(params, name) ? String(params[name]) : whole,
  );
}

/** A translator over one catalogue, falling back to another (English) for keys it lacks. */
export function translator(
  messages: Messages,
  fallback: Messages = {},
): (key: string, params?: Readonly<Record<string, string | number>>) => string {
  return (key, params) => format(messages[key] ?? fallback[key] ?? key, params);
}
