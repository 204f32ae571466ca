import type * as tfl from '@tensorflow/tfjs-layers';
import { ModelsError } from './errors.js';
import { MaskSource } from './layers/_util.js';

/**
 * Where a model's seeded generators stand: for each layer that draws seeded dropout masks (by its path in the
 * model, e.g. `lstm/cell` or `bidirectional/forward_lstm/cell`), the number of masks drawn so far.
 */
export type RandomState = Record<string, number>;

// Recurrent layers hold their cell, wrappers (Bidirectional) their layers, under these fields.
const INNER = ['cell', 'forwardLayer', 'backwardLayer', 'layer'] as const;

function sources(model: tfl.LayersModel): Map<string, MaskSource> {
  const found = new Map<string, MaskSource>();
  const visit = (layer: tfl.layers.Layer, path: string) => {
    const masks = (layer as unknown as { masks?: unknown }).masks;
    if (masks instanceof MaskSource) found.set(path, masks);
    const wrapper = layer as unknown as Record<string, unknown>;
    for (const field of INNER) {
      // Bidirectional keeps the layer it copied under `layer` too; only its two copies run.
      if (field === 'layer' && wrapper.forwardLayer !== undefined) continue;
      const inner = wrapper[field] as tfl.layers.Layer | undefined;
      if (inner !== undefined && inner !== null && typeof inner === 'object' && 'name' in inner)
        visit(inner, field === 'cell' ? `${path}/cell` : `${path}/${inner.name}`);
    }
  };
  for (const layer of model.layers) visit(layer, layer.name);
  return found;
}

/**
 * The positions of a model's seeded dropout generators (seqlab's recurrent layers draw a new mask per call, from
 * `seed`, `seed + 1`, …). A run resumed from a checkpoint restores them with {@link setRandomState}, so its dropout
 * masks — and so its weights — are those of a run that never stopped.
 */
export function getRandomState(model: tfl.LayersModel): RandomState {
  const state: RandomState = {};
  for (const [path, source] of sources(model)) state[path] = source.drawn;
  return state;
}

/**
 * Restores {@link getRandomState}'s positions into a model of the same architecture. Throws when a layer of the
 * state is missing from the model, or the model has a seeded layer the state does not name.
 */
export function setRandomState(model: tfl.LayersModel, state: RandomState): void {
  const found = sources(model);
  const expected = [...found.keys()].sort();
  const given = Object.keys(state ?? {}).sort();
  const valid = given.every((k) => Number.isInteger(state[k]) && state[k]! >= 0);
  if (!valid || expected.join('\n') !== given.join('\n')) {
    throw new ModelsError(
      'INVALID_OPTION',
      `setRandomState: expected the positions of the layers [${expected.join(', ')}] as integers ≥ 0, got ` +
        `${JSON.stringify(state)}.`,
    );
  }
  for (const [path, source] of found) source.drawn = state[path]!;
}
