import type { Series } from '@seqlab/plot';
import type { RunHistory } from './run.js';

/** `loss` and `val_loss` (or `acc` and `val_acc`) per epoch, as the lesson plots them. */
export function historySeries(history: RunHistory, metric: 'loss' | 'acc' | string, prefix = ''): Series[] {
  const pick = (key: string) => history.epochs.map((e) => e.logs[key] ?? Number.NaN);
  return [
    { name: `${prefix}${metric}`, values: pick(metric) },
    { name: `${prefix}val_${metric}`, values: pick(`val_${metric}`) },
  ];
}
