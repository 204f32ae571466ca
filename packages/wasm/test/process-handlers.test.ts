// tfjs-backend-wasm's Emscripten glue adds process handlers that rethrow; after initWasm the application's own
// errors must end the process as Node ends it (exit 1, the application's message and trace) and the application's
// own handlers must decide. Each case runs in a child process against the built package.
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const pkg = resolve(import.meta.dirname, '..');

function run(script: string): { status: number | null; stdout: string; stderr: string } {
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: pkg,
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: child.status, stdout: child.stdout, stderr: child.stderr };
}

describe('initWasm and the process error handlers', () => {
  it('adds no uncaughtException or unhandledRejection listener', () => {
    const { status, stdout, stderr } = run(`
      import { initWasm } from '@seqlab/wasm';
      const count = () => [process.listenerCount('uncaughtException'), process.listenerCount('unhandledRejection')];
      const before = count();
      await initWasm();
      console.log(JSON.stringify({ before, after: count() }));
    `);
    expect(stderr).toBe('');
    expect(status).toBe(0);
    expect(JSON.parse(stdout)).toEqual({ before: [0, 0], after: [0, 0] });
  });

  it('a later uncaught error exits 1 with the application message and trace', () => {
    const { status, stderr } = run(`
      import { initWasm } from '@seqlab/wasm';
      await initWasm();
      function applicationCode() { throw new Error('the application failed'); }
      setTimeout(applicationCode, 0);
    `);
    expect(status).toBe(1);
    expect(stderr).toContain('Error: the application failed');
    expect(stderr).toMatch(/at (Timeout\.)?applicationCode/);
    expect(stderr).not.toContain('tfjs-backend-wasm');
  });

  it("a later unhandled rejection reaches the application's own handler", () => {
    const { status, stdout, stderr } = run(`
      import { initWasm } from '@seqlab/wasm';
      process.on('unhandledRejection', (reason) => {
        console.log('handled: ' + reason.message);
      });
      await initWasm();
      Promise.reject(new Error('nobody awaited this'));
    `);
    expect(stderr).toBe('');
    expect(stdout).toBe('handled: nobody awaited this\n');
    expect(status).toBe(0);
  });

  it('an unhandled rejection without a handler exits 1 with its own message', () => {
    const { status, stderr } = run(`
      import { initWasm } from '@seqlab/wasm';
      await initWasm();
      Promise.reject(new Error('rejected by the application'));
    `);
    expect(status).toBe(1);
    expect(stderr).toContain('Error: rejected by the application');
    expect(stderr).not.toContain('tfjs-backend-wasm');
  });
});
