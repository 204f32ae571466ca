export function median(xs: number[]): number;

/** A model ready to be timed: `run()` trains one more epoch over the rows and returns its milliseconds. */
export interface EpochSession {
  /** The first epoch's milliseconds: compilation, heap growth and the engine's tier-up included. */
  warmupMs: number;
  run(): Promise<number>;
  close(): void;
}

export function openEpoch(
  name: string,
  x: Int32Array,
  y: Float32Array,
  maxlen: number,
): Promise<EpochSession>;

/** Seconds per 20,000-row epoch from one-epoch runs over `rows` rows: the median, scaled. */
export function secondsPerEpoch(samplesMs: number[], rows: number): number;
