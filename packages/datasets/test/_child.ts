import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const script = fileURLToPath(new URL('./child/measure.mjs', import.meta.url));
const dist = fileURLToPath(new URL('../dist/index.js', import.meta.url));

export interface ChildResult {
  ok: boolean;
  name?: string;
  code?: string;
  message?: string;
  messageLength?: number;
  maxRssMB: number;
}

/**
 * Runs a loader on a file in a child process (old space capped at 1.5 GB, killed after 120 s, so a regression
 * cannot take the machine down) and returns its outcome and peak RSS. Needs the package built (`pnpm build`).
 */
export async function inChild(scenario: 'imdb' | 'readNpz' | 'acl', file: string): Promise<ChildResult> {
  if (!existsSync(dist)) throw new Error(`${dist} is missing: build the package first (pnpm build)`);
  const { stdout } = await run(process.execPath, ['--max-old-space-size=1536', script, scenario, file], {
    timeout: 120_000,
    maxBuffer: 1 << 20,
  });
  return JSON.parse(stdout) as ChildResult;
}
