import { readdirSync, readFileSync } from 'node:fs';
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

test('#18.2: every key the page and the panels use exists, so no English is left in a Korean sentence', () => {
  const html = readFileSync(new URL('../../index.html', import.meta.url), 'utf8');
  const used = [...html.matchAll(/data-i18n(?:-placeholder|-label)?="([\w.]+)"/g)].map((m) => m[1]!);
  const src = new URL('../', import.meta.url);
  for (const dir of ['', 'panels/']) {
    for (const file of readdirSync(new URL(dir, src)).filter(
      (f) => f.endsWith('.ts') && !f.endsWith('.test.ts'),
    )) {
      const code = readFileSync(new URL(`${dir}${file}`, src), 'utf8');
      used.push(...[...code.matchAll(/(?:key: |msg\()'([\w.]+)'/g)].map((m) => m[1]!));
    }
  }
  expect(used.length).toBeGreaterThan(100);
  expect(used.filter((k) => !(k in en))).toEqual([]);
  // Keys built at run time: one per status, label and source.
  const textErrors = [
    'EMPTY',
    'MISSING_COLUMN',
    'ONE_CLASS',
    'BAD_LABEL',
    'BAD_UTF8',
    'BAD_TABLE',
    'BAD_ARGUMENT',
  ];
  for (const key of [
    'runs.status.stopped',
    'probe.label.negative',
    'data.source.file',
    'data.source.cache',
    ...textErrors.map((code) => `error.texts.${code}`),
  ])
    expect(key in ko).toBe(true);
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

test('index.html carries the English text, so the first paint already has it (no layout shift when the script runs)', () => {
  const html = readFileSync(new URL('../../index.html', import.meta.url), 'utf8');
  const decodeHtml = (s: string) => s.replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>');
  const pairs = [...html.matchAll(/data-i18n="([\w.]+)"[^>]*>([^<]*)</g)].map((m) => [
    m[1]!,
    decodeHtml(m[2]!),
  ]);
  expect(pairs.length).toBeGreaterThan(30);
  expect(pairs.filter(([key, text]) => en[key as keyof typeof en] !== text)).toEqual([]);
});
