// Python's float formatting (`repr`, and the `d`/`f`/`e`/`g`/`%` format specs of str.format), with Python's
// round-half-even on the exact binary value, so filenames and CSV cells match what Keras writes.

/** Decimal digits of |x| (x finite, non-zero): value = 0.d1d2… × 10^(point). 101 significant digits, exact for ties. */
function decimalDigits(x: number): { digits: string; point: number } {
  // Doubles from 2^53 up are integers: BigInt prints every digit Python prints.
  if (Math.abs(x) >= 2 ** 53) {
    const digits = BigInt(Math.abs(x)).toString();
    return { digits, point: digits.length };
  }
  const [mantissa, exponent] = Math.abs(x).toExponential(100).split('e') as [string, string];
  return { digits: mantissa.replace('.', ''), point: Number(exponent) + 1 };
}

/** Rounds a digit string to `keep` digits, half to even; `carry` when it rounded up to a new leading digit. */
function roundDigits(digits: string, keep: number): { digits: string; carry: boolean } {
  if (keep < 0) return { digits: '', carry: false };
  if (keep >= digits.length) return { digits: digits.padEnd(keep, '0'), carry: false };
  const next = digits.charCodeAt(keep) - 48;
  const rest = digits.slice(keep + 1);
  const previous = keep > 0 ? digits.charCodeAt(keep - 1) - 48 : 0;
  const up = next > 5 || (next === 5 && (/[1-9]/.test(rest) || previous % 2 === 1));
  let kept = digits.slice(0, keep);
  if (!up) return { digits: kept, carry: false };
  const chars = kept.split('');
  let i = chars.length - 1;
  while (i >= 0 && chars[i] === '9') {
    chars[i] = '0';
    i -= 1;
  }
  if (i < 0) return { digits: '1' + chars.join(''), carry: true };
  chars[i] = String.fromCharCode(chars[i]!.charCodeAt(0) + 1);
  kept = chars.join('');
  return { digits: kept, carry: false };
}

function nonFinite(x: number, upper: boolean): string {
  const s = Number.isNaN(x) ? 'nan' : x > 0 ? 'inf' : '-inf';
  return upper ? s.toUpperCase() : s;
}

function isNegative(x: number): boolean {
  return x < 0 || Object.is(x, -0);
}

/** Magnitude of |x| with `precision` digits after the point (Python `'f'`). */
function fixedDigits(x: number, precision: number): string {
  let intPart: string;
  let fracPart: string;
  if (x === 0) {
    intPart = '0';
    fracPart = '0'.repeat(precision);
  } else {
    const { digits, point } = decimalDigits(x);
    const rounded = roundDigits(digits, point + precision);
    const p = point + (rounded.carry ? 1 : 0);
    const all = rounded.digits;
    if (p <= 0) {
      intPart = '0';
      fracPart = ('0'.repeat(-p) + all).padEnd(precision, '0').slice(0, precision);
    } else {
      intPart = all.slice(0, p).padEnd(p, '0');
      fracPart = all.slice(p).padEnd(precision, '0');
    }
    intPart = intPart.replace(/^0+(?=\d)/, '');
  }
  return precision > 0 ? `${intPart}.${fracPart}` : intPart;
}

/** Mantissa digits and exponent of |x| with `precision` digits after the point (Python `'e'`). */
function scientificParts(x: number, precision: number): { mantissa: string; exponent: number } {
  if (x === 0) return { mantissa: precision > 0 ? `0.${'0'.repeat(precision)}` : '0', exponent: 0 };
  const { digits, point } = decimalDigits(x);
  const rounded = roundDigits(digits, precision + 1);
  const exponent = point - 1 + (rounded.carry ? 1 : 0);
  const d = rounded.digits.slice(0, precision + 1);
  return { mantissa: precision > 0 ? `${d[0]}.${d.slice(1)}` : d, exponent };
}

function exponentSuffix(exponent: number, upper: boolean): string {
  const sign = exponent < 0 ? '-' : '+';
  return `${upper ? 'E' : 'e'}${sign}${String(Math.abs(exponent)).padStart(2, '0')}`;
}

/**
 * Python's `'g'` on |x| (precision ≥ 1); `alternate` keeps trailing zeros and the point (`'#'`); `addDot0` is
 * the no-type-with-precision variant (`'.3'`): scientific from exponent `p - 1`, and `.0` on integers.
 */
function generalDigits(
  x: number,
  precision: number,
  upper: boolean,
  alternate: boolean,
  addDot0 = false,
): string {
  const p = precision === 0 ? 1 : precision;
  if (x === 0) return alternate ? `0.${'0'.repeat(p - 1)}` : addDot0 ? '0.0' : '0';
  const parts = scientificParts(x, p - 1);
  const exponent = parts.exponent;
  if (exponent >= -4 && exponent < (addDot0 ? p - 1 : p)) {
    let body = fixedDigits(x, p - 1 - exponent);
    if (!alternate && body.includes('.')) body = body.replace(/\.?0+$/, '');
    if (alternate && !body.includes('.')) body += '.';
    if (addDot0 && !body.includes('.')) body += '.0';
    return body;
  }
  let mantissa = parts.mantissa;
  if (!alternate && mantissa.includes('.')) mantissa = mantissa.replace(/\.?0+$/, '');
  if (alternate && !mantissa.includes('.')) mantissa += '.';
  return mantissa + exponentSuffix(exponent, upper);
}

