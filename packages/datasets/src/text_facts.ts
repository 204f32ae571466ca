import type { TextRecord, TextSource } from './_text_source.js';

/** Percentiles of a length distribution (numpy's default linear interpolation) and its mean. */
export interface LengthStats {
  readonly min: number;
  readonly p25: number;
  readonly p50: number;
  readonly p75: number;
  readonly p90: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
  readonly mean: number;
}

/** What `seqlab data` prints about a dataset. */
export interface TextDatasetFacts {
  /** Where the records come from. */
  readonly name: string;
  /** Number of records. */
  readonly size: number;
  /** One entry per class, in label order. */
  readonly classes: readonly { readonly name: string; readonly count: number }[];
  /** Total length of all texts in UTF-8 bytes. */
  readonly bytes: number;
  /** Text lengths in characters (Unicode code points). */
  readonly chars: LengthStats;
  /** Text lengths in words (runs of non-whitespace, as Keras' `split='whitespace'` counts them). */
  readonly words: LengthStats;
}

/** A bounded-memory histogram of integer lengths (one entry per distinct length). */
class Histogram {
  readonly #counts = new Map<number, number>();
  #total = 0;
  #sum = 0;

  add(value: number): void {
    this.#counts.set(value, (this.#counts.get(value) ?? 0) + 1);
    this.#total++;
    this.#sum += value;
  }

  stats(): LengthStats {
    const values = [...this.#counts.keys()].sort((a, b) => a - b);
    const cumulative: number[] = [];
    let running = 0;
    for (const v of values) {
      running += this.#counts.get(v)!;
      cumulative.push(running);
    }
    // The k-th smallest (0-based) value.
    const at = (k: number): number => {
      let lo = 0;
      let hi = values.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (cumulative[mid]! > k) hi = mid;
        else lo = mid + 1;
      }
      return values[lo] ?? 0;
    };
    // numpy.percentile(method='linear'): index q/100 * (n - 1), interpolated between its neighbours.
    const percentile = (q: number): number => {
      if (this.#total === 0) return 0;
      const index = (q / 100) * (this.#total - 1);
      const below = Math.floor(index);
      const a = at(below);
      const b = at(Math.min(below + 1, this.#total - 1));
      return a + (b - a) * (index - below);
    };
    return {
      min: percentile(0),
      p25: percentile(25),
      p50: percentile(50),
      p75: percentile(75),
      p90: percentile(90),
      p95: percentile(95),
      p99: percentile(99),
      max: percentile(100),
      mean: this.#total === 0 ? 0 : this.#sum / this.#total,
    };
  }
}

const isSpace = (c: number): boolean => c === 32 || (c >= 9 && c <= 13);

/** Characters (code points), words (runs of non-ASCII-whitespace) and UTF-8 bytes of a text. */
export function textLengths(text: string): { chars: number; words: number; bytes: number } {
  let chars = 0;
  let words = 0;
  let bytes = 0;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xdc00 && c <= 0xdfff && i > 0) {
      const prev = text.charCodeAt(i - 1);
      if (prev >= 0xd800 && prev <= 0xdbff) continue; // second half of a surrogate pair: counted with the first
    }
    chars++;
    bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : c >= 0xd800 && c <= 0xdbff ? 4 : 3;
    if (isSpace(c)) inWord = false;
    else if (!inWord) {
      inWord = true;
      words++;
    }
  }
  return { chars, words, bytes };
}

/**
 * Reads a source once and reports its size, classes with their counts, and the text lengths (for choosing
 * `maxlen` and a vocabulary). Memory is bounded by the number of distinct lengths, not by the data.
 *
 * @example
 * ```ts
 * const facts = await textDatasetFacts(await textDatasetFromTable('reviews.csv'));
 * facts.words.p95; // 95% of the reviews have at most this many words
 * ```
 */
export async function textDatasetFacts(source: TextSource<TextRecord>): Promise<TextDatasetFacts> {
  const chars = new Histogram();
  const words = new Histogram();
  const counts = new Array<number>(source.classNames.length).fill(0);
  let size = 0;
  let bytes = 0;
  for await (const { text, label } of source) {
    const lengths = textLengths(text);
    chars.add(lengths.chars);
    words.add(lengths.words);
    bytes += lengths.bytes;
    if (label >= 0 && label < counts.length) counts[label]!++;
    size++;
  }
  return {
    name: source.name,
    size,
    classes: source.classNames.map((name, i) => ({ name, count: counts[i]! })),
    bytes,
    chars: chars.stats(),
    words: words.stats(),
  };
}
