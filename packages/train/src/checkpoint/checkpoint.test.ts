import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fc, test } from '@fast-check/vitest';
import { key, mul, type Tensor, treeMap, treePaths } from '@tapenet/autodiff';
import { dense, flatten, serial } from '@tapenet/layers';
import { adam } from '@tapenet/optim';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { tinyConv } from '../../test/fixtures.js';
import { fromTypedArray, writeSafetensorsFile } from '../safetensors/index.js';
import { type CheckpointError, formatCheckpointError } from './errors.js';
import { loadCheckpoint, loadCheckpointOrThrow, saveCheckpoint } from './io.js';
import { CHECKPOINT_FORMAT_1, checksum } from './metadata.js';

const dir = mkdtempSync(join(tmpdir(), 'tapenet-ckpt-'));
const model = tinyConv();
const { params, state } = model.init(key(0), [1, 4, 4]);
const optimizer = adam({ lr: 1e-3 });
const optState = optimizer.init(params);
const meta = { model: { name: 'tiny', config: { classes: 3 } }, epoch: 2, key: key(7), metrics: { accuracy: 0.5 } };

const bytesOf = (t: Tensor): Uint8Array => {
  const d = t.data();
  return new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
};
const sameBits = (a: unknown, b: unknown): void => {
  const pa = treePaths(a);
  const pb = treePaths(b);
  expect(pb.map(([p]) => p)).toEqual(pa.map(([p]) => p));
  pa.forEach(([path, leaf], i) => {
    const other = pb[i]![1];
    if (typeof leaf === 'number') expect(other, path).toBe(leaf);
    else {
      expect((other as Tensor).dtype, path).toBe((leaf as Tensor).dtype);
      expect((other as Tensor).shape, path).toEqual((leaf as Tensor).shape);
      expect(bytesOf(other as Tensor), path).toEqual(bytesOf(leaf as Tensor));
    }
  });
};
const errorOf = async (path: string, template: Parameters<typeof loadCheckpoint>[1]): Promise<CheckpointError> => {
  const r = await loadCheckpoint(path, template);
  if (E.isRight(r)) throw new Error('expected the checkpoint to be refused');
  return r.left;
};

const file = join(dir, 'a.safetensors');
await saveCheckpoint(file, { params, state, optState, meta });
const original = readFileSync(file);

