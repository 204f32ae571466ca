/**
 * A learnable toy task as raw id sequences (ids 8…numWords-1): label 1 when word 7 occurs. Ragged, 4–23 ids, unless
 * `length` fixes it. A linear congruential generator makes it the same on every run.
 */
export function toySequences(
  rows: number,
  seed: number,
  options: { numWords?: number; length?: number } = {},
): { x: number[][]; y: number[] } {
  const numWords = options.numWords ?? 40;
  let s = seed;
  const rand = () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
  const x: number[][] = [];
  const y: number[] = [];
  for (let r = 0; r < rows; r++) {
    const len = options.length ?? 4 + Math.floor(rand() * 20);
    const seq = Array.from({ length: len }, () => 8 + Math.floor(rand() * (numWords - 8)));
    const positive = r % 2 === 0;
    if (positive) seq[Math.floor(rand() * len)] = 7;
    x.push(seq);
    y.push(positive ? 1 : 0);
  }
  return { x, y };
}
