import type { IdMatrix } from '../src/index.js';

/**
 * A learnable toy task: label 1 when word 7 occurs in the (pre-padded: three leading zeros) sequence of ids 8…47.
 * A linear congruential generator makes it the same on every run.
 */
export function toyData(rows: number, seed: number, maxlen: number): { x: IdMatrix; y: Float32Array } {
  let s = seed;
  const rand = () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
  const data = new Int32Array(rows * maxlen);
  const y = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    const positive = r % 2 === 0;
    y[r] = positive ? 1 : 0;
    for (let c = 0; c < maxlen; c++) data[r * maxlen + c] = c < 3 ? 0 : 8 + Math.floor(rand() * 40);
    if (positive) data[r * maxlen + 3 + Math.floor(rand() * (maxlen - 3))] = 7;
  }
  return { x: { data, shape: [rows, maxlen] }, y };
}
