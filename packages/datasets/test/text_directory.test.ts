import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  collectTexts,
  type DirectoryFile,
  encodeLabels,
  type TextDatasetFromDirectoryArgs,
  textDatasetFromDirectory,
} from '../src/index.js';
import { fixture } from './_helpers.js';

interface Case {
  args: {
    labels: 'inferred' | 'explicit' | null;
    class_names?: string[];
    shuffle: boolean;
    seed?: number;
    validation_split?: number;
    subset?: 'training' | 'validation';
    follow_links?: boolean;
  };
  given_labels: number[] | null;
  paths: string[];
  labels: number[] | null;
  class_names: string[] | null;
}
interface Expected {
  dirs: string[];
  files: Record<string, string>;
  links: Record<string, string>;
  cases: Case[];
}

const expected = JSON.parse(await readFile(fixture('text_dir_expected.json'), 'utf8')) as Expected;
let tmp: string;
let top: string;

async function buildTree(root: string, spec: Expected): Promise<void> {
  for (const dir of spec.dirs) await mkdir(join(root, dir), { recursive: true });
  for (const [path, text] of Object.entries(spec.files)) await writeFile(join(root, path), text);
  for (const [path, target] of Object.entries(spec.links)) await symlink(target, join(root, path));
}

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'seqlab-textdir-'));
  top = join(tmp, 'data');
  await buildTree(top, expected);
});
afterAll(() => rm(tmp, { recursive: true, force: true }));

