import { describe, expect, it } from 'vitest';
import { parseFlags, renderHelp } from '../src/args.js';
import { CliError } from '../src/errors.js';
import { RECIPE_FLAGS } from '../src/recipe.js';

const spec = {
  name: 'train',
  summary: 'test',
  usage: 'seqlab train',
  flags: { model: { type: 'string', default: 'lstm', description: 'm' }, ...RECIPE_FLAGS },
} as const;

function usage(argv: string[]): CliError {
  try {
    parseFlags(spec, argv);
  } catch (error) {
    if (error instanceof CliError) return error;
    throw error;
  }
  throw new Error('expected a usage error');
}

describe('parseFlags', () => {
  it("fills the lesson's defaults under camelCase names", () => {
    const { flags } = parseFlags(spec, []);
    expect(flags).toMatchObject({
      model: 'lstm',
      numWords: 500,
      maxlen: 100,
      testSize: 0.2,
      randomState: 42,
      epochs: 100,
      batchSize: 64,
      learningRate: 1e-4,
      patience: 3,
      units: 8,
      embeddingDim: 16,
      dropout: 0.3,
      out: 'runs',
    });
    expect(flags.seed).toBeUndefined();
    expect(flags.limit).toBeUndefined();
  });

  it('parses numbers and strings', () => {
    const { flags, positionals } = parseFlags(spec, [
      '--epochs',
      '3',
      '--learning-rate=1e-3',
      '--model',
      'gru',
    ]);
    expect([flags.epochs, flags.learningRate, flags.model, positionals]).toEqual([3, 1e-3, 'gru', []]);
  });

  it('refuses an argument the command does not take, with the hint the command gives', () => {
    const error = usage(['gru']);
    expect(error.message).toBe("unexpected argument 'gru': 'seqlab train' takes no arguments.");
    expect(usage(['x']).hint).toBe("See 'seqlab train --help'.");
    const hinted = { ...spec, strayHint: (v: string) => `did you mean --model ${v}?` };
    try {
      parseFlags(hinted, ['gru']);
      throw new Error('expected a usage error');
    } catch (e) {
      expect((e as CliError).hint).toBe('did you mean --model gru?');
    }
    const variadic = {
      ...spec,
      positionals: [
        { name: '<run>', description: 'r' },
        { name: '<text>', description: 't', variadic: true },
      ],
    };
    expect(parseFlags(variadic, ['run', 'a', 'good', 'film']).positionals).toEqual([
      'run',
      'a',
      'good',
      'film',
    ]);
    const one = { ...spec, positionals: [{ name: '<run>', description: 'r' }] };
    expect(() => parseFlags(one, ['run', 'extra'])).toThrow(
      "unexpected argument 'extra': 'seqlab train' takes <run>.",
    );
  });

  it('names an unknown flag and lists the valid ones', () => {
    const error = usage(['--modle', 'lstm']);
    expect(error.message).toBe("unknown flag --modle for 'seqlab train'.");
    expect(error.hint).toMatch(/^did you mean --model\? valid flags: --model, --num-words/);
    expect(usage(['--xyzzy']).hint).toMatch(/^valid flags:/);
    expect(error.exitCode).toBe(2);
  });

  it('rejects bad numbers with what was expected and what was received', () => {
    expect(usage(['--epochs', 'ten']).message).toBe("--epochs expects an integer; got 'ten'.");
    expect(usage(['--epochs', '2.5']).message).toBe("--epochs expects an integer; got '2.5'.");
    expect(usage(['--epochs', '0']).message).toBe('--epochs must be >= 1; got 0.');
    expect(usage(['--dropout', '1']).message).toBe('--dropout must be <= 0.99; got 1.');
    expect(usage(['--maxlen', '']).message).toBe("--maxlen expects an integer; got ''.");
  });

  it('rejects a flag without its value', () => {
    expect(usage(['--epochs']).message).toMatch(/--epochs/);
  });
});

describe('closest', () => {
  it('suggests typos of commands, flags and values, and nothing for unrelated words', async () => {
    const { closest } = await import('../src/suggest.js');
    expect(closest('trian', ['train', 'evaluate', 'predict'])).toBe('train');
    expect(closest('lstmm', ['lstm', 'gru', 'stacked-lstm'])).toBe('lstm');
    expect(closest('--modle', ['--model', '--maxlen'])).toBe('--model');
    expect(closest('transformer', ['lstm', 'gru'])).toBeUndefined();
  });
});

describe('renderHelp', () => {
  it('documents every flag with its default', () => {
    const help = renderHelp(spec);
    expect(help).toContain('--num-words <n>');
    expect(help).toContain('(default: 500)');
    expect(help).toContain('--json');
  });
});
