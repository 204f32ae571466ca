// The streaming read of imdb.npz (zlib piece by piece into a resumable pickle reader) against the whole-buffer
// read it replaces: the same values and the same errors, wherever the pieces are cut.
import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { createUnpickler, PyList, type RawPickle, unpickle } from '../src/_pickle.js';
import { crc32, inflateRaw, inflateRawStream } from '../src/_platform.node.js';
import { NpzArchive } from '../src/_source.js';
import { imdb } from '../src/index.js';
import { expected, fixtureBytes } from './_helpers.js';
import {
  billionLaughs,
  deepList,
  fakeImdbMembers,
  fakeImdbWith,
  npy,
  objectArrayPickle,
  type ZipMember,
  zip,
} from './_hostile.js';

/** The pickle of an `.npy` file (v1 header). */
const payloadOf = (file: Uint8Array): Uint8Array => {
  const headerLength = file[8]! | (file[9]! << 8);
  return file.subarray(10 + headerLength);
};

/** A reader's result as plain data, or its error as code and message (everything a caller can see). */
type Outcome = { value: string } | { code: string; message: string };

const plain = (raw: RawPickle): string =>
  JSON.stringify(raw.value, (_, v: unknown) => {
    if (v instanceof PyList) {
      return v.items ?? { ints: Array.from(raw.arena.subarray(v.start, v.start + v.length)) };
    }
    if (typeof v === 'bigint') return `${v}n`;
    if (v instanceof Uint8Array) return Array.from(v);
    return v;
  });

const outcome = (read: () => RawPickle): Outcome => {
  try {
    return { value: plain(read()) };
  } catch (e) {
    const error = e as { code: string; message: string };
    return { code: error.code, message: error.message };
  }
};

const whole = (bytes: Uint8Array): Outcome => outcome(() => unpickle(bytes, 'p.pkl'));

/** Pushes `bytes` in pieces of `size` (each its own buffer, as zlib gives them). */
const streamed = (bytes: Uint8Array, size: number, total = bytes.length): Outcome =>
  outcome(() => {
    const reader = createUnpickler(total, 'p.pkl');
    for (let at = 0; at < bytes.length; at += size) reader.push(bytes.slice(at, at + size));
    return reader.end();
  });

const SIZES = [1, 2, 3, 5, 7, 64, 1000, 4097];

const members = fakeImdbMembers();
const honest = [
  ['x_train', payloadOf(members.get('x_train.npy')!)],
  ['x_test', payloadOf(members.get('x_test.npy')!)],
] as const;
const hostileFiles = [
  'hostile_os_system.npy',
  'hostile_builtins_eval.npy',
  'hostile_huge_length.npy',
  'hostile_newobj.npy',
];

