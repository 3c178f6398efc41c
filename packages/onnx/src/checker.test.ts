/**
 * The ONNX project's own checker (`onnx.checker.check_model` with `full_check`, which also runs shape
 * inference) accepts the exported files. Needs Debian's python3-onnx (`/usr/bin/python3 -c 'import
 * onnx'`): skipped, visibly, where it is missing, unless TAPENET_REQUIRE_TORCH=1 makes that a failure.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { broadcastTo, key, reshape, sum } from '@tapenet/autodiff';
import { zoo } from '@tapenet/zoo';
import { afterAll, describe, expect, it } from 'vitest';
import { exportOnnx } from './index.js';
import { fnLayer } from '../test/fn-layer.js';

const PYTHON = '/usr/bin/python3';
const hasOnnx = spawnSync(PYTHON, ['-c', 'import onnx'], { stdio: 'ignore' }).status === 0;
const required = process.env.TAPENET_REQUIRE_TORCH === '1';
const CHECK =
  'import onnx, sys\nfor p in sys.argv[1:]:\n    onnx.checker.check_model(onnx.load(p), full_check=True)\nprint("ok")';

describe('onnx.checker', () => {
  it.runIf(!hasOnnx && required)('python3-onnx is installed (TAPENET_REQUIRE_TORCH=1)', () => {
    expect.fail(`${PYTHON} -c 'import onnx' failed; install python3-onnx`);
  });

  const dir = mkdtempSync(join(tmpdir(), 'tapenet-onnx-check-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.skipIf(!hasOnnx)(
    `accepts exported zoo models and a program with dynamic shapes${hasOnnx ? '' : ' (skipped: python3-onnx is not installed)'}`,
    () => {
      const files = ['lenet5', 'lenet5-original', 'resnet20'].map((name) => {
        const m = zoo.get(name);
        const { params, state } = m.init(key(0), zoo.info(name).inputShape);
        const path = join(dir, `${name}.onnx`);
        writeFileSync(path, exportOnnx(m, params, state, { inShape: zoo.info(name).inputShape }));
        return path;
      });
      // [N, 3, 4] → [N, 12]: a broadcast and a reshape whose target shapes are computed from N
      const dynamic = fnLayer((x) => {
        const n = x.shape[0]!;
        return sum(reshape(broadcastTo(reshape(x, [n, 1, 12]), [n, n, 12]), [n, n * 12]), [1]);
      });
      const path = join(dir, 'dynamic.onnx');
      writeFileSync(path, exportOnnx(dynamic, {}, {}, { inShape: [3, 4] }));
      expect(execFileSync(PYTHON, ['-c', CHECK, ...files, path], { encoding: 'utf8' }).trim()).toBe('ok');
    },
    60_000,
  );
});
