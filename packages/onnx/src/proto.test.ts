/** The vendored schema is the official file byte for byte, and the producer version follows package.json. */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { ONNX_PROTO } from './onnx-proto.js';
import { modelProto } from './proto.js';
import { VERSION } from './version.js';

it('vendors onnx.proto of ONNX 1.12.0 verbatim (SHA-256 of /usr/lib/python3/dist-packages/onnx/onnx.proto)', () => {
  const sha = createHash('sha256').update(ONNX_PROTO, 'utf8').digest('hex');
  expect(sha).toBe('a96f50c0fe1ff9180b6025843d4f7efcf53b024c83db55a36cd24a1e44345182');
  expect(modelProto().fields.ir_version?.id).toBe(1);
  expect(modelProto().fields.graph?.id).toBe(7);
});

it('VERSION is the version in package.json', () => {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  expect(VERSION).toBe(pkg.version);
});
