import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

/** One model's epoch in Chromium (the web app's worker set-up) next to Node, from apps/web/bench/epoch.mjs. */
export interface BrowserRow {
  model: string;
  nodeSeconds: number;
  chromiumSeconds: number;
  ratio: number;
  withinTarget: boolean;
}

export interface BrowserResult {
  rows: number;
  repeats: number;
  /** Load average before, between and after the two halves. */
  load: number[];
  node: { threads: number };
  chromium: { version: string; threads: number };
  table: BrowserRow[];
}

/**
 * Runs apps/web/bench/epoch.mjs (Vite builds the bench page, Playwright drives Debian's chromium): the same training
 * code in the web app's kind of worker and in Node, on the same rows. Null, with the reason logged, when it cannot
 * run (no chromium, no data, the web app not installed).
 */
export function measureBrowser(
  models: string[],
  batches: number,
  repeats: number,
  log: (line: string) => void,
): BrowserResult | null {
  const script = fileURLToPath(new URL('../../apps/web/bench/epoch.mjs', import.meta.url));
  const chromium = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
  if (!existsSync(chromium)) {
    log(`browser: not measured (no chromium at ${chromium}; set CHROMIUM_PATH)`);
    return null;
  }
  try {
    const out = execFileSync(
      process.execPath,
      [
        script,
        '--models',
        models.join(','),
        '--batches',
        String(batches),
        '--repeats',
        String(repeats),
        '--json',
      ],
      { cwd: dirname(dirname(script)), encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
    );
    return JSON.parse(out) as BrowserResult;
  } catch (error) {
    log(`browser: not measured (${(error as Error).message.split('\n')[0]})`);
    return null;
  }
}
