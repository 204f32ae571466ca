// Python's json.dumps (default separators, ensure_ascii=True) and an order-preserving reader for the flat
// JSON objects Keras' Tokenizer.get_config nests as strings. JS objects reorder integer-like keys, so
// dictionaries stay as ordered entry lists here.
import { SequenceError } from './errors.js';

export type PyJson = string | number | boolean | null | PyDict;
export interface PyDict {
  readonly entries: ReadonlyArray<readonly [string | number, PyJson]>;
}

const SHORT_ESCAPES: Record<string, string> = {
  '"': '\\"',
  '\\': '\\\\',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};

/** json.encoder.py_encode_basestring_ascii: everything outside ' '..'~' is escaped, per UTF-16 unit. */
export function pyJsonString(s: string): string {
  return `"${s.replace(/[^ -~]|["\\]/g, (c) => SHORT_ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}"`;
}

export function pyJsonDumps(value: PyJson): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return pyJsonString(value);
  const parts = value.entries.map(([k, v]) => `${pyJsonString(String(k))}: ${pyJsonDumps(v)}`);
  return `{${parts.join(', ')}}`;
}

// Raw control characters inside strings are left to JSON.parse, which rejects them.
const TOKEN =
  /\s*(?:("(?:[^"\\]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*")|(-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)|(null|true|false)|([{}:,]))/y;

/** Reads a JSON object whose values are strings, numbers, booleans or null, keeping key order. */
export function readFlatObject(
  text: string,
  what: string,
): Array<[string, string | number | boolean | null]> {
  const fail = (detail: string): never => {
    throw new SequenceError(
      'INVALID_JSON',
      `${what} must be a JSON object of strings and numbers, as Keras writes it; ${detail}.`,
    );
  };
  if (typeof text !== 'string') fail(`received a ${typeof text}`);
  TOKEN.lastIndex = 0;
  const next = (): RegExpExecArray => {
    const m = TOKEN.exec(text);
    if (!m) fail(`unexpected text at offset ${TOKEN.lastIndex}`);
    return m!;
  };
  const out: Array<[string, string | number | boolean | null]> = [];
  if (next()[4] !== '{') fail('expected "{" at the start');
  let m = next();
  if (m[4] === '}') return end(out);
  for (;;) {
    if (m[1] === undefined) fail(`expected a string key at offset ${m.index}`);
    const key = parseToken(m[1]!) as string;
    if (next()[4] !== ':') fail(`expected ":" after key ${JSON.stringify(key)}`);
    const v = next();
    if (v[4] !== undefined) fail(`expected a value for key ${JSON.stringify(key)}`);
    out.push([key, parseToken(v[0].trim()) as string | number | boolean | null]);
    const sep = next()[4];
    if (sep === '}') return end(out);
    if (sep !== ',') fail(`expected "," or "}" after the value of ${JSON.stringify(key)}`);
    m = next();
  }
  function parseToken(token: string): unknown {
    try {
      return JSON.parse(token);
    } catch {
      return fail(`invalid token ${token.slice(0, 40)}`);
    }
  }
  function end(entries: Array<[string, string | number | boolean | null]>) {
    if (text.slice(TOKEN.lastIndex).trim() !== '') fail('unexpected text after the object');
    return entries;
  }
}
