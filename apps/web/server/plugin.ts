import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Connect, Plugin } from 'vite';

/** The files the app asks the server for, by URL path. */
export const DATA_FILES: Readonly<Record<string, { file: string; type: string }>> = {
  '/data/imdb.npz': { file: 'imdb.npz', type: 'application/octet-stream' },
  '/data/imdb_word_index.json': { file: 'imdb_word_index.json', type: 'application/json' },
};

/** Headers that make the page cross-origin isolated, so the threaded-SIMD wasm binary can run. */
export const ISOLATION_HEADERS: Readonly<Record<string, string>> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/** Where the data is looked for, in order: `SEQLAB_DATA_DIR`, `$KERAS_HOME/datasets`, `~/.keras/datasets`. */
export function dataDirs(env: NodeJS.ProcessEnv = process.env, home: string = homedir()): string[] {
  const dirs: string[] = [];
  if (env['SEQLAB_DATA_DIR']) dirs.push(env['SEQLAB_DATA_DIR']);
  if (env['KERAS_HOME']) dirs.push(join(env['KERAS_HOME'], 'datasets'));
  dirs.push(join(home, '.keras', 'datasets'));
  return dirs;
}

/** The first existing regular file `name` in `dirs`, with its size, or undefined. */
export async function findDataFile(
  name: string,
  dirs: readonly string[],
): Promise<{ path: string; size: number } | undefined> {
  for (const dir of dirs) {
    const path = join(dir, name);
    try {
      const s = await stat(path);
      if (s.isFile()) return { path, size: s.size };
    } catch {
      // not in this folder: try the next
    }
  }
  return undefined;
}

/** Connect middleware: isolation headers on every response, `/data/*` from the data folders. */
export function seqlabMiddleware(
  dirs: () => readonly string[] = () => dataDirs(),
): Connect.NextHandleFunction {
  return (req: IncomingMessage, res: ServerResponse, next: Connect.NextFunction) => {
    for (const [name, value] of Object.entries(ISOLATION_HEADERS)) res.setHeader(name, value);
    const path = (req.url ?? '').split('?')[0] ?? '';
    const entry = DATA_FILES[path];
    if (entry === undefined) {
      next();
      return;
    }
    const searched = dirs();
    findDataFile(entry.file, searched).then(
      (found) => {
        if (found === undefined) {
          res.statusCode = 404;
          res.setHeader('Content-Type', 'application/json');
          res.end(
            JSON.stringify({
              error: 'NOT_FOUND',
              message: `${entry.file} is not on this server: looked in ${searched.join(', ')}. Set SEQLAB_DATA_DIR to a folder holding it.`,
            }),
          );
          return;
        }
        res.statusCode = 200;
        res.setHeader('Content-Type', entry.type);
        res.setHeader('Content-Length', String(found.size));
        res.setHeader('Cache-Control', 'no-cache');
        if (req.method === 'HEAD') {
          res.end();
          return;
        }
        createReadStream(found.path).pipe(res);
      },
      (error: unknown) => next(error),
    );
  };
}

/**
 * The dev and preview servers' seqlab behaviour: COOP/COEP on every response (threaded wasm) and the IMDB files
 * under `/data/` from `SEQLAB_DATA_DIR` or the Keras cache, 404 with a JSON error when absent.
 */
export function seqlabServer(): Plugin {
  return {
    name: 'seqlab-server',
    configureServer(server) {
      server.middlewares.use(seqlabMiddleware());
    },
    configurePreviewServer(server) {
      server.middlewares.use(seqlabMiddleware());
    },
  };
}
