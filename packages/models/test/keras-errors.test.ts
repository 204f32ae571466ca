import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { initWasm } from '@seqlab/wasm';
import * as tf from '@tensorflow/tfjs-core';
import { strToU8, unzipSync, zipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import * as browser from '../src/index.js';
import { inspectKerasModel, loadKerasModel, ModelsError } from '../src/index.node.js';

const FIXTURES = join(import.meta.dirname, 'fixtures/keras');
const fixture = (name: string) => new Uint8Array(readFileSync(join(FIXTURES, name)));

beforeAll(async () => {
  await initWasm();
  await (await import('h5wasm')).ready; // compiling the 4 MB HDF5 module is not part of any one test
}, 60_000);

/** The error `load` throws, checked to be a ModelsError with `code`. */
async function failure(load: Promise<unknown>, code: string): Promise<ModelsError> {
  const error = await load.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ModelsError);
  expect((error as ModelsError).code).toBe(code);
  return error as ModelsError;
}

/** h5wasm's in-memory file system holds no file of ours once a load has finished, whatever the outcome. */
async function h5FilesLeft(): Promise<string[]> {
  const h5 = await import('h5wasm');
  return (h5.FS!.readdir('/') as string[]).filter((f) => f.startsWith('seqlab-keras-'));
}

