import { describe, expect, it } from 'vitest';
import { epochLine, formatDuration, formatLogs } from '../src/ui/format.js';
import { ProgressBar } from '../src/ui/progress.js';
import { renderTable } from '../src/ui/table.js';
import { renderTermChart } from '../src/ui/term-chart.js';

describe('Keras-style lines', () => {
  it('orders loss, metrics, then their val_ twins', () => {
    const logs = { val_acc: 0.61, acc: 0.6301, val_loss: 0.65, loss: 0.64123 };
    expect(formatLogs(logs)).toBe('loss: 0.6412 - acc: 0.6301 - val_loss: 0.6500 - val_acc: 0.6100');
    expect(epochLine(3, 100, 12.2, logs)).toBe(
      'Epoch 3/100 - 12s - loss: 0.6412 - acc: 0.6301 - val_loss: 0.6500 - val_acc: 0.6100',
    );
  });

  it('formats durations', () => {
    expect([0.35, 5.4, 65, 3725].map(formatDuration)).toEqual(['350ms', '5s', '1m 05s', '1h 02m']);
  });
});

describe('ProgressBar', () => {
  it('draws the batch count, ETA and metrics, and replaces itself with the epoch line', () => {
    const chunks: string[] = [];
    const bar = new ProgressBar({ write: (c) => chunks.push(c) > 0, columns: 200, isTTY: true }, 10);
    bar.start('Epoch 1/2', 4, 0);
    bar.update(2, { loss: 0.5 }, 1000);
    bar.finish('Epoch 1/2 - 2s - loss: 0.5000');
    const drawn = chunks.join('');
    expect(drawn).toContain('Epoch 1/2 [====>     ] 2/4  ETA 1s - loss: 0.5000');
    expect(chunks.at(-1)).toBe('\r\u001b[2KEpoch 1/2 - 2s - loss: 0.5000\n');
  });

  it('fits the terminal by leaving out whole metrics, never cutting a number', () => {
    const bar = new ProgressBar({ write: () => true, columns: 60, isTTY: true }, 10);
    const line = bar.line(150, 313, { label: 'Epoch 3/100', logs: { loss: 0.64123, acc: 0.63 }, eta: 6 });
    expect(line).toBe('Epoch 3/100 [====>     ] 150/313  ETA 6s - loss: 0.6412');
    expect(line.length).toBeLessThanOrEqual(59);
    const narrow = new ProgressBar({ write: () => true, columns: 30 }, 10);
    expect(narrow.line(150, 313, { label: 'Epoch 3/100', logs: { loss: 0.6 }, eta: 6 })).toBe(
      'Epoch 3/100 150/313  ETA 6s',
    );
  });
});

describe('renderTable', () => {
  it('aligns numbers right and text left', () => {
    expect(
      renderTable(
        ['model', 'acc'],
        [
          ['lstm', 0.8],
          ['gru', 0.81],
        ],
      ),
    ).toBe(['model   acc', '-----  ----', 'lstm    0.8', 'gru    0.81'].join('\n'));
  });
});

describe('renderTermChart', () => {
  it('puts the highest value on the top row and the lowest on the bottom row', () => {
    const chart = renderTermChart([{ name: 'loss', values: [0.7, 0.6, 0.5] }], { width: 3, height: 3 });
    const rows = chart.split('\n');
    expect(rows[0]).toBe('0.7000 |*');
    expect(rows[2]).toBe('0.5000 |  *');
    expect(chart).toContain('* loss');
  });
});
