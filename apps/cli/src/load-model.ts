import { join } from 'node:path';
import { FileSystemHandler } from '@seqlab/models';
import * as tfl from '@tensorflow/tfjs-layers';
import { CliError } from './errors.js';
import { RUN_FILES, runModelDir } from './run.js';

/** Loads a run's best checkpoint (else its final model); `@seqlab/models` registers the zoo's custom layers. */
export async function loadRunModel(runDir: string): Promise<tfl.LayersModel> {
  // A save cut short by a kill leaves complete siblings of best/ or final/: put them back before looking.
  for (const name of [RUN_FILES.best, RUN_FILES.final])
    await new FileSystemHandler(join(runDir, name)).recover();
  const dir = runModelDir(runDir);
  try {
    return await tfl.loadLayersModel(`file://${join(dir, 'model.json')}`);
  } catch (cause) {
    throw new CliError('MODEL_LOAD_FAILED', `could not load the model in ${dir}: ${String(cause)}`, {
      cause,
    });
  }
}
