// Runs one loader on one file in a fresh process and prints what happened and the process' peak RSS.
// Imports the built package (turbo builds it before `test`). Usage: node measure.mjs <imdb|readNpz|acl> <file>
import { readFileSync } from 'node:fs';

const [scenario, file] = process.argv.slice(2);
const lib = await import(new URL('../../dist/index.js', import.meta.url).href);
const runs = {
  imdb: () => lib.imdb.loadData({ path: file }),
  readNpz: () => lib.readNpz(readFileSync(file), file),
  acl: () => lib.aclImdb.loadData({ path: file }),
};
const result = { ok: true };
try {
  await runs[scenario]();
} catch (error) {
  Object.assign(result, {
    ok: false,
    name: error?.name,
    code: error?.code,
    messageLength: String(error?.message).length,
    message: String(error?.message).slice(0, 300),
  });
}
result.maxRssMB = Math.round(process.resourceUsage().maxRSS / 1024);
process.stdout.write(`${JSON.stringify(result)}\n`);
