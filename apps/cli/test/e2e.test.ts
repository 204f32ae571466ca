// The commands end to end, as a user runs them: a child process, CI-style non-TTY output, a slice of real IMDB.
import { execFile, spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const bin = resolve(import.meta.dirname, '..', 'bin', 'seqlab.js');
const dataDir = process.env.SEQLAB_DATA_DIR;
const work = mkdtempSync(join(tmpdir(), 'seqlab-cli-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function seqlab(args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await run('node', [bin, ...args], {
      cwd: work,
      env: { ...process.env, CI: 'true', NO_COLOR: '1', ...env },
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('argument errors', () => {
  it('an unknown command exits 2 with the valid ones', async () => {
    const r = await seqlab(['trian']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("error: unknown command 'trian'.");
    expect(r.stderr).toContain(
      "did you mean 'seqlab train'? valid commands: train, evaluate, predict, compare, data, plot, info, convert, completion",
    );
    expect(r.stderr).not.toContain('at ');
  });

  it('an unknown model exits 2 and lists the zoo', async () => {
    const r = await seqlab(['train', '--model', 'transformer']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown model 'transformer'.");
    expect(r.stderr).toContain('lstm');
  });

  it('a stray argument exits 2 with a hint instead of training another model', async () => {
    const r = await seqlab(['train', 'gru']);
    expect([r.code, r.stderr.trim()]).toEqual([
      2,
      "error: unexpected argument 'gru': 'seqlab train' takes no arguments.\ndid you mean --model gru?",
    ]);
    const info = await seqlab(['info', 'extra']);
    expect([info.code, info.stderr.split('\n')[0]]).toEqual([
      2,
      "error: unexpected argument 'extra': 'seqlab info' takes no arguments.",
    ]);
    const typo = await seqlab(['train', '--model', 'lstmm']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain("did you mean 'lstm'?");
  });

  it('help <command>, -V and shell completion', async () => {
    const help = await seqlab(['help', 'train']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^seqlab train — /);
    expect(help.stdout).toContain('Examples:');
    for (const name of ['train', 'evaluate', 'predict', 'compare', 'data', 'plot', 'info', 'completion']) {
      expect((await seqlab([name, '--help'])).stdout, name).toContain('Examples:');
    }
    const version = await seqlab(['-V']);
    expect([version.code, version.stdout.trim()]).toEqual([0, expect.stringMatching(/^\d+\.\d+\.\d+/)]);
    expect((await seqlab(['--help'])).stdout).toContain('-V, --version');
    const bash = await seqlab(['completion', 'bash']);
    expect(bash.code).toBe(0);
    expect(bash.stdout).toContain('complete -F _seqlab seqlab');
    expect(bash.stdout).toContain('train) opts="--model --num-words');
    expect((await seqlab(['completion', 'zsh'])).stdout).toMatch(/^#compdef seqlab/);
    expect((await seqlab(['completion', 'fish'])).stdout).toContain('-a train');
    const bad = await seqlab(['completion', 'bsh']);
    expect([bad.code, bad.stderr.trim()]).toEqual([
      2,
      "error: unknown shell 'bsh'.\ndid you mean 'bash'? valid shells: bash, zsh, fish.",
    ]);
  });

  it('options that do not fit together exit 2 before any run folder exists', async () => {
    const out = join(work, 'never');
    const conv = await seqlab(['train', '--model', 'conv1d', '--maxlen', '4', '--out', out]);
    expect(conv.code).toBe(2);
    expect(conv.stderr).toMatch(/^error: createModel\('conv1d'\): .*maxlen/);
    const words = await seqlab(['train', '--num-words', '2', '--out', out]);
    expect(words.code).toBe(2);
    expect(words.stderr).toMatch(/numWords/);
    expect(existsSync(out)).toBe(false);
  });

  it('a bad number exits 2', async () => {
    const r = await seqlab(['train', '--batch-size', 'big']);
    expect([r.code, r.stderr.trim()]).toEqual([2, "error: --batch-size expects an integer; got 'big'."]);
  });

  it('a missing run folder exits 1 with what to pass', async () => {
    const r = await seqlab(['evaluate', 'runs/nope']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("run folder 'runs/nope' does not exist.");
  });

  it('missing data with no network says how to supply it offline', async () => {
    const empty = mkdtempSync(join(work, 'empty-'));
    const r = await seqlab(['data', '--data-dir', empty]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/imdb\.npz/);
    expect(r.stderr).toContain('SEQLAB_DATA_DIR');
  });
});

describe('info', () => {
  it('reports wasm with SIMD as JSON', async () => {
    const r = await seqlab(['info', '--json']);
    expect(r.code).toBe(0);
    const info = JSON.parse(r.stdout) as { runtime: { backend: string; simd: boolean; threads: number } };
    expect(info.runtime).toMatchObject({ backend: 'wasm', simd: true, threads: 1 });
  });
});

describe.runIf(dataDir)('the lesson on a slice of the real data', () => {
  let runDir = '';
  let trainedValLoss: number[] = [];

  it('data prints the lesson step 3 facts', async () => {
    const r = await seqlab(['data']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('x_train.shape = (25000,)');
    expect(r.stdout).toContain('len(x_train[0]) = 218   len(x_train[1]) = 189');
    expect(r.stdout).toContain('train 12500 positive / 12500 negative');
  });

  it('train writes a run folder and one JSON object on stdout', async () => {
    const r = await seqlab([
      'train',
      '--model',
      'lstm',
      '--limit',
      '320',
      '--epochs',
      '2',
      '--seed',
      '7',
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout) as {
      backend: { backend: string; simd: boolean };
      runs: {
        config: Record<string, unknown>;
        runDir: string;
        epochs: { epoch: number; seconds: number; logs: Record<string, number> }[];
        bestEpoch: number;
        test: { loss: number; acc: number };
        files: string[];
      }[];
    };
    expect(result.backend).toMatchObject({ backend: 'wasm', simd: true });
    const [trained] = result.runs;
    expect(trained?.config).toMatchObject({ model: 'lstm', numWords: 500, maxlen: 100, seed: 7, limit: 320 });
    expect(trained?.epochs.map((e) => e.epoch)).toEqual([1, 2]);
    expect(Object.keys(trained?.epochs[0]?.logs ?? {}).sort()).toEqual([
      'acc',
      'loss',
      'val_acc',
      'val_loss',
    ]);
    expect([1, 2]).toContain(trained?.bestEpoch);
    expect(trained?.test.acc).toBeGreaterThan(0);
    runDir = trained?.runDir ?? '';
    trainedValLoss = trained?.epochs.map((e) => e.logs.val_loss as number) ?? [];
    expect(trained).toMatchObject({ stoppedEarly: false, interrupted: false, checkpointSaved: true });
    expect((trained as unknown as { history: { val_loss: number[] } }).history.val_loss).toEqual(
      trainedValLoss,
    );
    expect((trained as unknown as { data: unknown }).data).toMatchObject({
      train: 256,
      validation: 64,
      test: 320,
    });
    for (const name of [
      'config.json',
      'history.json',
      'history.csv',
      'curves.svg',
      'best/model.json',
      'final/weights.bin',
    ])
      expect(existsSync(join(runDir, name)), name).toBe(true);
    const csv = readFileSync(join(runDir, 'history.csv'), 'utf8').split('\r\n');
    expect(csv[0]).toBe('epoch,acc,loss,val_acc,val_loss');
    expect(csv.filter(Boolean)).toHaveLength(3);
    expect(readFileSync(join(runDir, 'curves.svg'), 'utf8')).toMatch(/^<svg /);
    // --json keeps the human lines off stdout: they went to stderr.
    expect(r.stderr).toContain('Epoch 1/2 - ');
  });

  it('train is the library recipe: a direct runLesson call gives the same val_loss per epoch', async () => {
    const { imdbSource, runLesson } = await import('@seqlab/lesson');
    const { initWasm } = await import('@seqlab/wasm');
    await initWasm();
    const direct = await runLesson({
      data: imdbSource({ path: join(dataDir as string, 'imdb.npz'), limit: 320 }),
      model: 'lstm',
      epochs: 2,
      seed: 7,
    });
    direct.model.dispose();
    expect(trainedValLoss).toHaveLength(2);
    expect(direct.history.val_loss).toEqual(trainedValLoss);
  });

  it("--patience 0 stops at the first epoch that does not improve, as Keras' EarlyStopping", async () => {
    const r = await seqlab(
      ['train', '--model', 'embedding-simple-rnn', '--limit', '320', '--epochs', '40', '--seed', '3'].concat([
        '--patience',
        '0',
        '--learning-rate',
        '0.05',
        '--json',
      ]),
    );
    expect(r.code, r.stderr).toBe(0);
    const [trained] = (
      JSON.parse(r.stdout) as { runs: { history: { val_loss: number[] }; stoppedEarly: boolean }[] }
    ).runs;
    const valLoss = trained?.history.val_loss ?? [];
    // Keras 3: best starts unset; an epoch that is not below the best (in float32) with wait >= 0 stops training.
    let stop = -1;
    for (let e = 1, best = Math.fround(valLoss[0]!); e < valLoss.length; e++) {
      if (!(Math.fround(valLoss[e]!) < best)) {
        stop = e;
        break;
      }
      best = Math.fround(valLoss[e]!);
    }
    expect(stop).toBeGreaterThan(0);
    expect(valLoss).toHaveLength(stop + 1);
    expect(trained?.stoppedEarly).toBe(true);
  });

  it('train --save-keras writes the best model as a Keras 3 file', async () => {
    const r = await seqlab([
      'train',
      '--model',
      'gru',
      '--limit',
      '200',
      '--epochs',
      '2',
      '--seed',
      '5',
      '--save-keras',
      'Ex2.keras',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const bytes = readFileSync(join(work, 'Ex2.keras'));
    expect(bytes.subarray(0, 4).toString('latin1')).toBe('PK\u0003\u0004');
    expect(bytes.includes(Buffer.from('model.weights.h5'))).toBe(true);
    const bad = await seqlab(['train', '--save-keras', 'model.json']);
    expect([bad.code, bad.stderr.trim()]).toEqual([
      2,
      "error: --save-keras needs a .keras or .h5 file name; got 'model.json'.",
    ]);
  });

  it('train prints one Keras-style line per epoch when not on a terminal', async () => {
    const r = await seqlab(['train', '--model', 'conv1d', '--limit', '200', '--epochs', '2', '--seed', '1']);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.split('\n').filter((l) => l.startsWith('Epoch '));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      /^Epoch 1\/2 - \d+(ms|s) - loss: \d\.\d{4} - acc: \d\.\d{4} - val_loss: \d\.\d{4} - val_acc: \d\.\d{4}$/,
    );
    expect(r.stdout).not.toContain('\r');
    expect(r.stdout).not.toContain('\u001b[');
  });

  it('Ctrl-C stops training, keeps the best checkpoint and writes the run folder', async () => {
    const out = join(work, 'interrupted');
    const child = spawn(
      'node',
      [
        bin,
        'train',
        '--model',
        'embedding-simple-rnn',
        '--limit',
        '640',
        '--epochs',
        '200',
        '--seed',
        '3',
        '--out',
        out,
      ],
      { cwd: work, env: { ...process.env, CI: 'true', NO_COLOR: '1' } },
    );
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const code = await new Promise<number | null>((done) => {
      let sent = false;
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
        // One Ctrl-C: a second one is a forced exit, which is not what this test is about.
        if (!sent && stdout.includes('Epoch 2/200')) {
          sent = true;
          child.kill('SIGINT');
        }
      });
      child.on('close', done);
    });
    expect(code, stderr).toBe(130);
    // One line says it: no callback warnings about the cut-short epoch, no warning next to the error.
    expect(stderr.split('\n').filter((l) => /interrupted|warning|val_loss/i.test(l))).toEqual([
      'error: training interrupted (Ctrl-C); the run folder keeps the best validated checkpoint.',
    ]);
    const epochs = stdout.split('\n').filter((l) => l.startsWith('Epoch ')).length;
    expect(epochs).toBeGreaterThanOrEqual(2);
    expect(epochs).toBeLessThan(200);
    const [dir] = readdirSync(out);
    const history = JSON.parse(readFileSync(join(out, dir ?? '', 'history.json'), 'utf8')) as {
      interrupted: boolean;
      epochs: unknown[];
    };
    expect(history.interrupted).toBe(true);
    expect(history.epochs).toHaveLength(epochs);
    expect(existsSync(join(out, dir ?? '', 'best', 'model.json'))).toBe(true);
  });

  it('compare writes one chart and a folder that plot reads back', async () => {
    const out = join(work, 'compared');
    const r = await seqlab(
      [
        'compare',
        '--models',
        'gru,embedding-simple-rnn',
        '--limit',
        '200',
        '--epochs',
        '1',
        '--seed',
        '2',
      ].concat(['--out', out, '--json']),
    );
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout) as { chart: string; models: { model: string }[] };
    expect(result.models.map((m) => m.model)).toEqual(['gru', 'embedding-simple-rnn']);
    const folder = join(result.chart, '..');
    const plotted = await seqlab(['plot', folder, '--metric', 'acc', '--json']);
    expect(plotted.code, plotted.stderr).toBe(0);
    expect(JSON.parse(plotted.stdout)).toEqual({
      compare: folder,
      metric: 'val_acc',
      files: [join(folder, 'val_acc.svg')],
    });
    const svg = readFileSync(join(folder, 'val_acc.svg'), 'utf8');
    expect(svg).toContain('gru val_acc');
    expect(svg).toContain('embedding-simple-rnn val_acc');
  });

  it('evaluate, predict and plot read the run folder', async () => {
    const evaluated = await seqlab(['evaluate', runDir, '--json']);
    expect(evaluated.code, evaluated.stderr).toBe(0);
    expect(JSON.parse(evaluated.stdout)).toMatchObject({ model: 'lstm', reviews: 320 });

    const predicted = await seqlab([
      'predict',
      runDir,
      'a wonderful film with a great story',
      '--explain',
      '--json',
    ]);
    expect(predicted.code, predicted.stderr).toBe(0);
    const p = JSON.parse(predicted.stdout) as {
      probability: number;
      label: string;
      steps: { word: string }[];
    };
    expect(p.probability).toBeGreaterThan(0);
    expect(p.probability).toBeLessThan(1);
    expect(p.label).toBe(p.probability >= 0.5 ? 'positive' : 'negative');
    expect(p.steps.map((s) => s.word)).toEqual([
      '[START]',
      'a',
      'wonderful',
      'film',
      'with',
      'a',
      'great',
      'story',
    ]);

    const plotted = await seqlab(['plot', runDir, '--metric', 'acc']);
    expect(plotted.code, plotted.stderr).toBe(0);
    expect(existsSync(join(runDir, 'curves-acc.svg'))).toBe(true);
  });
});

describe.runIf(dataDir)('Keras files', () => {
  const shared = resolve(import.meta.dirname, '..', '..', '..', '..', 'shared', 'keras-models');
  const ex2 = join(shared, '01-imdb-lstm-k2.15.h5');

  it('predict and evaluate a Keras 2 .h5 on review text, as the lesson would', async () => {
    const p = await seqlab(['predict', ex2, 'a wonderful film with a great story', '--json']);
    expect(p.code, p.stderr).toBe(0);
    const predicted = JSON.parse(p.stdout) as { probability: number; label: string };
    expect(predicted.label).toBe(predicted.probability >= 0.5 ? 'positive' : 'negative');
    // 03 declares no sequence length: seqlab asks for it.
    const gru = join(shared, '03-imdb-gru-resetafter0-hardsig-k2.2.4.h5');
    const asks = await seqlab(['predict', gru, 'a good film']);
    expect(asks.code).toBe(2);
    expect(asks.stderr).toMatch(/pass .*--maxlen/);
    const e = await seqlab(['evaluate', join(shared, '13-movie-lstm-k3.13.keras'), '--json']);
    expect(e.code, e.stderr).toBe(0);
    const evaluated = JSON.parse(e.stdout) as { reviews: number; acc: number };
    expect(evaluated.reviews).toBe(25000);
    expect(evaluated.acc).toBeGreaterThan(0.5);
  });

  it('convert writes .keras from .h5 and a tfjs folder from .keras, predicting the same', async () => {
    const c1 = await seqlab(['convert', ex2, 'ex2.keras']);
    expect(c1.code, c1.stderr).toBe(0);
    const c2 = await seqlab(['convert', 'ex2.keras', 'ex2-tfjs', '--json']);
    expect(c2.code, c2.stderr).toBe(0);
    expect(JSON.parse(c2.stdout)).toMatchObject({ format: 'tfjs' });
    const a = JSON.parse((await seqlab(['predict', ex2, 'dull and boring', '--json'])).stdout) as {
      probability: number;
    };
    const b = JSON.parse((await seqlab(['predict', 'ex2.keras', 'dull and boring', '--json'])).stdout) as {
      probability: number;
    };
    expect(Math.abs(a.probability - b.probability)).toBeLessThan(1e-5);
  });
});

describe('your own texts', () => {
  const dir = join(work, 'own');
  const positive = ['loved it', 'a wonderful film', 'great acting, loved the story', 'brilliant and moving'];
  const negative = ['hated it', 'a terrible film', 'boring plot, hated the acting', 'dull and awful'];
  const korean = {
    pos: ['정말 재미있어요!', '최고의 영화', '감동적인 이야기'],
    neg: ['정말 지루해요.', '최악의 영화', '시간 낭비'],
  };

  function csv(rows: number): string {
    const lines = ['review,sentiment'];
    for (let i = 0; i < rows; i++) {
      const pos = i % 2 === 0;
      const pool = pos ? positive : negative;
      lines.push(
        `"${pool[Math.floor(i / 2) % 4]}, ${i % 7 === 0 ? 'honestly' : 'really'}",${pos ? 'pos' : 'neg'}`,
      );
    }
    return `${lines.join('\n')}\n`;
  }

  it('data, train, predict and evaluate on a CSV of reviews', async () => {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'reviews.csv'), csv(160));
    writeFileSync(join(dir, 'test.csv'), csv(40));
    const facts = await seqlab([
      'data',
      '--data',
      'own/reviews.csv',
      '--text-column',
      'review',
      '--label-column',
      'sentiment',
      '--json',
    ]);
    expect(facts.code, facts.stderr).toBe(0);
    const f = JSON.parse(facts.stdout) as {
      size: number;
      classes: unknown;
      coverage: { vocabularySize: number };
    };
    expect(f.size).toBe(160);
    expect(f.classes).toEqual([
      { name: 'neg', count: 80 },
      { name: 'pos', count: 80 },
    ]);

    const args = ['train', '--data', 'own/reviews.csv', '--test-data', 'own/test.csv'];
    const r = await seqlab(
      args
        .concat([
          '--text-column',
          'review',
          '--label-column',
          'sentiment',
          '--model',
          'gru',
          '--maxlen',
          '12',
        ])
        .concat([
          '--learning-rate',
          '0.01',
          '--batch-size',
          '16',
          '--epochs',
          '15',
          '--seed',
          '2',
          '--out',
          'own-runs',
          '--json',
        ]),
    );
    expect(r.code, r.stderr).toBe(0);
    const [trained] = (
      JSON.parse(r.stdout) as {
        runs: {
          runDir: string;
          classNames: string[];
          data: { classNames: string[] };
          test: { acc: number };
        }[];
      }
    ).runs;
    expect(trained?.classNames).toEqual(['neg', 'pos']);
    expect(trained?.test.acc).toBeGreaterThan(0.8);
    const runDir = trained?.runDir ?? '';
    expect(JSON.parse(readFileSync(join(runDir, 'classes.json'), 'utf8'))).toEqual(['neg', 'pos']);

    const p = await seqlab([
      'predict',
      runDir,
      'I',
      'loved',
      'this',
      'wonderful',
      'film',
      '--explain',
      '--json',
    ]);
    expect(p.code, p.stderr).toBe(0);
    const predicted = JSON.parse(p.stdout) as {
      label: string;
      classNames: string[];
      steps: { word: string; oov: boolean }[];
    };
    expect(predicted.label).toBe('pos');
    expect(predicted.steps.map((s) => [s.word, s.oov])).toEqual([
      ['i', true],
      ['loved', false],
      ['this', true],
      ['wonderful', false],
      ['film', false],
    ]);
    const e = await seqlab(['evaluate', runDir, '--json']);
    expect(e.code, e.stderr).toBe(0);
    expect(JSON.parse(e.stdout)).toMatchObject({ reviews: 40, acc: trained?.test.acc });
  });

  it('trains a softmax head on three classes and predicts the class by name', async () => {
    const classes = {
      bug: ['crash on start', 'error when saving'],
      praise: ['love this app', 'works great'],
      question: ['how do I export', 'where is the setting'],
    };
    for (const [cls, texts] of Object.entries(classes)) {
      mkdirSync(join(dir, 'tickets', cls), { recursive: true });
      for (let i = 0; i < 24; i++)
        writeFileSync(join(dir, 'tickets', cls, `${i}.txt`), `${texts[i % 2]} today`);
    }
    const r = await seqlab(
      ['train', '--data', 'own/tickets', '--model', 'gru', '--maxlen', '6', '--learning-rate', '0.02'].concat(
        ['--batch-size', '8', '--epochs', '15', '--seed', '1', '--out', 'own-runs', '--json'],
      ),
    );
    expect(r.code, r.stderr).toBe(0);
    const [trained] = (JSON.parse(r.stdout) as { runs: { runDir: string; classNames: string[] }[] }).runs;
    expect(trained?.classNames).toEqual(['bug', 'praise', 'question']);
    const p = await seqlab([
      'predict',
      trained?.runDir ?? '',
      'the app shows an error when saving',
      '--json',
    ]);
    expect(p.code, p.stderr).toBe(0);
    const predicted = JSON.parse(p.stdout) as { label: string; probabilities: Record<string, number> };
    expect(Object.keys(predicted.probabilities)).toEqual(['bug', 'praise', 'question']);
    expect(predicted.label).toBe('bug');
  });

  it('trains on a folder per class, in Korean', async () => {
    for (const [cls, texts] of Object.entries(korean)) {
      mkdirSync(join(dir, 'ko', cls), { recursive: true });
      for (let i = 0; i < 30; i++)
        writeFileSync(join(dir, 'ko', cls, `${i}.txt`), `${texts[i % 3]} ${i % 2 ? '진짜' : ''}`);
    }
    const r = await seqlab(
      [
        'train',
        '--data',
        'own/ko',
        '--unicode',
        '--model',
        'lstm',
        '--maxlen',
        '8',
        '--learning-rate',
        '0.02',
      ].concat(['--batch-size', '8', '--epochs', '10', '--seed', '1', '--out', 'own-runs', '--json']),
    );
    expect(r.code, r.stderr).toBe(0);
    const [trained] = (JSON.parse(r.stdout) as { runs: { runDir: string; classNames: string[] }[] }).runs;
    expect(trained?.classNames).toEqual(['neg', 'pos']);
    const vocabulary = (
      JSON.parse(readFileSync(join(trained?.runDir ?? '', 'vectorizer.json'), 'utf8')) as {
        vocabulary: string[];
      }
    ).vocabulary;
    // Unicode punctuation stripped: '재미있어요' not '재미있어요!'.
    expect(vocabulary).toContain('재미있어요');
    const p = await seqlab(['predict', trained?.runDir ?? '', '최고의 영화', '--json']);
    expect(p.code, p.stderr).toBe(0);
    expect(JSON.parse(p.stdout)).toMatchObject({ classNames: ['neg', 'pos'] });
  });
});

describe.runIf(dataDir)('train --resume', () => {
  const recipe = (out: string, epochs: number, model = 'lstm') => [
    'train',
    '--model',
    model,
    '--limit',
    '320',
    '--epochs',
    String(epochs),
    '--seed',
    '5',
    '--no-early-stopping',
    '--out',
    out,
    '--json',
  ];
  type Trained = { runDir: string; history: Record<string, number[]>; resumedFrom: number | null };
  const trained = (stdout: string) => (JSON.parse(stdout) as { runs: Trained[] }).runs[0]!;
  const stateEpoch = (runDir: string) =>
    (
      JSON.parse(readFileSync(join(runDir, 'state', 'model.json'), 'utf8')) as {
        userDefinedMetadata: { seqlabTrainingState: { epoch: number } };
      }
    ).userDefinedMetadata.seqlabTrainingState.epoch;

  it('a run trained for 2 epochs and resumed to 3 ends where a straight 3-epoch run ends', async () => {
    const straight = await seqlab(recipe(join(work, 'resume-a'), 3));
    expect(straight.code, straight.stderr).toBe(0);
    const first = await seqlab(recipe(join(work, 'resume-b'), 2));
    expect(first.code, first.stderr).toBe(0);
    const { runDir } = trained(first.stdout);
    expect(stateEpoch(runDir)).toBe(2);
    const resumed = await seqlab(['train', '--resume', runDir, '--epochs', '3', '--json']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain('resumed after epoch 2 of 3');
    const r = trained(resumed.stdout);
    expect(r.runDir).toBe(runDir);
    expect(r.resumedFrom).toBe(2);
    expect(r.history).toEqual(trained(straight.stdout).history);
    const csv = readFileSync(join(runDir, 'history.csv'), 'utf8').split('\r\n').filter(Boolean);
    expect(csv.map((l) => l.split(',')[0])).toEqual(['epoch', '0', '1', '2']);
    expect(JSON.parse(readFileSync(join(runDir, 'config.json'), 'utf8'))).toMatchObject({
      epochs: 3,
      seed: 5,
    });
  });

  it('a run killed mid-training can be evaluated, and resumed to the end a straight run reaches', async () => {
    const out = join(work, 'resume-killed');
    const child = spawn('node', [bin, ...recipe(out, 40, 'embedding-simple-rnn')], {
      cwd: work,
      env: { ...process.env, CI: 'true', NO_COLOR: '1' },
    });
    const code = await new Promise<number | null>((done) => {
      const poll = setInterval(() => {
        const [dir] = existsSync(out) ? readdirSync(out) : [];
        if (dir !== undefined && existsSync(join(out, dir, 'state', 'model.json'))) {
          clearInterval(poll);
          child.kill('SIGKILL');
        }
      }, 20);
      child.on('close', (c) => {
        clearInterval(poll);
        done(c);
      });
    });
    expect(code).toBeNull();
    const runDir = join(out, readdirSync(out)[0]!);
    expect(existsSync(join(runDir, 'history.json'))).toBe(false);
    const evaluated = await seqlab(['evaluate', runDir, '--json']);
    expect(evaluated.code, evaluated.stderr).toBe(0);
    const done = stateEpoch(runDir);
    expect(done).toBeGreaterThanOrEqual(1);
    const resumed = await seqlab(['train', '--resume', runDir, '--epochs', String(done + 2), '--json']);
    expect(resumed.code, resumed.stderr).toBe(0);
    const straight = await seqlab(recipe(join(work, 'resume-straight'), done + 2, 'embedding-simple-rnn'));
    expect(trained(resumed.stdout).history).toEqual(trained(straight.stdout).history);
    const csv = readFileSync(join(runDir, 'history.csv'), 'utf8').split('\r\n').filter(Boolean);
    expect(csv).toHaveLength(done + 3);
  });

  it('resumes from another folder (data paths kept absolute), and an explicit --epochs 100 is the new limit', async () => {
    const out = join(work, 'resume-elsewhere');
    const first = await seqlab(
      ['train', '--model', 'embedding-simple-rnn', '--limit', '320', '--epochs', '1', '--seed', '5'].concat([
        '--no-early-stopping',
        '--data-dir',
        relative(work, dataDir as string),
        '--out',
        out,
        '--json',
      ]),
    );
    expect(first.code, first.stderr).toBe(0);
    const { runDir } = trained(first.stdout);
    expect(JSON.parse(readFileSync(join(runDir, 'config.json'), 'utf8'))).toMatchObject({
      dataDir: resolve(dataDir as string),
    });
    // 100 is also --epochs' default: given on the command line it still raises the run's limit of 1.
    const elsewhere = join(work, 'elsewhere');
    mkdirSync(elsewhere, { recursive: true });
    const child = spawn('node', [bin, 'train', '--resume', runDir, '--epochs', '100'], {
      cwd: elsewhere,
      env: { ...process.env, CI: 'true', NO_COLOR: '1' },
    });
    let printed = '';
    const collect = (chunk: Buffer) => {
      printed += chunk.toString();
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    const code = await new Promise<number | null>((done) => {
      const poll = setInterval(() => {
        let epoch = 0;
        try {
          epoch = stateEpoch(runDir);
        } catch {} // mid-swap: the state folder is being replaced
        if (epoch >= 2) {
          clearInterval(poll);
          child.kill('SIGKILL');
        }
      }, 20);
      child.on('close', (c) => {
        clearInterval(poll);
        done(c);
      });
    });
    expect(code, printed).toBeNull();
    expect(printed).toContain('resumed after epoch 1 of 100');
  });

  it('refuses what it cannot resume, saying what it expected', async () => {
    const finished = await seqlab(recipe(join(work, 'resume-done'), 1));
    const { runDir } = trained(finished.stdout);
    const again = await seqlab(['train', '--resume', runDir]);
    expect([again.code, again.stderr.split('\n')[0]]).toEqual([
      2,
      `error: run '${runDir}' has trained 1 of its 1 epochs; nothing to resume.`,
    ]);
    const changed = await seqlab(['train', '--resume', runDir, '--epochs', '2', '--units', '4']);
    expect([changed.code, changed.stderr.split('\n')[0]]).toEqual([
      2,
      "error: --resume takes the recipe from the run's config.json; --units cannot change.",
    ]);
    rmSync(join(runDir, 'state'), { recursive: true });
    const stateless = await seqlab(['train', '--resume', runDir, '--epochs', '2']);
    expect(stateless.code).toBe(1);
    expect(stateless.stderr).toContain('has no training state (state/)');
    const missing = await seqlab(['train', '--resume', join(work, 'nowhere')]);
    expect(missing.stderr).toContain('does not exist');
  });
});
