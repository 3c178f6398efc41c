import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { key, type Tensor, treePaths } from '@tapenet/autodiff';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { tinyConv } from '../../test/fixtures.js';
import { fromTypedArray, int64Entry, type SafetensorsEntry, writeSafetensorsFile } from '../safetensors/index.js';
import { formatCheckpointError } from './errors.js';
import { saveCheckpoint } from './io.js';
import { loadStateDict, loadStateDictOrThrow } from './state-dict.js';

const dir = mkdtempSync(join(tmpdir(), 'tapenet-state-dict-'));
const model = tinyConv();
const init = model.init(key(0), [1, 4, 4]);
const named = (): [string, Tensor][] => [...treePaths(init.params), ...treePaths(init.state)] as [string, Tensor][];

/** The model's state dict as PyTorch writes it: floats as given, num_batches_tracked as I64. */
const torchEntries = (count = 7n): SafetensorsEntry[] =>
  named().map(([name, t]) =>
    t.dtype === 'int32'
      ? { ...int64Entry(name, t.shape, new Int32Array(1)), bytes: new Uint8Array(new BigInt64Array([count]).buffer) }
      : fromTypedArray(name, t.shape, t.data()),
  );

const errorText = async (path: string, strict = true): Promise<string> => {
  const r = await loadStateDict(path, init, { strict });
  if (E.isRight(r)) throw new Error('expected the file to be refused');
  return formatCheckpointError(r.left);
};

describe('loadStateDict', () => {
  it('loads a file without metadata and one with {"format": "pt"}, int64 buffers into int32', async () => {
    for (const metadata of [{}, { format: 'pt' }]) {
      const path = join(dir, 'plain.safetensors');
      await writeSafetensorsFile(path, torchEntries(), metadata);
      const loaded = await loadStateDictOrThrow(path, init);
      expect(loaded.loaded).toEqual(named().map(([n]) => n));
      const counter = (loaded.state as unknown as Tensor[])[1] as unknown as { num_batches_tracked: Tensor };
      expect([counter.num_batches_tracked.dtype, counter.num_batches_tracked.item()]).toEqual(['int32', 7]);
    }
  });

  it('strict: one error names every missing key, unexpected key and mismatch', async () => {
    const entries = torchEntries().filter((e) => e.name !== '0.bias');
    entries.push(fromTypedArray('extra.weight', [2], new Float32Array(2)));
    const i = entries.findIndex((e) => e.name === '4.weight');
    entries[i] = fromTypedArray('4.weight', [3, 2], new Float32Array(6));
    const path = join(dir, 'wrong.safetensors');
    await writeSafetensorsFile(path, entries);
    const text = await errorText(path);
    expect(text).toContain(`${path}: does not match the model's state dict`);
    expect(text).toContain('missing keys (1): 0.bias');
    expect(text).toContain('unexpected keys (1): extra.weight');
    expect(text).toContain('"4.weight": shape [3, 2] in the file, the model expects [3, 48]');
    const loose = await loadStateDictOrThrow(path, init, { strict: false });
    expect([loose.missing, loose.unexpected, loose.mismatched.map((d) => d.name)]).toEqual([
      ['0.bias'],
      ['extra.weight'],
      ['4.weight'],
    ]);
    expect((loose.params as unknown as { weight: Tensor }[])[4]!.weight).toBe(
      (init.params as unknown as { weight: Tensor }[])[4]!.weight,
    );
  });

  it('refuses an integer tensor for a float parameter, and a float for the int32 counter', async () => {
    const entries = torchEntries().map((e) =>
      e.name === '0.bias'
        ? int64Entry('0.bias', e.shape, new Int32Array(3))
        : e.name.endsWith('num_batches_tracked')
          ? fromTypedArray(e.name, [], new Float32Array(1))
          : e,
    );
    const path = join(dir, 'kinds.safetensors');
    await writeSafetensorsFile(path, entries);
    const text = await errorText(path);
    expect(text).toContain('"0.bias": dtype I64 in the file, the model expects float32');
    expect(text).toContain('"1.num_batches_tracked": dtype F32 in the file, the model expects int32');
  });

  it('refuses an int64 value that does not fit int32 in either mode, naming the key', async () => {
    const path = join(dir, 'big.safetensors');
    await writeSafetensorsFile(path, torchEntries(2n ** 40n));
    for (const strict of [true, false]) {
      expect(await errorText(path, strict)).toContain(
        '"1.num_batches_tracked" (I64 []) holds 1099511627776 at flat index 0, which does not fit the model\'s int32',
      );
    }
  });

  it('names the file of a truncated or missing file', async () => {
    const path = join(dir, 'cut.safetensors');
    await writeSafetensorsFile(path, torchEntries());
    writeFileSync(path, readFileSync(path).subarray(0, 200));
    expect(await errorText(path)).toContain(path);
    expect(await errorText(join(dir, 'absent.safetensors'))).toContain('absent.safetensors');
  });

  it('loads a tapenet checkpoint after verifying its checksum, ignoring its optimizer state', async () => {
    const path = join(dir, 'ckpt.safetensors');
    await saveCheckpoint(path, {
      params: init.params,
      state: init.state,
      meta: { model: { name: 't', config: {} }, epoch: 0 },
    });
    const loaded = await loadStateDictOrThrow(path, init);
    expect(loaded.unexpected).toEqual([]);
    const bytes = readFileSync(path);
    bytes[bytes.length - 1]! ^= 1;
    writeFileSync(path, bytes);
    expect(await errorText(path)).toMatch(/checksum mismatch/);
  });

  it('refuses a template leaf that is not a tensor', async () => {
    const path = join(dir, 'plain2.safetensors');
    await writeSafetensorsFile(path, torchEntries());
    await expect(loadStateDict(path, { params: { w: 3 }, state: {} })).rejects.toThrow(
      /template params leaf "w" is not a tensor/,
    );
  });
});
