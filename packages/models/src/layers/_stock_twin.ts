// The stock twin: the tfjs-layers layer a seqlab recurrent layer is saved as and stands in for, and the configs
// only the stock layer can run.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { ACTIVATIONS } from './_util.js';

type ConfigDict = tf.serialization.ConfigDict;

/** The stock tfjs-layers layer a seqlab layer is saved as (same class name, config fields and weights). */
export interface StockTwin {
  /** tfjs' class name, which the seqlab class takes as its own `className`. */
  className: string;
  /** tfjs' factory (`tfl.layers.lstm`), for saved configs the seqlab layer cannot run. */
  create(config: ConfigDict): tfl.layers.Layer;
  /** The activation fields of the config and the values seqlab implements. */
  activations: Record<string, readonly string[]>;
  /** A seqlab option stock tfjs cannot run (`resetAfter`, `usePeepholes`): when on, the class name to save as. */
  seqlabOnly?: { option: string; className: string };
}

const STOCK_ONLY_FIELDS = [
  'kernelRegularizer',
  'recurrentRegularizer',
  'biasRegularizer',
  'activityRegularizer',
  'kernelConstraint',
  'recurrentConstraint',
  'biasConstraint',
];

/**
 * Whether a saved config (e.g. one stock tfjs-layers wrote under `LSTM`) uses something the seqlab layers do not
 * implement — no bias, regularizers, constraints, returned states, stateful sequences, or an
 * activation outside `activations` — so that the stock tfjs layer must load it instead.
 */
export function needsStockLayer(config: ConfigDict, activations: Record<string, readonly string[]>): boolean {
  if (config['useBias'] === false) return true;
  if (config['returnState'] === true || config['stateful'] === true) return true;
  if (STOCK_ONLY_FIELDS.some((field) => config[field] != null)) return true;
  return Object.entries(activations).some(([field, allowed]) => {
    const value = config[field];
    return value != null && !allowed.includes(value as string);
  });
}

/**
 * The class name a seqlab layer saves under: tfjs' (`name`), or the seqlab one when `cell` turns on an option stock
 * tfjs cannot run (`stock.seqlabOnly`).
 */
export function savedClassName(name: string, stock: StockTwin | null, cell: unknown): string {
  const only = stock?.seqlabOnly;
  const options = cell as Record<string, unknown> | undefined;
  return only !== undefined && name === stock?.className && options?.[only.option] === true
    ? only.className
    : name;
}

/**
 * The stock tfjs layer for a saved config the seqlab class cannot run (see {@link needsStockLayer}), or null when
 * the seqlab class runs it (also every config with a seqlab-only option on).
 */
export function stockLayerFor(config: ConfigDict, stock: StockTwin | null): tfl.layers.Layer | null {
  if (stock === null) return null;
  const seqlabOnly = stock.seqlabOnly !== undefined && config[stock.seqlabOnly.option] === true;
  return !seqlabOnly && needsStockLayer(config, stock.activations) ? stock.create(config) : null;
}

/** The activation names the seqlab gated cells implement. */
export const GATED_ACTIVATIONS: Record<string, readonly string[]> = {
  activation: Object.keys(ACTIVATIONS),
  recurrentActivation: Object.keys(ACTIVATIONS),
};

/**
 * Makes `cls` load from saves that name it `name` as well (the names seqlab wrote before its layers took tfjs'
 * class names, and the names of configurations stock tfjs cannot run). `tf.serialization.registerClass` keys a
 * class by its static `className` only, so the extra name goes into the same map directly.
 */
export function registerClassAs(
  cls: tf.serialization.SerializableConstructor<tf.serialization.Serializable>,
  name: string,
): void {
  tf.serialization.SerializationMap.getMap().classNameMap[name] = [cls, cls.fromConfig];
}
