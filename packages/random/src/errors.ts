/** Codes of {@link RandomStateError}. */
export type RandomStateErrorCode = 'INVALID_SEED' | 'INVALID_ARGUMENT' | 'INVALID_STATE';

/** Thrown for a seed, range, size or state that numpy's `RandomState` would also reject. */
export class RandomStateError extends Error {
  override readonly name = 'RandomStateError';
  readonly code: RandomStateErrorCode;

  constructor(code: RandomStateErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** A short, safe description of a received value for error messages. */
export function describe(value: unknown): string {
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'number' || typeof value === 'boolean' || value == null) return String(value);
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name}`;
  return `a value of type ${typeof value}`;
}
