/** saveOnnx: an atomic write of the exported bytes (temporary file beside the target, fsync, rename). */
import * as fsp from 'node:fs/promises';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { key } from '@tapenet/autodiff';
import { mlp } from '@tapenet/zoo';
import * as ort from 'onnxruntime-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exportOnnx, type FileSystem, OnnxExportError, saveOnnx } from './index.js';

const net = mlp({ hidden: [8] });
const { params, state } = net.init(key(0), [1, 4, 4]);
const options = { inShape: [1, 4, 4] };

describe('saveOnnx', () => {
  let dir = '';
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tapenet-onnx-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes exactly the exported bytes, which ONNX Runtime loads from the path; no temporary file is left', async () => {
    const path = join(dir, 'mlp.onnx');
    const n = await saveOnnx(path, net, params, state, options);
    const bytes = readFileSync(path);
    expect(bytes.length).toBe(n);
    expect(new Uint8Array(bytes)).toEqual(exportOnnx(net, params, state, options));
    const session = await ort.InferenceSession.create(path);
    expect(session.inputNames).toEqual(['input']);
    await session.release();
    expect(readdirSync(dir)).toEqual(['mlp.onnx']);
  });

  it('replaces an existing file', async () => {
    const path = join(dir, 'mlp.onnx');
    writeFileSync(path, 'old');
    await saveOnnx(path, net, params, state, options);
    expect(readFileSync(path).length).toBeGreaterThan(3);
  });

  it('on a failed rename, removes its temporary file and leaves the old file untouched', async () => {
    const path = join(dir, 'mlp.onnx');
    writeFileSync(path, 'old');
    const failing: FileSystem = {
      open: (p, flags) => fsp.open(p, flags),
      unlink: fsp.unlink,
      rename: async () => {
        throw Object.assign(new Error('EXDEV: cross-device link'), { code: 'EXDEV' });
      },
    };
    await expect(saveOnnx(path, net, params, state, { ...options, fs: failing })).rejects.toThrow('EXDEV');
    expect(readFileSync(path, 'utf8')).toBe('old');
    expect(readdirSync(dir)).toEqual(['mlp.onnx']);
  });

  it('throws export errors before touching the file system', async () => {
    const path = join(dir, 'bad.onnx');
    await expect(saveOnnx(path, net, params, state, { inShape: [2, 4, 4] })).rejects.toThrow(OnnxExportError);
    expect(readdirSync(dir)).toEqual([]);
  });
});
