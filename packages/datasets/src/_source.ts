import { DatasetError } from './_errors.js';
import {
  type NpyArray,
  type PackedIntLists,
  type ReadNpyOptions,
  readNpy,
  readNpyIntLists,
  readNpyIntListsInto,
  streamNpyIntLists,
  streamNpyIntListsInto,
} from './_npy.js';
import {
  type Checksum,
  crc32,
  extractZipEntry,
  type InflateRaw,
  type InflateRawStream,
  readZip,
  type ZipEntry,
  ZipMemberStream,
} from './_zip.js';

/** Where a dataset file comes from: a path (Node) or URL (browser), or the file's bytes. */
export type DataSource = string | Uint8Array | ArrayBuffer | Blob;

/** What a loader knows about the official copy of a file. */
export interface SourceSpec {
  readonly origin: string;
  readonly fileHash: string;
  /** Other local names the same content may have (e.g. a trimmed archive). */
  readonly alternatives?: readonly string[];
}

/** Progress of a download. `total` is `undefined` when the server sends no length. */
export interface DownloadProgress {
  readonly url: string;
  readonly loaded: number;
  readonly total: number | undefined;
}

/** Options of `getFile`, Keras' `get_file` arguments in camelCase. */
export interface GetFileOptions {
  /** The URL to download from when the file is not cached. */
  origin: string;
  /** Expected sha256 (64 hex digits) or md5 (32) of the file; checked after download and on cached files. */
  fileHash?: string;
  /** Cache root. @default `SEQLAB_DATA_DIR`, else `$KERAS_HOME`, else `~/.keras` */
  cacheDir?: string;
  /** Folder under `cacheDir` (not used with `SEQLAB_DATA_DIR`, which holds the files directly). @default 'datasets' */
  cacheSubdir?: string;
  /** Unpack a `.tar.gz`/`.tgz`/`.tar`/`.zip` next to it and return the folder (`<file>_extracted`). @default false */
  extract?: boolean;
  /** Download again even if a cached copy exists. @default false */
  forceDownload?: boolean;
  /** Called as bytes arrive. */
  onProgress?: (progress: DownloadProgress) => void;
}

/** Options of `readNpz` / `openNpz`: a cap on each member's size, and the pickle limits of `readNpy`. */
export interface NpzOptions extends ReadNpyOptions {
  /** A member whose declared (uncompressed) size is larger is refused before it is inflated. @default 2 ** 30 */
  maxMemberBytes?: number;
}

export const DEFAULT_MAX_MEMBER_BYTES: number = 2 ** 30;

/** An open `.npz` archive (numpy's `NpzFile`): its keys, and each member read only when asked for. */
export interface NpzFile {
  /** Member names without `.npy`, in archive order. */
  readonly keys: readonly string[];
  /** Inflates and reads one member. */
  get(key: string): Promise<NpyArray>;
}

/** An `.npz` read lazily: the central directory at once, each member inflated only when asked for. */
export class NpzArchive implements NpzFile {
  readonly keys: readonly string[];
  private readonly entries = new Map<string, ZipEntry>();

  constructor(
    bytes: Uint8Array,
    readonly file: string,
    private readonly inflateRaw: InflateRaw,
    private readonly options: NpzOptions = {},
    private readonly checksum: Checksum = crc32,
    /** Inflates a member piece by piece (Node: zlib on the thread pool); without it members inflate whole. */
    private readonly inflateRawStream: InflateRawStream | undefined = undefined,
  ) {
    for (const entry of readZip(bytes, file)) {
      const key = entry.name.endsWith('.npy') ? entry.name.slice(0, -4) : entry.name;
      this.entries.delete(key); // a repeated name: the last one wins, as in Python's zipfile
      this.entries.set(key, entry);
    }
    this.keys = [...this.entries.keys()];
  }

  /**
   * The member's bytes, inflated after its declared size passed `maxMemberBytes`. `release` forgets the member
   * afterwards, so once every member is released the archive's bytes can be collected.
   */
  async bytes(key: string, release = false): Promise<{ bytes: Uint8Array; name: string }> {
    const entry = this.entry(key, release);
    return {
      bytes: await extractZipEntry(entry, this.inflateRaw, this.file, this.checksum),
      name: `${this.file}:${entry.name}`,
    };
  }