/** Python's `repr(float)` / `str(float)`: shortest round-trip digits, `1e-05`, `1.0`, `nan`, `inf`. */
export function pyFloatRepr(x: number): string {
  if (!Number.isFinite(x)) return nonFinite(x, false);
  if (x === 0) return isNegative(x) ? '-0.0' : '0.0';
  const sign = x < 0 ? '-' : '';
  const [mantissa, exp] = Math.abs(x).toExponential().split('e') as [string, string];
  const exponent = Number(exp);
  const digits = mantissa.replace('.', '');
  if (exponent < -4 || exponent >= 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return sign + m + exponentSuffix(exponent, false);
  }
  if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
  const intPart = digits.slice(0, exponent + 1).padEnd(exponent + 1, '0');
  const frac = digits.slice(exponent + 1);
  return `${sign}${intPart}.${frac === '' ? '0' : frac}`;
}

/** A value to format: Python distinguishes `int` (epoch, batch) from `float` (every logged metric). */
export type PyValue = { kind: 'int' | 'float'; value: number };

const SPEC = /^(?:(.)?([<>=^]))?([+\- ])?(#)?(0)?(\d+)?(?:\.(\d+))?([deEfFgGs%])?$/s;

/** Formats `value` with a Python format spec such as `02d`, `.4f`, `.2e`, `>8.3g`; throws a message on failure. */
export function pyFormatValue(value: PyValue, spec: string): string {
  const m = SPEC.exec(spec);
  if (m === null) throw new Error(`unsupported format spec '${spec}'`);
  const [, fillChar, alignChar, signChar, alt, zero, widthText, precisionText, typeChar] = m;
  const x = value.value;
  const precision = precisionText === undefined ? undefined : Number(precisionText);
  let type = typeChar;
  if (type === 's') throw new Error(`format code 's' needs a string, got a number (spec '${spec}')`);
  if (value.kind === 'int' && type === undefined) type = 'd';
  if (type === 'd') {
    if (value.kind !== 'int' || !Number.isInteger(x)) {
      throw new Error(`format code 'd' needs an integer, got the float ${pyFloatRepr(x)} (spec '${spec}')`);
    }
    if (precision !== undefined) throw new Error(`precision not allowed in integer format spec '${spec}'`);
  }
  const upper = type === 'E' || type === 'F' || type === 'G';
  let body: string;
  if (!Number.isFinite(x)) body = nonFinite(Math.abs(x), upper) + (type === '%' ? '%' : '');
  else if (type === 'd') body = String(Math.abs(x));
  else if (type === 'f' || type === 'F') body = fixedDigits(x, precision ?? 6);
  else if (type === 'e' || type === 'E') {
    const parts = scientificParts(x, precision ?? 6);
    body = parts.mantissa + exponentSuffix(parts.exponent, upper);
  } else if (type === 'g' || type === 'G') body = generalDigits(x, precision ?? 6, upper, alt !== undefined);
  else if (type === '%') {
    // CPython multiplies the double by 100 before formatting it as 'f'.
    const scaled = x * 100;
    body = `${Number.isFinite(scaled) ? fixedDigits(scaled, precision ?? 6) : nonFinite(Math.abs(scaled), false)}%`;
  } else if (precision !== undefined) body = generalDigits(x, precision, false, alt !== undefined, true);
  else body = pyFloatRepr(Math.abs(x));
  if (
    alt !== undefined &&
    precision === 0 &&
    (type === 'f' || type === 'F' || type === 'e' || type === 'E')
  ) {
    body = body.replace(/^(\d+)/, '$1.');
  }
  const negative = Number.isNaN(x) ? false : isNegative(x) && !(value.kind === 'int' && x === 0);
  const sign = negative ? '-' : signChar === '+' ? '+' : signChar === ' ' ? ' ' : '';
  const width = widthText === undefined ? 0 : Number(widthText);
  const fill = fillChar ?? (zero !== undefined && alignChar === undefined ? '0' : ' ');
  const align = alignChar ?? (zero !== undefined ? '=' : '>');
  const padding = Math.max(0, width - sign.length - body.length);
  if (align === '=') return sign + fill.repeat(padding) + body;
  const text = sign + body;
  if (align === '<') return text + fill.repeat(padding);
  if (align === '^') {
    const left = Math.floor(padding / 2);
    return fill.repeat(left) + text + fill.repeat(padding - left);
  }
  return fill.repeat(padding) + text;
}

/**
 * Python `str.format` with keyword fields only (`{epoch:02d}`, `{val_loss:.4f}`, `{{`/`}}` escapes).
 * Throws `Error` whose message names a missing field or a bad spec.
 */
export function pyFormat(template: string, values: Record<string, PyValue>): string {
  let out = '';
  let i = 0;
  while (i < template.length) {
    const ch = template[i]!;
    if (ch === '{') {
      if (template[i + 1] === '{') {
        out += '{';
        i += 2;
        continue;
      }
      const end = template.indexOf('}', i);
      if (end < 0) throw new Error(`single '{' encountered in format string`);
      const field = template.slice(i + 1, end);
      const colon = field.indexOf(':');
      const name = colon < 0 ? field : field.slice(0, colon);
      const spec = colon < 0 ? '' : field.slice(colon + 1);
      const value = values[name];
      if (value === undefined) {
        throw new Error(`missing field '${name}'; available: ${Object.keys(values).join(', ')}`);
      }
      out += pyFormatValue(value, spec);
      i = end + 1;
    } else if (ch === '}') {
      if (template[i + 1] !== '}') throw new Error(`single '}' encountered in format string`);
      out += '}';
      i += 2;
    } else {
      out += ch;
      i += 1;
    }
  }
  return out;
}
