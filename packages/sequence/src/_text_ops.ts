// The TensorFlow string ops that Keras' TextVectorization uses, with their exact semantics, plus the Unicode-aware
// variants of the `unicode: true` option.

// tf.strings.lower(x) with the default encoding='' runs absl::AsciiStrToLower: only A-Z change.
export function asciiLower(s: string): string {
  return s.replace(/[A-Z]+/g, (m) => m.toLowerCase());
}

// Keras' DEFAULT_STRIP_REGEX r'[!"#$%&()\*\+,-\./:;<=>?@\[\\\]^_`{|}~\']' under RE2: the 32 ASCII punctuation
// characters (`,-\.` is the range ',' … '.', i.e. exactly , - .).
const ASCII_PUNCTUATION = /[!"#$%&()*+,\-./:;<=>?@[\\\]^_`{|}~']+/g;

export function stripAsciiPunctuation(s: string): string {
  return s.replace(ASCII_PUNCTUATION, '');
}

// tf.strings.split(x) (sep=None) skips runs of absl::ascii_isspace bytes: ' ', \t, \n, \v, \f, \r. Nothing else
// (no NBSP, no U+3000) separates words.
const ASCII_WHITESPACE = /[ \t\n\v\f\r]+/;

export function asciiWhitespaceSplit(s: string): string[] {
  const parts = s.split(ASCII_WHITESPACE);
  if (parts[0] === '') parts.shift();
  if (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}

// tf.strings.unicode_split(x, 'UTF-8'): one token per Unicode code point.
export function codePointSplit(s: string): string[] {
  return Array.from(s);
}

// Unicode option: every General Category P* character plus the ASCII symbols Keras strips ($ + < = > ^ ` | ~).
const UNICODE_PUNCTUATION = /[\p{P}$+<=>^`|~]+/gu;
const UNICODE_WHITESPACE = /\p{White_Space}+/u;

export function unicodeLower(s: string): string {
  return s.normalize('NFC').toLowerCase().normalize('NFC');
}

export function stripUnicodePunctuation(s: string): string {
  return s.normalize('NFC').replace(UNICODE_PUNCTUATION, '');
}

export function unicodeWhitespaceSplit(s: string): string[] {
  const parts = s.split(UNICODE_WHITESPACE);
  if (parts[0] === '') parts.shift();
  if (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}

// tf.strings.ngrams(x, ngram_width=widths, separator=' ') with no padding and preserve_short_sequences=False:
// for each width in the given order, every window of that width joined by ' '; widths longer than the row
// give nothing.
export function ngrams(tokens: readonly string[], widths: readonly number[]): string[] {
  const out: string[] = [];
  for (const width of widths) {
    for (let i = 0; i + width <= tokens.length; i++) {
      out.push(width === 1 ? tokens[i]! : tokens.slice(i, i + width).join(' '));
    }
  }
  return out;
}

// Order of the UTF-8 bytes of two strings (numpy compares Keras' token bytes so), which is code point order.
// JavaScript's `<` compares UTF-16 units, which differs only between surrogates (U+10000+) and U+E000…U+FFFF.
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && y >= 0xd800) {
      x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
      y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
    }
    return x - y;
  }
  return a.length - b.length;
}

// Python's str.splitlines() boundaries: \n, \r\n, \r, \v, \f, \x1c, \x1d, \x1e, \x85, \u2028, \u2029.
// biome-ignore lint/suspicious/noControlCharactersInRegex: Python's splitlines() splits on these control characters.
const PY_LINE_BREAK = /\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/;

// IndexLookup.load_assets: `f.read().splitlines()`, then trailing empty lines popped.
export function readKerasVocabularyAsset(text: string): string[] {
  const lines = text === '' ? [] : text.split(PY_LINE_BREAK);
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

// tf.lookup.TextFileInitializer (what `TextVectorization(vocabulary='vocab.txt')` uses): lines split on '\n',
// a trailing '\r' dropped from each (InputBuffer::ReadLine); an unterminated last line that is empty after that
// is end of file, not a line.
export function readTfVocabularyFile(text: string): string[] {
  const lines = text.split('\n').map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}