  /** The member's entry, after its declared size passed `maxMemberBytes`; `release` forgets it. */
  private entry(key: string, release: boolean): ZipEntry {
    const entry = this.entries.get(key);
    if (entry === undefined) {
      const shown = this.keys.slice(0, 10).join(', ') + (this.keys.length > 10 ? ', …' : '');
      throw new DatasetError('NOT_FOUND', `no member ${key}.npy; the archive holds ${shown || 'nothing'}`, {
        file: this.file,
      });
    }
    const cap = this.options.maxMemberBytes ?? DEFAULT_MAX_MEMBER_BYTES;
    if (entry.uncompressedSize > cap) {
      throw new DatasetError(
        'SIZE_LIMIT',
        `member ${entry.name} declares ${entry.uncompressedSize} bytes; expected at most maxMemberBytes = ${cap} (nothing was inflated)`,
        { file: this.file },
      );
    }
    if (release) this.entries.delete(key);
    return entry;
  }

  async get(key: string, release = false): Promise<NpyArray> {
    const { bytes, name } = await this.bytes(key, release);
    return readNpy(bytes, name, this.options);
  }

  /** A 1-D object array of int lists, packed (see `readNpyIntLists`). */
  async intLists(key: string, release = false): Promise<PackedIntLists> {
    return this.intListsOf(await this.bytes(key, release));
  }

  intListsOf(member: { bytes: Uint8Array; name: string }): PackedIntLists {
    return readNpyIntLists(member.bytes, member.name, this.options);
  }

  /** A 1-D object array of int lists, each list handed to `sink` as it is read (see `readNpyIntListsInto`). */
  intListsInto<T>(member: { bytes: Uint8Array; name: string }, sink: (ints: Int32Array) => T): T[] {
    return readNpyIntListsInto(member.bytes, member.name, sink, this.options);
  }

  /**
   * {@link intLists} read while the member inflates (no buffer of the whole member), where the platform can
   * stream; the same result and the same errors.
   */
  async intListsStreamed(key: string, release = false): Promise<PackedIntLists> {
    if (this.inflateRawStream === undefined) return this.intListsOf(await this.bytes(key, release));
    const entry = this.entry(key, release);
    const name = `${this.file}:${entry.name}`;
    return await streamNpyIntLists(this.streamOf(entry), name, this.options);
  }

  /** {@link intListsInto} read while the member inflates, where the platform can stream. */
  async intListsStreamedInto<T>(key: string, sink: (ints: Int32Array) => T, release = false): Promise<T[]> {
    if (this.inflateRawStream === undefined) return this.intListsInto(await this.bytes(key, release), sink);
    const entry = this.entry(key, release);
    const name = `${this.file}:${entry.name}`;
    const whole = () => extractZipEntry(entry, this.inflateRaw, this.file, this.checksum);
    return await streamNpyIntListsInto(this.streamOf(entry), name, sink, whole, this.options);
  }

  private streamOf(entry: ZipEntry): ZipMemberStream {
    return new ZipMemberStream(entry, this.file, this.inflateRawStream!, this.checksum);
  }
}

/** Reads every `.npy` member of an `.npz` archive, one after the other, keyed like numpy's `NpzFile`. */
export async function readNpzWith(
  bytes: Uint8Array,
  file: string,
  inflateRaw: InflateRaw,
  options: NpzOptions = {},
  checksum: Checksum = crc32,
): Promise<Record<string, NpyArray>> {
  const npz = new NpzArchive(bytes, file, inflateRaw, options, checksum);
  const out: Record<string, NpyArray> = {};
  for (const key of npz.keys) out[key] = await npz.get(key);
  return out;
}

/** Which hash algorithm a Keras `file_hash` names: sha256 for 64 hex digits, md5 otherwise. */
export function hashAlgorithm(hash: string): 'sha256' | 'md5' {
  return hash.length === 64 ? 'sha256' : 'md5';
}

export function hashMismatch(
  file: string,
  algorithm: string,
  expected: string,
  received: string,
): DatasetError {
  return new DatasetError(
    'HASH_MISMATCH',
    `${algorithm} is ${received}; expected ${expected}. The file is corrupt or not the official one; nothing was kept`,
    { file },
  );
}

export function offlineError(url: string, target: string, cause: unknown): DatasetError {
  const reason =
    cause instanceof Error ? ((cause.cause as Error | undefined)?.message ?? cause.message) : String(cause);
  return new DatasetError(
    'DOWNLOAD_FAILED',
    `could not download ${url} (${reason}). Without network access, download it elsewhere and put it at ${target}, ` +
      'or set SEQLAB_DATA_DIR to a folder holding it, or pass its path or bytes as `path`',
    { file: url, cause },
  );
}
