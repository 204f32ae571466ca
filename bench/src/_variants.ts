import { createModel, KerasGRU, KerasLSTM, KerasSimpleRNN, type ModelName, OneHot } from '@seqlab/models';
import * as tfl from '@tensorflow/tfjs-layers';

/**
 * How a model is built and run: `fused` is the zoo as shipped (`createModel`, fused WebAssembly SIMD kernels);
 * `unfused` the zoo's own Keras layers with `fused: false` (the per-step tfjs loop); `stock` the same architecture
 * from stock `tfl.layers.simpleRNN/lstm/gru` on wasm; `cpu` the stock architecture on `@tensorflow/tfjs-backend-cpu`.
 */
export type Variant = 'fused' | 'unfused' | 'stock' | 'cpu';

/** The variants in table order. */
export const VARIANTS: readonly Variant[] = ['fused', 'unfused', 'stock', 'cpu'];

/** The zoo models that have a stock tfjs-layers equivalent (and a PyTorch reference figure). */
export const RECURRENT_MODELS: readonly ModelName[] = [
  'simple-rnn-onehot',
  'embedding-simple-rnn',
  'lstm',
  'stacked-lstm',
  'gru',
];

const NUM_WORDS = 500;
const MAXLEN = 100;
const UNITS = 8;
const EMBEDDING = 16;
const DROPOUT = 0.3;

type Initializer = ReturnType<typeof tfl.initializers.zeros>;

/** Deterministic initialisers so every variant starts from the same kind of weights. */
class Seeds {
  constructor(private next: number) {}
  glorot(): Initializer {
    return tfl.initializers.glorotUniform({ seed: this.next++ });
  }
  orthogonal(): Initializer {
    return tfl.initializers.orthogonal({ seed: this.next++ });
  }
  embedding(): Initializer {
    return tfl.initializers.randomUniform({ minval: -0.05, maxval: 0.05, seed: this.next++ });
  }
  seed(): number {
    return this.next++;
  }
}

type RecurrentKind = 'simple' | 'lstm' | 'gru';

/** One recurrent layer of the given kind, from the zoo's layers (`fused: false`) or from stock tfjs-layers. */
function recurrent(
  kind: RecurrentKind,
  stock: boolean,
  seeds: Seeds,
  opts: { name: string; dropout: number; returnSequences: boolean; inputGradient: boolean },
): tfl.layers.Layer {
  const common = {
    units: UNITS,
    kernelInitializer: seeds.glorot(),
    recurrentInitializer: seeds.orthogonal(),
    dropout: opts.dropout,
    returnSequences: opts.returnSequences,
    name: opts.name,
  };
  if (stock) {
    // Keras' settings where tfjs differs: sigmoid gates (tfjs defaults to hardSigmoid), unit_forget_bias=True.
    // tfjs' GRU has no reset_after: it is Keras' GRU(reset_after=False) (bias [3u], 24 fewer parameters).
    if (kind === 'simple') return tfl.layers.simpleRNN(common);
    if (kind === 'lstm') {
      return tfl.layers.lstm({ ...common, recurrentActivation: 'sigmoid', unitForgetBias: true });
    }
    return tfl.layers.gru({ ...common, recurrentActivation: 'sigmoid' });
  }
  const zoo = { ...common, fused: false, seed: seeds.seed() };
  if (kind === 'simple') return new KerasSimpleRNN({ ...zoo, inputGradient: opts.inputGradient });
  if (kind === 'lstm') return new KerasLSTM(zoo);
  return new KerasGRU({ ...zoo, resetAfter: true });
}

function apply(layer: tfl.layers.Layer, x: tfl.SymbolicTensor): tfl.SymbolicTensor {
  return layer.apply(x) as tfl.SymbolicTensor;
}

/** The zoo architecture of `name` built from per-step layers: the zoo's unfused layers or stock tfjs-layers. */
function perStepModel(name: ModelName, stock: boolean): tfl.LayersModel {
  const seeds = new Seeds(42);
  const input = tfl.input({ shape: [MAXLEN], dtype: 'int32', name: 'ids' });
  const embedded = (): tfl.SymbolicTensor =>
    apply(
      tfl.layers.embedding({
        inputDim: NUM_WORDS,
        outputDim: EMBEDDING,
        embeddingsInitializer: seeds.embedding(),
        name: 'embedding',
      }),
      input,
    );
  const layer = (kind: RecurrentKind, layerName: string, dropout: number, returnSequences = false) =>
    recurrent(kind, stock, seeds, { name: layerName, dropout, returnSequences, inputGradient: true });
  let h: tfl.SymbolicTensor;
  switch (name) {
    case 'simple-rnn-onehot': {
      const onehot = apply(new OneHot({ depth: NUM_WORDS, name: 'one_hot' }), input);
      h = apply(
        recurrent('simple', stock, seeds, {
          name: 'simple_rnn',
          dropout: 0,
          returnSequences: false,
          inputGradient: false,
        }),
        onehot,
      );
      break;
    }
    case 'embedding-simple-rnn':
      h = apply(layer('simple', 'simple_rnn', 0), embedded());
      break;
    case 'lstm':
      h = apply(layer('lstm', 'lstm', DROPOUT), embedded());
      break;
    case 'stacked-lstm': {
      const seq = apply(layer('lstm', 'lstm_1', DROPOUT, true), embedded());
      h = apply(layer('lstm', 'lstm_2', DROPOUT), seq);
      break;
    }
    case 'gru':
      h = apply(layer('gru', 'gru', DROPOUT), embedded());
      break;
    default:
      throw new Error(
        `bench: no per-step variant of ${JSON.stringify(name)}; expected one of ${RECURRENT_MODELS.join(', ')}.`,
      );
  }
  const out = apply(
    tfl.layers.dense({
      units: 1,
      activation: 'sigmoid',
      kernelInitializer: seeds.glorot(),
      name: 'output',
    }),
    h,
  );
  return tfl.model({ inputs: input, outputs: out, name: `${name}-${stock ? 'stock' : 'unfused'}` });
}

/** Whether `variant` exists for `name` (the per-step variants only for {@link RECURRENT_MODELS}). */
export function hasVariant(name: ModelName, variant: Variant): boolean {
  return variant === 'fused' || RECURRENT_MODELS.includes(name);
}

/** Builds `name` as `variant` on the current backend (switching to `cpu` is the caller's job). */
export function buildModel(name: ModelName, variant: Variant): tfl.LayersModel {
  if (variant === 'fused') return createModel(name, { seed: 42 });
  return perStepModel(name, variant !== 'unfused');
}