describe('the resumable pickle reader', () => {
  it.each(honest)('reads %s the same in pieces of any size', (_, bytes) => {
    const want = whole(bytes);
    expect(want).toHaveProperty('value');
    for (const size of SIZES) expect(streamed(bytes, size)).toEqual(want);
  });

  it.each(hostileFiles)('refuses %s with the same error, in pieces of any size', (file) => {
    const bytes = payloadOf(fixtureBytes(file));
    const want = whole(bytes);
    expect(want).toHaveProperty('code');
    for (const size of SIZES) expect(streamed(bytes, size)).toEqual(want);
  });

  it('stops the bounded-size bombs the same way in pieces', () => {
    for (const bomb of [billionLaughs(), deepList(5000)]) {
      const bytes = payloadOf(bomb);
      const want = whole(bytes);
      expect(want).toMatchObject({ code: 'PICKLE_LIMIT' });
      for (const size of [1, 7, 4097]) expect(streamed(bytes, size)).toEqual(want);
    }
  });

  it('gives the error of the cut bytes when the stream ends anywhere, mid-opcode included', () => {
    // every cut of a small honest pickle: strings, ints, a memo, an int batch, BUILD
    const ops = [
      0x5d, 0x28, 0x5d, 0x71, 0, 0x28, 0x4b, 1, 0x4d, 0x10, 0x27, 0x4a, 1, 2, 3, 4, 0x65, 0x68, 0, 0x65,
    ];
    const bytes = objectArrayPickle(2, ops);
    expect(whole(bytes)).toHaveProperty('value');
    for (let cut = 0; cut < bytes.length; cut++) {
      const part = bytes.subarray(0, cut);
      const want = whole(part);
      expect(want).toHaveProperty('code');
      for (const size of [1, 2, 3, 11]) expect(streamed(part, size)).toEqual(want);
    }
  });

  it('checks a declared length against the whole pickle before its bytes arrive', () => {
    // BINUNICODE declaring 1 GB in a pickle of 20 bytes: refused at once, not waited for
    const bytes = Uint8Array.from([0x80, 3, 0x58, 0, 0, 0, 0x40, 0x2e, ...new Array(12).fill(0x2e)]);
    const want = whole(bytes);
    expect(want).toMatchObject({
      code: 'UNSAFE_PICKLE',
      message: expect.stringContaining('declares a length'),
    });
    const reader = createUnpickler(bytes.length, 'p.pkl');
    expect(() => reader.push(bytes.slice(0, 7))).toThrow(
      /declares a length of 1073741824 bytes but only 13 remain/,
    );
  });

  it('reads a long int batch cut by pieces once, and a long string cut many times', () => {
    const n = 40_000; // one APPENDS of 40,000 ints (numpy writes 1000), longer than a piece is scanned again
    const batch = [0x5d, 0x5d, 0x28];
    for (let i = 0; i < n; i++) batch.push(0x4d, i & 0xff, (i >> 8) & 0xff);
    batch.push(0x65, 0x61);
    const ints = objectArrayPickle(1, batch);
    const text = 'é'.repeat(100_000);
    const utf8 = new TextEncoder().encode(text);
    const str = Uint8Array.from([
      0x80,
      3,
      0x58,
      ...[0, 1, 2, 3].map((k) => (utf8.length >> (8 * k)) & 0xff),
      ...utf8,
      0x2e,
    ]);
    for (const bytes of [ints, str]) {
      const want = whole(bytes);
      expect(want).toHaveProperty('value');
      for (const size of [3, 1000, 65536]) expect(streamed(bytes, size)).toEqual(want);
    }
  });

  it('hands each list to the sink as in a whole-buffer read', () => {
    const [, bytes] = honest[0];
    const sinkRead = (pieces: number): unknown[] => {
      const seen: number[][] = [];
      const reader = createUnpickler(bytes.length, 'p.pkl', {}, (ints) => seen.push(Array.from(ints)));
      for (let at = 0; at < bytes.length; at += pieces) reader.push(bytes.slice(at, at + pieces));
      reader.end();
      return seen;
    };
    const want: number[][] = [];
    unpickle(bytes, 'p.pkl', {}, (ints) => want.push(Array.from(ints)));
    expect(want).toEqual(expected.raw.x_train.filter((r) => r.length > 0));
    for (const size of [1, 5, 333]) expect(sinkRead(size)).toEqual(want);
  });
});

