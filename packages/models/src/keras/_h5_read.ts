import type * as H5 from 'h5wasm';
import { ModelsError } from '../errors.js';

/** What a reader may allocate: the declared size of one dataset, and of all datasets read, in bytes. */
export interface H5Limits {
  maxDatasetBytes: number;
  maxTotalBytes: number;
}

/** A float dataset read as float32, row-major. */
export interface H5Array {
  shape: number[];
  values: Float32Array;
}

type H5Module = typeof H5;

const SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];
let engine: Promise<H5Module> | undefined;
let fileCounter = 0;

/** h5wasm, loaded on first use (its module compiles a 4 MB WebAssembly HDF5 library), errors thrown not printed. */
function loadEngine(): Promise<H5Module> {
  engine ??= import('h5wasm').then(async (h5) => {
    const module = await h5.ready;
    module.activate_throwing_error_handler();
    return h5;
  });
  return engine;
}

/** Whether `bytes` carry the HDF5 signature where the format allows it: offset 0, 512, 1024, 2048, … */
export function isHdf5(bytes: Uint8Array): boolean {
  for (let offset = 0; offset + SIGNATURE.length <= bytes.length; offset = offset === 0 ? 512 : offset * 2) {
    if (SIGNATURE.every((b, i) => bytes[offset + i] === b)) return true;
  }
  return false;
}

