// Makes a run written by `seqlab train` the app's pretrained model: copies its best checkpoint (model.json +
// weights.bin) to public/models/lstm/ and records where it came from in meta.json.
// Usage: node apps/web/scripts/use-run.mjs runs/lstm-<timestamp>
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const run = process.argv[2];
if (!run) {
  console.error('usage: node apps/web/scripts/use-run.mjs <run folder written by seqlab train>');
  process.exit(2);
}
const dir = resolve(run);
const best = existsSync(join(dir, 'best', 'model.json')) ? join(dir, 'best') : join(dir, 'final');
for (const file of [join(best, 'model.json'), join(dir, 'config.json'), join(dir, 'history.json')]) {
  if (!existsSync(file)) {
    console.error(`error: ${file} is missing; expected a run folder written by 'seqlab train'.`);
    process.exit(1);
  }
}
const out = fileURLToPath(new URL('../public/models/lstm/', import.meta.url));
mkdirSync(out, { recursive: true });
copyFileSync(join(best, 'model.json'), join(out, 'model.json'));
copyFileSync(join(best, 'weights.bin'), join(out, 'weights.bin'));
const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
const history = JSON.parse(readFileSync(join(dir, 'history.json'), 'utf8'));
const meta = {
  model: config.model,
  numWords: config.numWords,
  maxlen: config.maxlen,
  config,
  bestEpoch: history.bestEpoch,
  bestValLoss: history.bestValLoss,
  test: history.test ?? null,
  epochs: history.epochs.length,
  producedBy: `pnpm seqlab train --model ${config.model} --seed ${config.seed} --out runs && node apps/web/scripts/use-run.mjs <run>`,
};
writeFileSync(join(out, 'meta.json'), `${JSON.stringify(meta, null, 2)}\n`);
console.log(
  `pretrained model ← ${best} (best epoch ${history.bestEpoch}, test acc ${history.test?.acc?.toFixed(4)})`,
);
