// Compiled by types.test.ts in an npm project with the packed packages, under each moduleResolution. Every line
// must type-check, and every @ts-expect-error must be an error (an `any` from an unresolved import is not).
import { earlyStopping, history } from '@seqlab/callbacks';
import { dataDirs, getFile, imdb } from '@seqlab/datasets';
import {
  createModel,
  type FileSystemHandler,
  fileSystem,
  KerasLSTMCell,
  type ModelsError,
} from '@seqlab/models';
import { renderSvgChart } from '@seqlab/plot';
import { RandomState } from '@seqlab/random';
import { padSequences } from '@seqlab/sequence';
import { initWasm, type WasmInfo } from '@seqlab/wasm';
import type * as tfl from '@tensorflow/tfjs-layers';

export async function consumer(): Promise<string> {
  const info: WasmInfo = await initWasm();
  const handler: FileSystemHandler = fileSystem('/tmp/model');
  const dir: string = handler.dir;
  const model: tfl.LayersModel = createModel('lstm', { seed: 1 });
  const path: Promise<string> = getFile('imdb.npz', { origin: 'https://example.com/imdb.npz' });
  const dirs: string[] = dataDirs();
  const data = await imdb.loadData({ numWords: 500, path: new Uint8Array(0) });
  // @ts-expect-error a number is not a DataSource
  await imdb.loadData({ path: 42 });
  // @ts-expect-error getFile needs an origin
  await getFile('imdb.npz', {});
  const cell = new KerasLSTMCell({ units: 4 });
  // @ts-expect-error fusedCall is internal (stripped from the declarations)
  cell.fusedCall;
  // @ts-expect-error resetDropoutMasks is internal
  cell.resetDropoutMasks();
  // @ts-expect-error projected is internal
  cell.projected;
  const code: ModelsError['code'] = 'NODE_ONLY';
  const svg: string = renderSvgChart([{ name: 'loss', values: [1, 0.5] }]);
  const padded = padSequences([[1, 2]], { maxlen: 3 });
  const rng = new RandomState(42);
  return JSON.stringify([
    info,
    dir,
    model.name,
    await path,
    dirs,
    data.length,
    code,
    svg,
    padded,
    rng,
    earlyStopping(),
    history(),
  ]);
}
