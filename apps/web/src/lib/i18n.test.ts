import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import en from '../messages/en.json' with { type: 'json' };
import ko from '../messages/ko.json' with { type: 'json' };
import { format, pickLanguage, translator } from './i18n.js';

test('English and Korean have the same keys and placeholders', () => {
  expect(Object.keys(ko).sort()).toEqual(Object.keys(en).sort());
  const holes = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort();
  for (const key of Object.keys(en))
    expect([key, holes(ko[key as keyof typeof ko])]).toEqual([key, holes(en[key as keyof typeof en])]);
});

test('every key the page uses exists', () => {
  const html = readFileSync(new URL('../../index.html', import.meta.url), 'utf8');
  const used = [...html.matchAll(/data-i18n(?:-placeholder)?="([\w.]+)"/g)].map((m) => m[1]!);
  expect(used.length).toBeGreaterThan(30);
  expect(used.filter((k) => !(k in en))).toEqual([]);
});

test('language from the browser, Korean or English', () => {
  expect(pickLanguage(['ko-KR', 'en-US'])).toBe('ko');
  expect(pickLanguage(['fr-FR', 'en-GB'])).toBe('en');
  expect(pickLanguage(['de'])).toBe('en');
});

test('placeholders, and English for missing keys', () => {
  expect(format('{a} of {b} {c}', { a: 1, b: 'x' })).toBe('1 of x {c}');
  expect(translator({}, { k: 'v{n}' })('k', { n: 2 })).toBe('v2');
});
