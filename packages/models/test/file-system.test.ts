import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initWasm } from '@seqlab/wasm';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileSystemHandler, fileSystem, ModelsError, registerFileSystemRouter } from '../src/index.node.js';

let root: string;
beforeAll(async () => {
  await initWasm();
  root = await mkdtemp(join(tmpdir(), 'seqlab-fs-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

function tinyModel(seed: number): tfl.LayersModel {
  const model = tfl.sequential();
  model.add(
    tfl.layers.dense({
      units: 3,
      inputShape: [4],
      kernelInitializer: tfl.initializers.glorotUniform({ seed }),
      biasInitializer: 'ones',
    }),
  );
  return model;
}

function predict(model: tfl.LayersModel): Float32Array {
  return tf.tidy(() => (model.predict(tf.tensor2d([[1, 2, 3, 4]])) as tf.Tensor).dataSync() as Float32Array);
}

describe('fileSystem IOHandler', () => {
  it('writes model.json + weights.bin and loads them back with identical predictions', async () => {
    const dir = join(root, 'a', 'nested');
    const model = tinyModel(1);
    const result = await model.save(fileSystem(dir));
    expect(result.modelArtifactsInfo.weightDataBytes).toBe((4 * 3 + 3) * 4);
    expect((await readdir(dir)).sort()).toEqual(['model.json', 'weights.bin']);
    const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
    expect(json.weightsManifest[0].paths).toEqual(['weights.bin']);
    expect((await readFile(join(dir, 'weights.bin'))).byteLength).toBe(60);
    const fromDir = await tfl.loadLayersModel(fileSystem(dir));
    const fromJson = await tfl.loadLayersModel(fileSystem(join(dir, 'model.json')));
    expect(predict(fromDir)).toEqual(predict(model));
    expect(predict(fromJson)).toEqual(predict(model));
    for (const m of [model, fromDir, fromJson]) m.dispose();
  });

  it('replaces a saved model atomically and leaves no temp directories behind', async () => {
    const dir = join(root, 'replace');
    const first = tinyModel(1);
    const second = tinyModel(2);
    await first.save(fileSystem(dir));
    await second.save(fileSystem(dir));
    expect((await readdir(root)).filter((n) => n.includes('.tmp-') || n.includes('.old-'))).toEqual([]);
    const loaded = await tfl.loadLayersModel(fileSystem(dir));
    expect(predict(loaded)).toEqual(predict(second));
    expect(predict(loaded)).not.toEqual(predict(first));
    for (const m of [first, second, loaded]) m.dispose();
  });

  it('works through file:// URLs once @seqlab/models is imported in Node', async () => {
    const dir = join(root, 'url');
    const model = tinyModel(3);
    await model.save(`file://${dir}`);
    const loaded = await tfl.loadLayersModel(`file://${dir}/model.json`);
    expect(predict(loaded)).toEqual(predict(model));
    registerFileSystemRouter(); // idempotent: tfjs refuses to load when two routers match
    expect(tf.io.getLoadHandlers(`file://${dir}/model.json`)).toHaveLength(1);
    expect(tf.io.getSaveHandlers(`file://${dir}`)).toHaveLength(1);
    expect(tf.io.getLoadHandlers(`file://${dir}/model.json`)[0]).toBeInstanceOf(FileSystemHandler);
    model.dispose();
    loaded.dispose();
  });

  it('refuses to replace a directory holding other files', async () => {
    const dir = join(root, 'foreign');
    const model = tinyModel(4);
    await model.save(fileSystem(dir));
    await writeFile(join(dir, 'notes.txt'), 'keep me');
    const error = await model.save(fileSystem(dir)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelsError);
    expect((error as ModelsError).code).toBe('NOT_A_MODEL_DIR');
    expect((error as Error).message).toContain('notes.txt');
    expect(await readFile(join(dir, 'notes.txt'), 'utf8')).toBe('keep me');
    model.dispose();
  });

  it('throws LOAD_FAILED naming the missing file', async () => {
    const missing = join(root, 'nope');
    const error = await fileSystem(missing)
      .load()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelsError);
    expect((error as ModelsError).code).toBe('LOAD_FAILED');
    expect((error as Error).message).toContain(join(missing, 'model.json'));
    expect((error as Error).message).toContain('ENOENT');
  });
});