/** The content behind a path, through the tree's links. */
const textOf = (path: string): string | undefined =>
  expected.files[
    path === 'pos/file_link.txt' ? 'neg/n_000.txt' : path.replace(/^(alias|pos\/link_to_neg)\//, 'neg/')
  ];

const argsOf = (c: Case): TextDatasetFromDirectoryArgs & { subset?: 'training' | 'validation' } => ({
  labels: c.args.labels === 'explicit' ? c.given_labels! : c.args.labels,
  classNames: c.args.class_names,
  shuffle: c.args.shuffle,
  seed: c.args.seed,
  validationSplit: c.args.validation_split,
  subset: c.args.subset,
  followLinks: c.args.follow_links,
});

describe('textDatasetFromDirectory (Keras index_directory order, shuffle and split)', () => {
  it.each(expected.cases.map((c) => [JSON.stringify(c.args), c] as const))('%s', async (_, c) => {
    const source = await textDatasetFromDirectory(top, argsOf(c));
    expect(source.filePaths).toEqual(c.paths);
    expect(source.size).toBe(c.paths.length);
    expect(source.classNames).toEqual(c.class_names ?? []);
    const { texts, labels } = await collectTexts(source);
    expect(texts).toEqual(c.paths.map(textOf));
    expect(Array.from(labels)).toEqual(c.labels ?? c.paths.map(() => -1));
    if (c.labels !== null) {
      const counts = (c.class_names ?? []).map((_, i) => c.labels!.filter((l) => l === i).length);
      expect(source.classCounts).toEqual(c.labels === null ? [] : counts);
    }
  });

  it("subset 'both' returns the training and the validation halves of the same shuffle", async () => {
    const training = expected.cases.find((c) => c.args.subset === 'training')!;
    const validation = expected.cases.find(
      (c) => c.args.subset === 'validation' && c.args.seed === training.args.seed,
    )!;
    const [train, val] = await textDatasetFromDirectory(top, { ...argsOf(training), subset: 'both' });
    expect(train.filePaths).toEqual(training.paths);
    expect(val.filePaths).toEqual(validation.paths);
  });

  it('cuts texts to maxLength UTF-8 bytes without splitting a character, keeps a BOM, labels encode as Keras', async () => {
    const dir = join(tmp, 'utf8');
    await mkdir(join(dir, 'a'), { recursive: true });
    await mkdir(join(dir, 'b'), { recursive: true });
    await writeFile(join(dir, 'a', '1.txt'), '한국어 review'); // 3 bytes per Hangul syllable
    await writeFile(join(dir, 'b', '1.txt'), '\ufeffbom');
    const source = await textDatasetFromDirectory(dir, { shuffle: false, maxLength: 5 });
    expect((await collectTexts(source)).texts).toEqual(['한', '\ufeffbo']);
    const full = await collectTexts(await textDatasetFromDirectory(dir, { shuffle: false }));
    expect(full.texts).toEqual(['한국어 review', '\ufeffbom']);
    expect(encodeLabels(full.labels, 'categorical', 2)).toEqual({
      values: Float32Array.from([1, 0, 0, 1]),
      shape: [2, 2],
    });
    expect(encodeLabels(full.labels, 'binary', 2)).toEqual({
      values: Float32Array.from([0, 1]),
      shape: [2, 1],
    });
  });

  it('reads the File list of a browser folder picker in the same order', async () => {
    const c = expected.cases.find((x) => x.args.labels === 'inferred' && x.args.seed === 1337)!;
    // A picker lists real files only: no links, so compare against the tree without them.
    const files: DirectoryFile[] = Object.entries(expected.files).map(([path, text]) => {
      const file = new File([text], path.split('/').pop()!);
      Object.defineProperty(file, 'webkitRelativePath', { value: `data/${path}` });
      return file as DirectoryFile;
    });
    const source = await textDatasetFromDirectory(files, argsOf(c));
    const withoutLinks = c.paths.filter((p) => !p.startsWith('alias/') && p !== 'pos/file_link.txt');
    expect(source.classNames).toEqual(['Zeta', 'neg', 'pos']); // 'empty' and 'alias' do not exist in a file list
    const sorted = (await textDatasetFromDirectory(files, { shuffle: false })).filePaths;
    expect([...sorted].sort()).toEqual([...withoutLinks].sort());
    const texts = (await collectTexts(source)).texts;
    expect(texts).toEqual(source.filePaths.map((p) => expected.files[p]));
  });
});

describe('textDatasetFromDirectory: bad input', () => {
  const args = { shuffle: false } as const;

  it('an empty folder, a missing folder, a file', async () => {
    const empty = join(tmp, 'empty-top');
    await mkdir(join(empty, 'a'), { recursive: true });
    await expect(textDatasetFromDirectory(empty, args)).rejects.toMatchObject({
      name: 'DatasetError',
      code: 'EMPTY',
      message: `${empty}: no text files found; expected .txt files (one sub-folder per class)`,
    });
    await expect(textDatasetFromDirectory(join(tmp, 'nope'), args)).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(textDatasetFromDirectory(join(top, 'readme.txt'), args)).rejects.toMatchObject({
      code: 'BAD_ARGUMENT',
    });
  });

  it('one class only', async () => {
    const one = join(tmp, 'one');
    await mkdir(join(one, 'only'), { recursive: true });
    await mkdir(join(one, 'none'), { recursive: true });
    await writeFile(join(one, 'only', 'a.txt'), 'x');
    await expect(textDatasetFromDirectory(one, args)).rejects.toMatchObject({
      code: 'ONE_CLASS',
      message: `${one}: found one class only ("only", 1 records); expected at least 2 classes with records (classes without records: ["none"])`,
    });
  });

  it("Keras' argument errors", async () => {
    await expect(
      textDatasetFromDirectory(top, { labelMode: 'binary', shuffle: false }),
    ).rejects.toMatchObject({
      code: 'BAD_ARGUMENT',
      message: `${top}: labelMode 'binary' needs exactly 2 classes; received 5: ["Zeta","alias","empty","neg","pos"]`,
    });
    await expect(
      textDatasetFromDirectory(top, { validationSplit: 0.2, subset: 'training' }),
    ).rejects.toMatchObject({
      message:
        'validationSplit with shuffle needs a seed, so that the training and validation subsets do not overlap',
    });
    await expect(
      textDatasetFromDirectory(top, { validationSplit: 1.5, subset: 'training', seed: 1 }),
    ).rejects.toMatchObject({
      code: 'BAD_ARGUMENT',
    });
    await expect(textDatasetFromDirectory(top, { classNames: ['pos', 'nope'] })).rejects.toMatchObject({
      message: `${top}: classNames ["nope"] are not sub-folders of the folder; expected names among ["Zeta","alias","empty","neg","pos"] (or a subset of it)`,
    });
    await expect(textDatasetFromDirectory(top, { labels: [0, 1] })).rejects.toMatchObject({
      message: `${top}: labels has 2 entries but 31 files were found; expected one label per file`,
    });
    await expect(
      textDatasetFromDirectory(top, { validationSplit: 0.01, subset: 'validation', shuffle: false }),
    ).rejects.toMatchObject({ code: 'EMPTY' });
  });

  it('invalid UTF-8 names the file and the byte', async () => {
    const bad = join(tmp, 'bad-utf8');
    await mkdir(join(bad, 'a'), { recursive: true });
    await mkdir(join(bad, 'b'), { recursive: true });
    await writeFile(join(bad, 'a', 'ok.txt'), 'fine');
    await writeFile(join(bad, 'b', 'bad.txt'), Buffer.from([0x61, 0x0a, 0x62, 0xc3, 0x28]));
    const source = await textDatasetFromDirectory(bad, args);
    await expect(collectTexts(source)).rejects.toMatchObject({
      code: 'BAD_UTF8',
      message: `${bad}/b/bad.txt: invalid UTF-8 at byte 3 (line 2); expected UTF-8 text (re-save the file as UTF-8)`,
    });
  });
});