describe('checkpoint round trip', () => {
  it('restores params, state and optimizer state bit for bit, with the metadata', async () => {
    const loaded = await loadCheckpointOrThrow(file, { params, state, optState });
    sameBits(params, loaded.params);
    sameBits(state, loaded.state);
    sameBits(optState, loaded.optState);
    expect(loaded.meta).toMatchObject({ ...meta, version: expect.stringMatching(/^\d+\.\d+\.\d+/) });
  });

  it('writes a state dict by tree path (int32 buffers as I64), the optimizer tensors in a file of their own', async () => {
    const header = (bytes: Buffer) =>
      JSON.parse(bytes.subarray(8, 8 + Number(bytes.readBigUInt64LE(0))).toString('utf8')) as Record<string, unknown>;
    const model = header(original);
    const names = Object.keys(model).filter((k) => k !== '__metadata__');
    const paths = [...treePaths(params), ...treePaths(state)].map(([p]) => p);
    expect(names.sort()).toEqual(paths.sort());
    expect(model['1.num_batches_tracked']).toMatchObject({ dtype: 'I64', shape: [] });
    const loaded = await loadCheckpointOrThrow(file, { params, state });
    expect(loaded.meta.optimizerLeaves).toEqual({ '1.count': 0, '2.count': 0 }); // adam's step counts
    const ref = loaded.meta.optimizerFile!;
    expect(ref.name).toMatch(/^a\.optimizer-[0-9a-f]{16}\.safetensors$/);
    const opt = header(readFileSync(join(dir, ref.name)));
    expect(Object.keys(opt)).toEqual(expect.arrayContaining(['optimizer.1.mu.0.weight', 'optimizer.1.nu.4.bias']));
  });

  it('keeps one optimizer file per checkpoint: a new save removes the files of earlier ones', async () => {
    const path = join(dir, 'again.safetensors');
    const stepped = { ...optState, 1: { ...(optState as { 1: object })[1], count: 5 } };
    await saveCheckpoint(path, { params, state, optState, meta });
    await saveCheckpoint(path, { params: treeMap((t: Tensor) => mul(t, 2), params), state, optState: stepped, meta });
    const files = readdirSync(dir).filter((f) => f.startsWith('again.'));
    expect(files).toHaveLength(2);
    const loaded = await loadCheckpointOrThrow(path, { params, state, optState });
    expect(loaded.meta.optimizerFile!.name).toBe(files.find((f) => f.includes('.optimizer-')));
  });

  it('refuses an optimizer file that is not the one the checkpoint names (hash), naming the file', async () => {
    const path = join(dir, 'swap.safetensors');
    await saveCheckpoint(path, { params, state, optState, meta });
    const { name } = (await loadCheckpointOrThrow(path, { params, state })).meta.optimizerFile!;
    const bytes = readFileSync(join(dir, name));
    bytes[bytes.length - 1]! ^= 0x40;
    writeFileSync(join(dir, name), bytes);
    const e = await errorOf(path, { params, state, optState });
    expect(e.kind).toBe('checksum');
    expect(formatCheckpointError(e)).toContain(join(dir, name));
    // Evaluation does not read the optimizer file at all.
    await expect(loadCheckpointOrThrow(path, { params, state })).resolves.toBeDefined();
  });

  it('loads files of format 1: optimizer tensors in the model file, int32 as I32, digest over data and JSON', async () => {
    const entries = [
      ...[...treePaths(params), ...treePaths(state)].map(([p, t]) =>
        fromTypedArray(p, (t as Tensor).shape, (t as Tensor).data()),
      ),
      ...treePaths(optState)
        .filter(([, t]) => typeof t === 'object')
        .map(([p, t]) => fromTypedArray(`optimizer.${p}`, (t as Tensor).shape, (t as Tensor).data())),
    ];
    const stored = { ...meta, version: '0.1.0', optimizerLeaves: { '1.count': 0, '2.count': 0 } };
    const path = join(dir, 'legacy.safetensors');
    const json = JSON.stringify(stored);
    const sorted = [...entries].sort((a, b) => (a.name < b.name ? -1 : 1));
    await writeSafetensorsFile(path, entries, {
      format: CHECKPOINT_FORMAT_1,
      tapenet: json,
      sha256: checksum(sorted, json),
    });
    const loaded = await loadCheckpointOrThrow(path, { params, state, optState });
    sameBits(params, loaded.params);
    sameBits(state, loaded.state);
    sameBits(optState, loaded.optState);
  });

  it('loads into a model without the optimizer state (evaluation) and leaves no temporary files', async () => {
    const loaded = await loadCheckpointOrThrow(file, { params, state });
    expect(loaded.optState).toBeUndefined();
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('refuses params and state that share a name', async () => {
    await expect(
      saveCheckpoint(join(dir, 'x.safetensors'), { params: { w: params[0] }, state: { w: params[0] }, meta }),
    ).rejects.toThrow(/params and state both have a leaf named "w.bias"/);
  });
});

describe('refusals', () => {
  it('says exactly which tensors differ from the model', async () => {
    const other = serial(flatten, dense(5), dense(3));
    const init = other.init(key(0), [1, 4, 4]);
    const e = await errorOf(file, { params: init.params, state: init.state });
    expect(e.kind).toBe('mismatch');
    const message = formatCheckpointError(e);
    expect(message).toContain(`${file}: does not match the model`);
    expect(message).toContain('"1.weight": shape [3] in the file, the model expects [5, 16]');
    expect(message).toContain('"2.weight" (F32 [3, 5]) is missing from the file');
    expect(message).toContain('"0.weight" (F32 [3, 1, 3, 3]) is in the file but not in the model');
  });

  it('reports a dtype difference', async () => {
    const f64 = model.init(key(0), [1, 4, 4], { dtype: 'float64' });
    const e = await errorOf(file, { params: f64.params, state: state });
    expect(formatCheckpointError(e)).toContain('"0.weight": dtype F32 in the file, the model expects F64');
  });

  it('refuses corrupted tensor data with a checksum message', async () => {
    const bad = Uint8Array.from(original);
    bad[bad.length - 3]! ^= 0x40;
    const path = join(dir, 'corrupt.safetensors');
    writeFileSync(path, bad);
    const e = await errorOf(path, { params, state });
    expect(e.kind).toBe('checksum');
    expect(formatCheckpointError(e)).toMatch(
      /checksum mismatch: the metadata records SHA-256 [0-9a-f]{64} but the file hashes to [0-9a-f]{64}/,
    );
  });

  /** The saved checkpoint with its header rewritten by `edit` (a still valid safetensors file). */
  const withHeader = (
    edit: (h: Record<string, { dtype: string; shape: number[]; data_offsets: number[] }>) => void,
  ) => {
    const n = Number(original.readBigUInt64LE(0));
    const header = JSON.parse(original.subarray(8, 8 + n).toString('utf8'));
    edit(header);
    const text = Buffer.from(JSON.stringify(header), 'utf8');
    const prefix = Buffer.alloc(8);
    prefix.writeBigUInt64LE(BigInt(text.length));
    const path = join(dir, `edited-${Math.random().toString(36).slice(2)}.safetensors`);
    writeFileSync(path, Buffer.concat([prefix, text, original.subarray(8 + n)]));
    return path;
  };

  it.each([
    [
      'swapped offsets of two same-shaped tensors',
      (h: Record<string, { data_offsets: number[] }>) => {
        const a = h['1.running_mean']!;
        const b = h['1.running_var']!;
        [a.data_offsets, b.data_offsets] = [b.data_offsets, a.data_offsets];
      },
    ],
    [
      'a renamed key',
      (h: Record<string, unknown>) => {
        h['0.biaz'] = h['0.bias'];
        delete h['0.bias'];
      },
    ],
    [
      'an edited shape',
      (h: Record<string, { shape: number[] }>) => {
        h['4.weight']!.shape = [48, 3];
      },
    ],
    [
      'an edited dtype',
      (h: Record<string, { dtype: string }>) => {
        h['0.bias']!.dtype = 'I32';
      },
    ],
  ])('refuses %s: the digest covers the header', async (_what, edit) => {
    const e = await errorOf(withHeader(edit as never), { params, state });
    expect(e.kind).toBe('checksum');
  });

  it('refuses a safetensors file that is not a tapenet checkpoint', async () => {
    const path = join(dir, 'plain.safetensors');
    await writeSafetensorsFile(path, [fromTypedArray('w', [1], new Float32Array([1]))], { format: 'pt' });
    const e = await errorOf(path, { params, state });
    expect(e.kind).toBe('not-a-checkpoint');
    expect(formatCheckpointError(e)).toContain('not a tapenet checkpoint');
  });

  it('refuses a missing file and a truncated one through the safetensors reader', async () => {
    expect((await errorOf(join(dir, 'nope.safetensors'), { params, state })).kind).toBe('safetensors');
    const path = join(dir, 'short.safetensors');
    writeFileSync(path, original.subarray(0, original.length - 1));
    const e = await errorOf(path, { params, state });
    expect(e.kind).toBe('safetensors');
    expect(formatCheckpointError(e)).toContain(path);
  });
});

describe('corruption (property tests)', () => {
  const path = join(dir, 'prop.safetensors');
  test.prop([fc.nat({ max: original.length - 1 }), fc.integer({ min: 1, max: 255 })], { numRuns: 120 })(
    'a changed byte is refused, or (harmless padding) loads the very same checkpoint',
    async (at, flip) => {
      const bad = Uint8Array.from(original);
      bad[at]! ^= flip;
      writeFileSync(path, bad);
      const r = await loadCheckpoint(path, { params, state, optState });
      if (E.isRight(r)) {
        sameBits(params, r.right.params);
        sameBits(optState, r.right.optState);
        expect(r.right.meta).toMatchObject(meta);
      }
    },
  );

  test.prop([fc.nat({ max: original.length - 1 })], { numRuns: 40 })('a truncated file is refused', async (n) => {
    writeFileSync(path, original.subarray(0, n));
    expect(E.isLeft(await loadCheckpoint(path, { params, state }))).toBe(true);
  });
});
