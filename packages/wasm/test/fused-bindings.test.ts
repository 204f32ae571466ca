import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fusedKernels, PARAMETER_ORDER } from '../src/fused/_bindings.js';
import * as common from '../src/fused/_common.js';
import { arenaOf, fusedExports } from '../src/fused/_module.js';

const assembly = join(import.meta.dirname, '..', 'assembly');

/** `export function name(params)` of assembly/*.ts: the parameter names in order, by function. */
function assemblySignatures(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const file of readdirSync(assembly).filter((f) => f.endsWith('.ts'))) {
    const text = readFileSync(join(assembly, file), 'utf8');
    for (const m of text.matchAll(/^export function (\w+)\(([^)]*)\)/gm)) {
      const params = m[2]!
        .split(',')
        .map((p) => p.trim())
        .filter((p) => p !== '')
        .map((p) => p.split(':')[0]!.trim());
      out.set(m[1]!, params);
    }
  }
  return out;
}

describe('typed bindings of the fused module', () => {
  it('name every parameter of every export, in the order assembly/ declares them', () => {
    const signatures = assemblySignatures();
    for (const [name, order] of Object.entries(PARAMETER_ORDER)) {
      expect({ name, order }).toEqual({ name, order: signatures.get(name) });
    }
  });

  it('bind every kernel the module exports, and only those', () => {
    const exported = Object.keys(fusedExports()).filter((name) => name !== 'memory' && name !== 'heapBase');
    expect(Object.keys(PARAMETER_ORDER).sort()).toEqual(exported.sort());
    expect(Object.keys(fusedKernels()).sort()).toEqual(exported.sort());
  });

  it('pass named arguments to their positions (maskInput scales the rows it is pointed at)', () => {
    const mod = fusedExports();
    const kernels = fusedKernels();
    const arena = arenaOf(mod);
    const block = arena.alloc(32 * 4);
    const heap = new Float32Array(mod.memory.buffer);
    const x = block.start / 4;
    const mask = x + 16;
    heap.set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], x); // [B=2, T=2, F=3]
    heap.set([2, 0, -1, 10, 1, 0.5], mask); // [B=2, F=3]
    kernels.maskInput({ F: 3, T: 2, B: 2, mask: mask * 4, x: x * 4 });
    expect(Array.from(heap.subarray(x, x + 12))).toEqual([2, 0, -3, 8, 0, -6, 70, 8, 4.5, 100, 11, 6]);
    arena.release(block);
  });

  it('fused/_common.ts still exports every name it exported before the split', () => {
    // Other fused ops (e.g. the Conv1D ones on another branch) import these from _common.
    expect(Object.keys(common).sort()).toEqual(
      [
        'checkActivation',
        'checkCore',
        'checkVector',
        'coreGrads',
        'coreInputs',
        'fail',
        'fusedMemoryStats',
        'inputGradOf',
        'outputOf',
        'padGates',
        'paddedKernels',
        'placeAll',
        'placeBackward',
        'placeForward',
        'readMask',
        'recordingTape',
        'releaseEndedTapes',
        'runOptions',
        'saveForBackward',
        'unpadGates',
        'valuesOf',
        'withCustomGrad',
        'writeInput',
        'writeOutputGrad',
      ].sort(),
    );
  });
});
