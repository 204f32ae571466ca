import * as tf from '@tensorflow/tfjs-core';

/** Peak resident memory and live tensors of one bench section. */
export interface SectionMemory {
  /** Section name. */
  section: string;
  /** Highest `process.memoryUsage().rss` seen during the section, in MB (10⁶ bytes). */
  peakRssMB: number;
  /** `tf.memory().numTensors` when the section started. */
  tensorsBefore: number;
  /** `tf.memory().numTensors` when it ended (equal to `tensorsBefore` when nothing leaked). */
  tensorsAfter: number;
  /** Wall time of the section, in seconds. */
  seconds: number;
}

/**
 * Samples `process.memoryUsage().rss` on a timer (every `intervalMs`) and on every {@link sample} call, and keeps
 * the maximum per section. Timers only fire between awaits, so long synchronous loops call `sample()` themselves.
 */
export class RssSampler {
  readonly sections: SectionMemory[] = [];
  private current: { name: string; peak: number; tensors: number; start: number } | undefined;
  private timer: ReturnType<typeof setInterval> | undefined;
  private overall = 0;

  constructor(private readonly intervalMs = 50) {}

  /** Records the current RSS. */
  sample(): void {
    const rss = process.memoryUsage().rss;
    if (rss > this.overall) this.overall = rss;
    if (this.current !== undefined && rss > this.current.peak) this.current.peak = rss;
  }

  /** Runs `body` as section `name`, recording its peak RSS, its tensors before/after and its time. */
  async section<T>(name: string, body: () => Promise<T>): Promise<T> {
    const outer = this.current;
    this.current = { name, peak: 0, tensors: tf.memory().numTensors, start: performance.now() };
    this.timer ??= setInterval(() => this.sample(), this.intervalMs);
    this.sample();
    try {
      return await body();
    } finally {
      this.sample();
      const done = this.current;
      this.sections.push({
        section: name,
        peakRssMB: Math.round(done.peak / 1e6),
        tensorsBefore: done.tensors,
        tensorsAfter: tf.memory().numTensors,
        seconds: (performance.now() - done.start) / 1000,
      });
      this.current = outer;
      if (outer !== undefined && done.peak > outer.peak) outer.peak = done.peak;
    }
  }

  /** Highest RSS seen so far, in MB. */
  peakRssMB(): number {
    this.sample();
    return Math.round(this.overall / 1e6);
  }

  /** Stops the timer. */
  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }
}
