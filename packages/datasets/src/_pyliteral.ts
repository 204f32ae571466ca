/** A Python literal value, as found in an `.npy` header. Tuples and lists are both arrays. */
export type PyLiteral = string | number | boolean | null | PyLiteral[] | { [key: string]: PyLiteral };

/**
 * Parses the Python literal subset `numpy.lib.format` writes in `.npy` headers (dict, str, int, bool, None,
 * tuple, list), the counterpart of its `ast.literal_eval`. Throws a plain `Error` with the position on bad input.
 */
export function parsePyLiteral(text: string): PyLiteral {
  let at = 0;
  const fail = (what: string): never => {
    throw new Error(`${what} at character ${at} of ${JSON.stringify(text)}`);
  };
  const skip = (): void => {
    while (at < text.length && /\s/.test(text[at]!)) at++;
  };
  const value = (): PyLiteral => {
    skip();
    const c = text[at];
    if (c === '{') {
      at++;
      const dict: { [key: string]: PyLiteral } = {};
      for (;;) {
        skip();
        if (text[at] === '}') {
          at++;
          return dict;
        }
        const key = value();
        if (typeof key !== 'string') fail('expected a string key');
        skip();
        if (text[at] !== ':') fail("expected ':'");
        at++;
        dict[key as string] = value();
        skip();
        if (text[at] === ',') at++;
        else if (text[at] !== '}') fail("expected ',' or '}'");
      }
    }
    if (c === '(' || c === '[') {
      const close = c === '(' ? ')' : ']';
      at++;
      const items: PyLiteral[] = [];
      for (;;) {
        skip();
        if (text[at] === close) {
          at++;
          return items;
        }
        items.push(value());
        skip();
        if (text[at] === ',') at++;
        else if (text[at] !== close) fail(`expected ',' or '${close}'`);
      }
    }
    if (c === "'" || c === '"') {
      const end = text.indexOf(c, at + 1);
      if (end < 0) fail('unterminated string');
      const s = text.slice(at + 1, end);
      if (s.includes('\\')) fail('escapes are not supported in header strings');
      at = end + 1;
      return s;
    }
    const word = /^(True|False|None|-?\d+)/.exec(text.slice(at));
    if (word === null) return fail('unexpected input');
    at += word[0].length;
    if (word[0] === 'True') return true;
    if (word[0] === 'False') return false;
    if (word[0] === 'None') return null;
    const n = Number(word[0]);
    if (!Number.isSafeInteger(n)) fail(`integer ${word[0]} is out of range`);
    return n;
  };
  const result = value();
  skip();
  if (at !== text.length) fail('trailing characters');
  return result;
}
