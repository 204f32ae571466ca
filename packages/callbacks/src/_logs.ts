import * as tf from '@tensorflow/tfjs-core';

/** Epoch or batch logs once resolved: metric name → value. */
export type Logs = Record<string, number>;
/** Logs as tfjs-layers passes them to callbacks: values may still be scalar tensors. */
export type UnresolvedLogs = Record<string, number | tf.Scalar>;

/** Called with a warning message (a monitored metric is missing, …). */
export type WarningHandler = (message: string) => void;

export const defaultWarning: WarningHandler = (message) => console.warn(message);

/**
 * Replaces scalar tensors in `logs` by numbers, in place, and disposes them, as tfjs-layers' own
 * `resolveScalarsInLogs` does, so callbacks later in the list see numbers too.
 */
export async function resolveLogs(logs: UnresolvedLogs | undefined): Promise<Logs> {
  if (logs == null) return {};
  const keys: string[] = [];
  const scalars: tf.Tensor[] = [];
  for (const [key, value] of Object.entries(logs)) {
    if (typeof value !== 'number') {
      keys.push(key);
      scalars.push(value);
    }
  }
  if (scalars.length > 0) {
    const values = await Promise.all(scalars.map((s) => s.data()));
    keys.forEach((key, i) => {
      logs[key] = values[i]![0]!;
    });
    tf.dispose(scalars);
  }
  return logs as Logs;
}

// tfjs names accuracy `acc` (`val_acc`); Keras names it `accuracy` (`val_accuracy`). Either spelling finds either.
const ALIASES: Record<string, string> = { accuracy: 'acc', acc: 'accuracy' };

function aliasOf(monitor: string): string | undefined {
  const isVal = monitor.startsWith('val_');
  const base = isVal ? monitor.slice(4) : monitor;
  const alias = ALIASES[base];
  return alias === undefined ? undefined : (isVal ? 'val_' : '') + alias;
}

/** The monitored value in `logs`, under its own name or its `acc`/`accuracy` alias; `undefined` when absent. */
export function lookupMonitor(logs: Logs, monitor: string): number | undefined {
  const direct = logs[monitor];
  if (direct !== undefined) return direct;
  const alias = aliasOf(monitor);
  return alias === undefined ? undefined : logs[alias];
}
