// Prints each publishable package's tarball size (what `npm publish` would upload) as a table, from
// `npm pack --dry-run --json`. Run after a build; CI runs it at the end of `pnpm test`.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;

const rows = [];
for (const parent of ['packages', 'apps']) {
  for (const name of readdirSync(join(root, parent)).sort()) {
    const dir = join(root, parent, name);
    if (!existsSync(join(dir, 'package.json'))) continue;
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    if (manifest.private) continue;
    const [info] = JSON.parse(
      execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
        cwd: dir,
        encoding: 'utf8',
      }),
    );
    const largest = info.files.reduce((a, b) => (b.size > a.size ? b : a));
    rows.push([
      info.name,
      kb(info.size),
      kb(info.unpackedSize),
      String(info.entryCount),
      `${largest.path} (${kb(largest.size)})`,
    ]);
  }
}

const header = ['package', 'packed', 'unpacked', 'files', 'largest file'];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (cells) =>
  `| ${cells.map((c, i) => (i === 0 || i === 4 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
console.log('Packed sizes (npm pack --dry-run):');
console.log(line(header));
console.log(
  `|${widths.map((w, i) => (i === 0 || i === 4 ? `${'-'.repeat(w + 1)}-` : `${'-'.repeat(w + 1)}:`)).join('|')}|`,
);
for (const row of rows) console.log(line(row));
