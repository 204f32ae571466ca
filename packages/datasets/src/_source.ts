import { DatasetError } from './_errors.js';
import { type NpyArray, readNpy } from './_npy.js';
import { extractZipEntry, type InflateRaw, readZip } from './_zip.js';

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

/** Reads every `.npy` member of an `.npz` archive, keyed by name without `.npy` (numpy `NpzFile` keys). */
export async function readNpzWith(
  bytes: Uint8Array,
  file: string,
  inflateRaw: InflateRaw,
): Promise<Record<string, NpyArray>> {
  const entries = readZip(bytes, file);
  const out: Record<string, NpyArray> = {};
  const raw = await Promise.all(entries.map((e) => extractZipEntry(e, inflateRaw, file)));
  entries.forEach((entry, i) => {
    const key = entry.name.endsWith('.npy') ? entry.name.slice(0, -4) : entry.name;
    out[key] = readNpy(raw[i]!, `${file}:${entry.name}`);
  });
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
