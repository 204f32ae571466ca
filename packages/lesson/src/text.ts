import { collectTexts, type TextSource } from '@seqlab/datasets';
import type { LabelledIds } from '@seqlab/models';
import {
  padSequences,
  type TextVectorization,
  type TextVectorizationArgs,
  textVectorization,
  trainTestSplit,
} from '@seqlab/sequence';
import { LessonError } from './errors.js';

/** Texts with one class index per text, and the class names in index order. */
export interface LabelledTexts {
  texts: readonly string[];
  labels: ArrayLike<number>;
  classNames: readonly string[];
}

/**
 * How the recipe turns text into ids: Keras 3 `TextVectorization` options. `maxTokens` is the recipe's `numWords`
 * and the padding is the lesson's `pad_sequences(maxlen)` (at the front), so they are not options here.
 */
export type VectorizerOptions = Omit<
  TextVectorizationArgs<'int'>,
  'maxTokens' | 'outputMode' | 'outputSequenceLength' | 'vocabulary' | 'vocabularyFile' | 'idfWeights'
>;

/** Your own labelled texts for {@link runLesson}: made by {@link textData}. */
export interface TextLessonData {
  readonly kind: 'texts';
  /** Split into training and validation rows by the recipe (`train_test_split`). */
  readonly train: TextSource | LabelledTexts;
  /** Evaluated once with the best weights. */
  readonly test: TextSource | LabelledTexts | null;
  readonly vectorizer: VectorizerOptions;
  readonly description: string;
}

/** Options of {@link textData}. */
export interface TextDataOptions {
  /** A `@seqlab/datasets` text source (CSV/TSV/JSON Lines, a folder per class, aclImdb) or arrays. */
  train: TextSource | LabelledTexts;
  /** A test set with the same classes. */
  test?: TextSource | LabelledTexts;
  /**
   * `TextVectorization` options (Keras' defaults: `lower_and_strip_punctuation`, whitespace split; `unicode: true`
   * for Korean and other scripts).
   * @default {}
   */
  vectorizer?: VectorizerOptions;
  /** What the data is, for reports. @default the source's name, or 'texts' */
  description?: string;
}

/**
 * Labelled texts as lesson data: the recipe splits them, adapts a `TextVectorization` (Keras 3) with
 * `maxTokens = numWords` on the training split only, turns every split into ids and pads them like the lesson.
 *
 * @example
 * ```ts
 * const data = textData({ train: await textDatasetFromTable('reviews.csv', { textColumn: 'review' }) });
 * const result = await runLesson({ data, model: 'lstm' });
 * result.vectorizer; // adapted on the training split: save it with the model
 * ```
 */
export function textData(options: TextDataOptions): TextLessonData {
  const name = (options.train as { name?: unknown }).name;
  return {
    kind: 'texts',
    train: options.train,
    test: options.test ?? null,
    vectorizer: options.vectorizer ?? {},
    description: options.description ?? (typeof name === 'string' ? name : 'texts'),
  };
}

export function isTextData(data: unknown): data is TextLessonData {
  return (data as TextLessonData).kind === 'texts';
}

async function collect(name: string, data: TextSource | LabelledTexts): Promise<LabelledTexts> {
  const texts =
    Symbol.asyncIterator in (data as object)
      ? await collectTexts(data as TextSource)
      : (data as LabelledTexts);
  if (texts.texts.length !== texts.labels.length) {
    throw new LessonError(
      'INVALID_DATA',
      `runLesson: ${name} has ${texts.texts.length} texts but ${texts.labels.length} labels; expected one label per text.`,
    );
  }
  if (texts.texts.length === 0) throw new LessonError('INVALID_DATA', `runLesson: ${name} has no texts.`);
  return texts;
}

/** The ids of each text (no padding): the vectorizer's `'int'` output of one row. */
function toIds(vectorizer: TextVectorization, texts: readonly string[]): Int32Array[] {
  return texts.map((t) => vectorizer.call([t]).data);
}

/** Texts → the recipe's split, padded id matrices, plus the adapted vectorizer and the class names. */
export async function prepareTexts(
  data: TextLessonData,
  options: { numWords: number; maxlen: number; testSize: number; randomState: number },
): Promise<{
  train: LabelledIds;
  validation: LabelledIds;
  test: LabelledIds | null;
  vectorizer: TextVectorization;
  classNames: string[];
}> {
  const train = await collect('train', data.train);
  const test = data.test === null ? null : await collect('test', data.test);
  const classNames = [...train.classNames];
  if (test !== null && test.classNames.join('\u0000') !== classNames.join('\u0000')) {
    throw new LessonError(
      'INVALID_DATA',
      `runLesson: the test set's classes ${JSON.stringify(test.classNames)} differ from the training set's ` +
        `${JSON.stringify(classNames)}; expected the same classes in the same order.`,
    );
  }
  const rows = Int32Array.from({ length: train.texts.length }, (_, i) => i);
  const [trainRows, valRows] = trainTestSplit(rows, {
    testSize: options.testSize,
    randomState: options.randomState,
  }) as [Int32Array, Int32Array];
  const pick = (idx: Int32Array) => ({
    texts: Array.from(idx, (i) => train.texts[i] as string),
    labels: Int32Array.from(idx, (i) => train.labels[i] as number),
  });
  const fit = pick(trainRows);
  const val = pick(valRows);
  // Adapted on the training split only, as Keras' lesson adapts before fit: validation words stay unknown.
  const vectorizer = textVectorization({ ...data.vectorizer, maxTokens: options.numWords });
  vectorizer.adapt(fit.texts);
  const pad = (texts: readonly string[]) =>
    padSequences(toIds(vectorizer, texts), { maxlen: options.maxlen });
  return {
    train: { x: pad(fit.texts), y: fit.labels },
    validation: { x: pad(val.texts), y: val.labels },
    test: test === null ? null : { x: pad(test.texts), y: Int32Array.from(test.labels) },
    vectorizer,
    classNames,
  };
}