function malformed(what: string, message: string, cause?: unknown): ModelsError {
  return new ModelsError(
    'KERAS_MALFORMED',
    `${what}: ${message}`,
    cause === undefined ? undefined : { cause },
  );
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const lines = text.split('\n').map((line) => line.trim());
  // HDF5's error stack: the innermost entry says what was wrong ("truncated file: eof = …").
  const entries = lines.filter((line) => /^#\d+:/.test(line));
  return (entries.at(-1) ?? lines[0] ?? text).replace(/^#\d+:\s*\S+ line \d+ in /, '');
}

/**
 * A read-only view of an HDF5 file held in memory, through h5wasm (the HDF5 C library compiled to WebAssembly;
 * works in Node and the browser). The bytes go into h5wasm's in-memory file system and are removed on
 * {@link close}. Every dataset's declared size is checked against {@link H5Limits} before it is read, and only
 * groups, datasets and their attributes are followed (no external links, no virtual datasets).
 */
export class H5Reader {
  private totalBytes = 0;

  private constructor(
    private readonly h5: H5Module,
    private readonly file: H5.File,
    private readonly fsPath: string,
    /** What the file is, for error messages (`"model.h5"`, `"model.weights.h5 in x.keras"`). */
    readonly label: string,
    private readonly limits: H5Limits,
  ) {}

  static async open(bytes: Uint8Array, label: string, limits: H5Limits): Promise<H5Reader> {
    if (!isHdf5(bytes)) {
      throw malformed(
        label,
        `expected an HDF5 file (signature \\x89HDF\\r\\n\\x1a\\n), got ${describe(bytes)}.`,
      );
    }
    const h5 = await loadEngine();
    const FS = h5.FS!;
    const fsPath = `/seqlab-keras-${++fileCounter}.h5`;
    FS.writeFile(fsPath, bytes);
    try {
      const file = new h5.File(fsPath, 'r');
      if (file.file_id < 0n) throw new Error('H5Fopen failed');
      return new H5Reader(h5, file, fsPath, label, limits);
    } catch (cause) {
      FS.unlink(fsPath);
      throw malformed(label, `not a readable HDF5 file (truncated or corrupt): ${firstLine(cause)}.`, cause);
    }
  }

  /** Closes the file and removes its bytes from h5wasm's file system. */
  close(): void {
    try {
      this.file.close();
    } catch {
      // closing a file HDF5 could not fully read must not hide the error that got us here
    }
    try {
      this.h5.FS!.unlink(this.fsPath);
    } catch {
      // already gone
    }
  }

  private entity(path: string): H5.Group | H5.Dataset | null {
    let entity: ReturnType<H5.File['get']>;
    try {
      entity = path === '' || path === '/' ? this.file : this.file.get(path);
    } catch (cause) {
      throw malformed(this.label, `cannot read ${JSON.stringify(path)}: ${firstLine(cause)}.`, cause);
    }
    if (entity instanceof this.h5.Group || entity instanceof this.h5.Dataset) return entity;
    if (entity == null) return null;
    throw malformed(
      this.label,
      `${JSON.stringify(path)} must be a group or a dataset, got ${(entity as { constructor: { name: string } }).constructor.name}.`,
    );
  }

  /** Whether `path` names a group. */
  isGroup(path: string): boolean {
    return this.entity(path) instanceof this.h5.Group;
  }

  /** Whether `path` names a dataset. */
  isDataset(path: string): boolean {
    return this.entity(path) instanceof this.h5.Dataset;
  }

  /** The members of the group at `path` (empty when there is no such group). */
  keys(path: string): string[] {
    const entity = this.entity(path);
    if (!(entity instanceof this.h5.Group)) return [];
    try {
      return entity.keys();
    } catch (cause) {
      throw malformed(this.label, `cannot list ${JSON.stringify(path)}: ${firstLine(cause)}.`, cause);
    }
  }

  /** An attribute of the object at `path` as JSON-like data (strings, numbers, arrays), or `undefined`. */
  attr(path: string, name: string): unknown {
    const entity = this.entity(path);
    if (entity === null) return undefined;
    try {
      const attrs = entity.attrs;
      if (!Object.hasOwn(attrs, name)) return undefined;
      const attribute = attrs[name]!;
      const size = (attribute.metadata.total_size ?? 0) * (attribute.metadata.size ?? 0);
      if (size > this.limits.maxDatasetBytes) {
        throw malformed(this.label, `attribute ${name} of ${JSON.stringify(path)} declares ${size} bytes.`);
      }
      return attribute.json_value;
    } catch (cause) {
      if (cause instanceof ModelsError) throw cause;
      throw malformed(
        this.label,
        `cannot read attribute ${name} of ${JSON.stringify(path)}: ${firstLine(cause)}.`,
        cause,
      );
    }
  }

  /** A float dataset as float32; its declared size is checked before anything is read. */
  readFloat(path: string): H5Array {
    const entity = this.entity(path);
    if (!(entity instanceof this.h5.Dataset)) {
      throw malformed(
        this.label,
        `expected a dataset at ${JSON.stringify(path)}, got ${entity === null ? 'nothing' : 'a group'}.`,
      );
    }
    let meta: H5.Metadata;
    try {
      meta = entity.metadata;
    } catch (cause) {
      throw malformed(
        this.label,
        `cannot read the header of ${JSON.stringify(path)}: ${firstLine(cause)}.`,
        cause,
      );
    }
    const shape = meta.shape ?? [];
    if (meta.virtual_sources !== undefined && meta.virtual_sources.length > 0) {
      throw malformed(
        this.label,
        `${JSON.stringify(path)} is a virtual dataset (it points into other files).`,
      );
    }
    // H5T_FLOAT is class 1; Keras writes float32 (float64 and float16 are converted).
    if (meta.type !== 1 || ![2, 4, 8].includes(meta.size)) {
      throw malformed(
        this.label,
        `expected a float dataset at ${JSON.stringify(path)}, got HDF5 type class ${meta.type} of ${meta.size} bytes.`,
      );
    }
    const count = shape.reduce((a, b) => a * b, 1);
    const bytes = count * meta.size;
    if (bytes > this.limits.maxDatasetBytes || this.totalBytes + bytes > this.limits.maxTotalBytes) {
      throw new ModelsError(
        'KERAS_MALFORMED',
        `${this.label}: dataset ${JSON.stringify(path)} declares shape [${shape.join(', ')}] (${bytes} bytes); ` +
          `expected at most ${this.limits.maxDatasetBytes} bytes per dataset and ${this.limits.maxTotalBytes} in ` +
          `all (${this.totalBytes} read so far). Raise maxWeightBytes to read larger models.`,
      );
    }
    this.totalBytes += bytes;
    let value: unknown;
    try {
      value = entity.value;
    } catch (cause) {
      throw malformed(this.label, `cannot read dataset ${JSON.stringify(path)}: ${firstLine(cause)}.`, cause);
    }
    let values: Float32Array;
    if (value instanceof Float32Array) values = value;
    else if (value instanceof Float64Array || (ArrayBuffer.isView(value) && !(value instanceof DataView))) {
      values = Float32Array.from(value as unknown as ArrayLike<number>);
    } else if (typeof value === 'number') values = Float32Array.of(value);
    else throw malformed(this.label, `dataset ${JSON.stringify(path)} did not read as numbers.`);
    if (values.length !== count) {
      throw malformed(
        this.label,
        `dataset ${JSON.stringify(path)} read ${values.length} values, declared ${count}.`,
      );
    }
    return { shape, values };
  }
}

function describe(bytes: Uint8Array): string {
  if (bytes.length === 0) return 'an empty file';
  const head = Array.from(bytes.subarray(0, 8), (b) => b.toString(16).padStart(2, '0')).join(' ');
  return `${bytes.length} bytes starting ${head}`;
}