describe('npz members read while they inflate', () => {
  const archives = (bytes: Uint8Array) => ({
    streaming: new NpzArchive(bytes, 'a.npz', inflateRaw, {}, crc32, inflateRawStream),
    whole: new NpzArchive(bytes, 'a.npz', inflateRaw, {}, crc32),
  });
  const settle = async (read: () => Promise<unknown>): Promise<unknown> => {
    try {
      return { value: await read() };
    } catch (e) {
      const error = e as { code: string; message: string };
      return { code: error.code, message: error.message };
    }
  };
  /** Both ways of reading each x member of `bytes`, packed and through a sink: equal outcomes. */
  const same = async (bytes: Uint8Array): Promise<unknown> => {
    const outcomes = [];
    for (const key of ['x_train', 'x_test']) {
      const { streaming, whole } = archives(bytes);
      const want = await settle(async () => whole.intListsOf(await whole.bytes(key)));
      expect(await settle(() => streaming.intListsStreamed(key))).toEqual(want);
      const sink = (ints: Int32Array) => Array.from(ints);
      const { streaming: s2, whole: w2 } = archives(bytes);
      const wantSink = await settle(async () => w2.intListsInto(await w2.bytes(key), sink));
      expect(await settle(() => s2.intListsStreamedInto(key, sink))).toEqual(wantSink);
      outcomes.push(want);
    }
    return outcomes;
  };

  it('gives the same packed ids and sink results for deflated, stored and every-protocol archives', async () => {
    for (const file of ['fake_imdb.npz', 'fake_imdb_stored.npz', 'fake_imdb_protocols.npz']) {
      const [train] = (await same(fixtureBytes(file))) as [{ value: unknown }];
      expect(train).toHaveProperty('value');
    }
  });

  it('reports a corrupt member as BAD_ZIP even when its bytes also break the pickle reader', async () => {
    const hostile = fixtureBytes('hostile_os_system.npy');
    const withHostile = (member: ZipMember) =>
      zip([...[...members].map(([name, data]) => (name === 'x_train.npy' ? member : { name, data }))]);
    // the honest archive: the pickle error itself
    const [honestTrain] = (await same(withHostile({ name: 'x_train.npy', data: hostile }))) as [unknown];
    expect(honestTrain).toMatchObject({ code: 'UNSAFE_PICKLE' });
    // the same bytes under a wrong CRC: the reader fails first (UNSAFE_PICKLE), the archive's error wins
    const raw = { size: hostile.length, crc: (crc32(hostile) ^ 1) >>> 0 };
    const [train] = (await same(
      withHostile({ name: 'x_train.npy', data: deflateRawSync(hostile), raw }),
    )) as [unknown];
    expect(train).toMatchObject({ code: 'BAD_ZIP', message: expect.stringContaining('CRC-32') });
  });

  it('reports the x_train error first when both x members fail (they are read at once)', async () => {
    const hostile = fixtureBytes('hostile_os_system.npy');
    const x = members.get('x_test.npy')!;
    const bytes = zip([
      ...[...members].map(([name, data]) =>
        name === 'x_train.npy'
          ? { name, data: hostile }
          : name === 'x_test.npy'
            ? { name, data: deflateRawSync(x).subarray(0, 50), raw: { size: x.length, crc: 0 } }
            : { name, data },
      ),
    ]);
    for (const load of [imdb.loadData, imdb.loadDataPacked]) {
      await expect(load({ path: bytes })).rejects.toMatchObject({
        code: 'UNSAFE_PICKLE',
        message: expect.stringContaining('x_train.npy: pickle refused: global os.system'),
      });
    }
  });

  it('refuses a member that inflates to less or more than it declares, or does not inflate', async () => {
    const x = members.get('x_train.npy')!;
    const cases = [
      { name: 'x_train.npy', data: deflateRawSync(x), raw: { size: x.length + 10, crc: crc32(x) } },
      { name: 'x_train.npy', data: deflateRawSync(x), raw: { size: x.length - 10, crc: crc32(x) } },
      {
        name: 'x_train.npy',
        data: deflateRawSync(x).subarray(0, 100),
        raw: { size: x.length, crc: crc32(x) },
      },
      {
        name: 'x_train.npy',
        data: deflateRawSync(x).map((b, i) => (i > 20 && i < 60 ? 0xff : b)),
        raw: { size: x.length, crc: crc32(x) },
      },
    ];
    for (const member of cases) {
      const bytes = zip([
        ...[...members].filter(([name]) => name !== 'x_train.npy').map(([name, data]) => ({ name, data })),
        member,
      ]);
      const [train] = (await same(bytes)) as [unknown];
      expect(train).toMatchObject({ code: 'BAD_ZIP' });
      await expect(imdb.loadData({ path: bytes })).rejects.toMatchObject({ code: 'BAD_ZIP' });
      await expect(imdb.loadDataPacked({ path: bytes })).rejects.toMatchObject({ code: 'BAD_ZIP' });
    }
  });

  it('gives the whole-buffer errors for empty, cut and non-object members, stored or deflated', async () => {
    const x = members.get('x_train.npy')!;
    const numeric = npy('<i8', [2], new Uint8Array(16));
    for (const data of [new Uint8Array(0), x.subarray(0, 5), x.subarray(0, 11), x.subarray(0, 80), numeric]) {
      for (const method of [0, 8] as const) {
        const bytes = zip([
          ...[...members].map(([name, d]) =>
            name === 'x_train.npy' ? { name, data, method } : { name, data: d },
          ),
        ]);
        const [train] = (await same(bytes)) as [unknown];
        expect(train).toHaveProperty('code');
      }
    }
  });

  it('reads a pickle that reuses a list again from the whole member, with the same result', async () => {
    const raw = expected.raw.x_train;
    const ops: number[] = [0x5d, 0x28];
    raw.forEach((review, i) => {
      if (i === 1) ops.push(0x68, 0);
      else {
        ops.push(0x5d, ...(i === 0 ? [0x71, 0] : []), 0x28);
        for (const w of review) ops.push(0x4b, w);
        ops.push(0x65);
      }
    });
    ops.push(0x65);
    const bytes = fakeImdbWith({
      'x_train.npy': npy('|O', [raw.length], objectArrayPickle(raw.length, ops)),
    });
    const [train] = (await same(bytes)) as [unknown];
    expect(train).toHaveProperty('value');
  });
});