describe('malformed files give typed errors, and leave no tensors or files behind', () => {
  it('bytes that are neither HDF5 nor zip', async () => {
    const e = await failure(loadKerasModel(strToU8('<html>not a model</html>')), 'KERAS_MALFORMED');
    expect(e.message).toBe(
      'Keras model: expected a Keras model file — HDF5 (.h5) or a zip (.keras) — got neither signature.',
    );
    await failure(loadKerasModel(new Uint8Array(0)), 'KERAS_MALFORMED');
  });

  it('a truncated HDF5 file', async () => {
    const bytes = fixture('k2-lstm-mask-backwards.h5');
    const e = await failure(loadKerasModel(bytes.subarray(0, bytes.length >> 1)), 'KERAS_MALFORMED');
    expect(e.message).toMatch(
      /^Keras model: not a readable HDF5 file \(truncated or corrupt\): .*truncated file/,
    );
    expect(await h5FilesLeft()).toEqual([]);
  });

  it('an HDF5 signature followed by garbage', async () => {
    const bytes = new Uint8Array(4096).fill(0xab);
    bytes.set([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);
    const e = await failure(loadKerasModel(bytes), 'KERAS_MALFORMED');
    expect(e.message).toMatch(/^Keras model: not a readable HDF5 file/);
    expect(await h5FilesLeft()).toEqual([]);
  });

  it('a zip with ../ member names', async () => {
    const evil = zipSync({
      '../../etc/cron.d/x': strToU8('* * * * * root sh'),
      'config.json': strToU8('{}'),
    });
    const e = await failure(loadKerasModel(evil), 'KERAS_MALFORMED');
    expect(e.message).toBe(
      'Keras model: zip member "../../etc/cron.d/x" points outside the archive; expected the plain names Keras ' +
        'writes (config.json, metadata.json, model.weights.h5).',
    );
    const absolute = zipSync({ '/tmp/x': strToU8('x') });
    await failure(loadKerasModel(absolute), 'KERAS_MALFORMED');
  });

  it('a truncated zip', async () => {
    const bytes = fixture('k3-bidirectional-concat.keras');
    const e = await failure(loadKerasModel(bytes.subarray(0, 1000)), 'KERAS_MALFORMED');
    expect(e.message).toMatch(/^Keras model: not a readable zip archive/);
  });

  it('a .keras whose weights file declares more bytes than allowed, before inflating it', async () => {
    const e = await failure(
      loadKerasModel(fixture('k3-bidirectional-concat.keras'), { maxWeightBytes: 1000 }),
      'KERAS_MALFORMED',
    );
    expect(e.message).toMatch(
      /^Keras model: zip member model\.weights\.h5 declares \d+ bytes; expected at most 1000\.$/,
    );
  });

  it('a dataset declaring 12 GB is refused from its header, without reading it', async () => {
    const rss = process.memoryUsage().rss;
    const e = await failure(loadKerasModel(fixture('bad-huge-dataset.h5')), 'KERAS_MALFORMED');
    expect(e.message).toBe(
      'Keras model: dataset "model_weights/emb/emb/embeddings:0" declares shape [100000, 30000] (12000000000 ' +
        'bytes); expected at most 2147483648 bytes per dataset and 2147483648 in all (0 read so far). Raise ' +
        'maxWeightBytes to read larger models.',
    );
    expect(process.memoryUsage().rss - rss).toBeLessThan(256 * 1024 * 1024);
    expect(await h5FilesLeft()).toEqual([]);
  });

  it('a config that is not JSON', async () => {
    const e = await failure(loadKerasModel(fixture('bad-config-json.h5')), 'KERAS_MALFORMED');
    expect(e.message).toBe('Keras model: the model_config attribute is not valid JSON.');
  });

  it('a weights-only file', async () => {
    const e = await failure(loadKerasModel(fixture('bad-weights-only.h5')), 'KERAS_MALFORMED');
    expect(e.message).toBe(
      'Keras model: expected a whole model saved by model.save() (root attribute model_config), got a ' +
        'weights-only file (save_weights): it has no architecture to rebuild.',
    );
  });

  it('missing weights', async () => {
    const before = tf.memory().numTensors;
    const e = await failure(loadKerasModel(fixture('bad-missing-weights.h5')), 'KERAS_MALFORMED');
    expect(e.message).toBe(
      'Keras model: the model has 2 layers with weights (emb, dense); the file holds weights for 1 (emb).',
    );
    expect(tf.memory().numTensors).toBe(before);
    const v3 = await failure(loadKerasModel(fixture('bad-missing-vars.keras')), 'KERAS_MALFORMED');
    expect(v3.message).toBe(
      'Keras model: layer "dense" (Dense) expects weights of shapes [2, 1], [1]; the file has none at layers/dense.',
    );
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a weight whose shape disagrees with the config', async () => {
    const before = tf.memory().numTensors;
    const e = await failure(loadKerasModel(fixture('bad-shape.h5')), 'KERAS_MALFORMED');
    expect(e.message).toBe(
      'Keras model: layer "dense" (Dense) expects weights of shapes [2, 1], [1]; the file has [3, 1], [1] at ' +
        'model_weights/dense.',
    );
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('what seqlab does not run is a typed error naming the layer and the option', () => {
  it('a layer class it does not know', async () => {
    const e = await failure(loadKerasModel(fixture('bad-unknown-class.h5')), 'KERAS_UNSUPPORTED');
    expect(e.message).toMatch(
      /^Keras model: layer "block" has class "TransformerBlock", which seqlab cannot rebuild; supported: InputLayer, Embedding, /,
    );
  });

  it('a Lambda layer, whose Python code is never executed', async () => {
    const e = await failure(loadKerasModel(fixture('bad-lambda.h5')), 'KERAS_UNSUPPORTED');
    expect(e.message).toBe(
      'Keras model: layer "lam" is a Lambda layer: its Python code is never executed by seqlab; replace it with ' +
        'built-in layers in Keras and save again.',
    );
  });

  it('an option it does not implement', async () => {
    const e = await failure(loadKerasModel(fixture('bad-unsupported-option.h5')), 'KERAS_UNSUPPORTED');
    expect(e.message).toBe(
      'Keras model: layer "lstm" (LSTM): return_state=true is not supported; expected it off (false/None).',
    );
  });

  it('a file written by Keras 1', async () => {
    const e = await failure(loadKerasModel(fixture('bad-keras1.h5')), 'KERAS_UNSUPPORTED');
    expect(e.message).toBe(
      'Keras model: written by Keras 1.2.2; seqlab reads files of Keras 2 and 3 (Keras 1 configs name their ' +
        'options differently). Load it in Keras 2 and save it again.',
    );
  });

  it('a subclassed model', async () => {
    const archive = unzipSync(fixture('k3-bidirectional-concat.keras'));
    archive['config.json'] = strToU8(
      JSON.stringify({ module: 'my_project', class_name: 'MyModel', config: {} }),
    );
    const e = await failure(loadKerasModel(zipSync(archive), { name: 'mine.keras' }), 'KERAS_UNSUPPORTED');
    expect(e.message).toBe(
      'mine.keras: the model is a "MyModel"; seqlab reads Sequential and Functional (Model) models. A subclassed ' +
        'model has no config to rebuild it from.',
    );
  });
});

describe('bad arguments', () => {
  it('a source that is not bytes', async () => {
    const e = await failure(loadKerasModel(42 as unknown as Uint8Array), 'INVALID_OPTION');
    expect(e.message).toBe(
      "loadKerasModel: expected the file's bytes as a Uint8Array or ArrayBuffer (or, in Node, a path), got number.",
    );
    await failure(inspectKerasModel(fixture('k3-legacy.h5'), { maxWeightBytes: -1 }), 'INVALID_OPTION');
  });

  it('a path that does not exist (Node)', async () => {
    const e = await failure(loadKerasModel('/nonexistent/Ex2.h5'), 'LOAD_FAILED');
    expect(e.message).toBe(
      'loadKerasModel: cannot read /nonexistent/Ex2.h5: expected a Keras .h5 or .keras file, got ENOENT.',
    );
  });

  it('names the file in errors when loading a path', async () => {
    const path = join(FIXTURES, 'bad-lambda.h5');
    const e = await failure(loadKerasModel(path), 'KERAS_UNSUPPORTED');
    expect(e.message.startsWith(`${path}: layer "lam"`)).toBe(true);
  });
});

describe('the default (browser) entry', () => {
  it('loads from bytes, and refuses a path with a typed error', async () => {
    const model = await browser.loadKerasModel(fixture('k3-conv-causal.keras'));
    expect(model.outputs[0]!.shape).toEqual([null, 2]);
    model.dispose();
    expect(await h5FilesLeft()).toEqual([]);
    const e = await failure(browser.loadKerasModel('Ex2.h5' as unknown as Uint8Array), 'INVALID_OPTION');
    expect(e.message).toMatch(/^loadKerasModel: expected the file's bytes as a Uint8Array or ArrayBuffer/);
  });
});
