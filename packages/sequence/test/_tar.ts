import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

/** Reads the regular files of a .tar.gz whose names pass `keep` (ustar, pax and GNU long names). */
export function readTarGz(path: string, keep: (name: string) => boolean): Map<string, string> {
  const tar = gunzipSync(readFileSync(path));
  const out = new Map<string, string>();
  const decoder = new TextDecoder();
  const field = (off: number, len: number) => {
    const raw = tar.subarray(off, off + len);
    const end = raw.indexOf(0);
    return decoder.decode(end === -1 ? raw : raw.subarray(0, end));
  };
  let offset = 0;
  let longName: string | undefined;
  while (offset + 512 <= tar.length) {
    if (tar[offset] === 0) break;
    const size = Number.parseInt(field(offset + 124, 12).trim() || '0', 8);
    const type = String.fromCharCode(tar[offset + 156]!);
    const prefix = field(offset + 345, 155);
    let name = longName ?? (prefix ? `${prefix}/${field(offset, 100)}` : field(offset, 100));
    longName = undefined;
    const body = tar.subarray(offset + 512, offset + 512 + size);
    if (type === 'L') longName = decoder.decode(body).replace(/\0+$/, '');
    else if (type === 'x') {
      const match = /\d+ path=([^\n]*)\n/.exec(decoder.decode(body));
      if (match) longName = match[1];
    } else if ((type === '0' || type === '\0') && keep(name)) out.set(name, decoder.decode(body));
    name = '';
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  return out;
}
