import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { initWasm } from '@seqlab/wasm';
import { defineCommand } from '../command.js';

const require = createRequire(import.meta.url);

function versionOf(pkg: string): string {
  try {
    return (require(`${pkg}/package.json`) as { version: string }).version;
  } catch {
    return 'not installed';
  }
}

/** This CLI's version: `package.json` sits one folder above `dist/` in the repository and when installed. */
export function ownVersion(): string {
  try {
    const file = new URL('../package.json', import.meta.url);
    return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

export const info = defineCommand({
  spec: {
    name: 'info',
    summary: 'the runtime: backend, SIMD, threads and versions',
    usage: 'seqlab info [--json]',
    flags: {},
    examples: ['seqlab info', 'seqlab info --json'],
  },
  async run(_flags, _positionals, out) {
    const runtime = await initWasm();
    const versions = {
      seqlab: ownVersion(),
      node: process.versions.node,
      '@tensorflow/tfjs-core': versionOf('@tensorflow/tfjs-core'),
      '@tensorflow/tfjs-layers': versionOf('@tensorflow/tfjs-layers'),
      '@tensorflow/tfjs-backend-wasm': runtime.version,
    };
    if (out.json) {
      out.result({ runtime, versions });
      return;
    }
    const c = out.color;
    out.info(`${c.bold('backend')}   ${runtime.backend}`);
    out.info(`${c.bold('simd')}      ${runtime.simd ? c.green('yes') : c.red('no')}`);
    out.info(`${c.bold('threads')}   ${runtime.threads}`);
    out.info(
      `${c.bold('platform')}  ${runtime.platform} (node ${versions.node}, ${process.platform}-${process.arch})`,
    );
    out.info(
      `${c.bold('kernels')}   ${runtime.kernels.length ? runtime.kernels.join(', ') : '(none added)'}`,
    );
    for (const [name, v] of Object.entries(versions))
      if (name !== 'node') out.info(`${name.padEnd(31)} ${v}`);
  },
});
