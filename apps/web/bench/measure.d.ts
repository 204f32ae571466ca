export interface EpochSample {
  model: string;
  /** Seconds per 20,000-row epoch, from the median of the one-epoch runs. */
  secondsPerEpoch: number;
  samplesMs: number[];
}

export function measureEpoch(
  name: string,
  x: Int32Array,
  y: Float32Array,
  maxlen: number,
  repeats: number,
): Promise<EpochSample>;
