import { existsSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { kerasFormatOf, loadKerasModel, ModelsError, saveKerasModel } from '@seqlab/models';
import { initWasm } from '@seqlab/wasm';
import * as tfl from '@tensorflow/tfjs-layers';
import { defineCommand } from '../command.js';
import { CliError, usageError } from '../errors.js';
import { isKerasFile } from '../keras-file.js';
import { loadRunModel } from '../load-model.js';
import { RUN_FILES } from '../run.js';

/** A model from a Keras file, a run folder (its best checkpoint), or a tfjs layers model (folder or model.json). */
async function loadAny(path: string, cwd: string): Promise<tfl.LayersModel> {
  if (isKerasFile(path)) {
    try {
      return await loadKerasModel(resolve(cwd, path));
    } catch (error) {
      if (error instanceof ModelsError)
        throw new CliError(`KERAS_${error.code}`, `${path}: ${error.message}`, { cause: error });
      throw error;
    }
  }
  const abs = resolve(cwd, path);
  if (!existsSync(abs)) throw new CliError('MODEL_NOT_FOUND', `${path} does not exist.`);
  if (statSync(abs).isDirectory() && existsSync(join(abs, RUN_FILES.config))) return loadRunModel(abs);
  const modelJson = statSync(abs).isDirectory() ? join(abs, 'model.json') : abs;
  if (!existsSync(modelJson))
    throw new CliError('MODEL_NOT_FOUND', `${path} holds no model.json.`, {
      hint: 'Pass a .h5 or .keras file, a run folder, or a TensorFlow.js layers model (a folder with model.json).',
    });
  try {
    return await tfl.loadLayersModel(`file://${modelJson}`);
  } catch (cause) {
    throw new CliError('MODEL_LOAD_FAILED', `could not load ${path}: ${String(cause)}`, { cause });
  }
}

export const convert = defineCommand({
  spec: {
    name: 'convert',
    summary: 'convert a model between Keras .h5, Keras .keras and the TensorFlow.js layers format',
    usage: 'seqlab convert <in> <out>',
    positionals: [
      {
        name: '<in>',
        description: 'a .h5 or .keras file, a run folder, or a TensorFlow.js layers model folder',
        required: true,
      },
      {
        name: '<out>',
        description: 'a .h5 or .keras file (Keras 3 layout), or a folder (model.json + weights.bin)',
        required: true,
      },
    ],
    flags: {},
    examples: [
      'seqlab convert Ex2.h5 Ex2.keras',
      'seqlab convert runs/lstm-20261129-120000 lstm.h5',
      'seqlab convert model.keras web-model/',
    ],
  },
  async run(_flags, positionals, out) {
    const [input, output] = positionals;
    if (!input || !output)
      throw usageError('seqlab convert needs an input and an output.', `Usage: ${convert.spec.usage}`);
    await initWasm();
    const model = await loadAny(input, out.ctx.cwd);
    const target = resolve(out.ctx.cwd, output);
    const format = kerasFormatOf(target);
    try {
      if (format !== undefined) await saveKerasModel(model, target);
      else await model.save(`file://${target}`);
    } catch (error) {
      if (error instanceof ModelsError)
        throw new CliError(`KERAS_${error.code}`, `cannot write ${output}: ${error.message}`, {
          cause: error,
        });
      throw error;
    } finally {
      model.dispose();
    }
    const written = format === undefined ? join(target, 'model.json') : target;
    out.info(
      `wrote ${format === undefined ? `${basename(dirname(written))}/model.json` : output} (${format ?? 'tfjs'})`,
    );
    out.result({ input, output: target, format: format ?? 'tfjs' });
  },
});
