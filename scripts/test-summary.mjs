// Sums the JSON reports every project's `vitest run` wrote and prints one closing line for the whole tree.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const projects = [
  ...['packages', 'apps', 'tests'].flatMap((group) =>
    existsSync(join(root, group))
      ? readdirSync(join(root, group))
          .sort()
          .map((name) => `${group}/${name}`)
      : [],
  ),
  'bench',
];
let passed = 0;
let failed = 0;
let skipped = 0;
const rows = [];
for (const project of projects) {
  const file = join(root, project, '.vitest', 'report.json');
  if (!existsSync(file)) continue;
  const report = JSON.parse(readFileSync(file, 'utf8'));
  const p = report.numPassedTests ?? 0;
  const f = report.numFailedTests ?? 0;
  const s = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  rows.push(`${project.padEnd(22)} ${String(p).padStart(5)} passed  ${f} failed${s ? `  ${s} skipped` : ''}`);
  passed += p;
  failed += f;
  skipped += s;
}
console.log(rows.join('\n'));
console.log(`Tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exitCode = failed > 0 || passed === 0 ? 1 : 0;
