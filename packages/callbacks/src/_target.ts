import * as tf from '@tensorflow/tfjs-core';
import { plainPathToUrl } from '#callbacks-platform';
import { CallbackError } from './errors.js';

/** Makes the IOHandler a checkpoint is saved through (or loaded from), given its formatted filepath. */
export type IOHandlerFactory = (filepath: string) => tf.io.IOHandler;

const SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;

/**
 * The URL tfjs routes a checkpoint filepath to: a filepath with a scheme (`indexeddb://`, `file://`,
 * `localstorage://`, `downloads://`, …) as is, a plain path as `file://<absolute path>` (Node only).
 */
export function checkpointUrl(filepath: string): string {
  return SCHEME.test(filepath) ? filepath : plainPathToUrl(filepath);
}

export function resolveHandler(
  callback: string,
  filepath: string,
  purpose: 'save' | 'load',
  factory?: IOHandlerFactory,
): tf.io.IOHandler {
  if (factory !== undefined) return factory(filepath);
  const url = checkpointUrl(filepath);
  const handlers = purpose === 'save' ? tf.io.getSaveHandlers(url) : tf.io.getLoadHandlers(url);
  if (handlers.length === 1) return handlers[0]!;
  const scheme = url.slice(0, url.indexOf('://') + 3);
  if (handlers.length === 0) {
    throw new CallbackError(
      'NO_SAVE_HANDLER',
      `${callback}: no tfjs IOHandler is registered to ${purpose} '${url}'. Expected a router for '${scheme}' ` +
        `(import '@seqlab/models' for file:// in Node, or use indexeddb:// in the browser) or a \`handler\` ` +
        'option; received none.',
    );
  }
  throw new CallbackError(
    'NO_SAVE_HANDLER',
    `${callback}: ${handlers.length} IOHandlers match '${url}'; expected exactly one. Pass a \`handler\` option.`,
  );
}
