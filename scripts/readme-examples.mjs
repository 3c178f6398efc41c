/**
 * @file Each package's README example as plain JavaScript for a project that installed the packages by name:
 * the same block its readme-example.test.ts runs and compares with the README (between `// README-EXAMPLE-START`
 * and `// README-EXAMPLE-END`, or `// README:begin` and `// README:end` with the file's imports), with
 * `./index.js` read as the package's name and TypeScript's types stripped by typescript's transpileModule.
 */
import { readFileSync } from 'node:fs';
import ts from 'typescript';

/** Package name → the test file holding its README example, relative to the repo root. */
export const EXAMPLES = {
  '@tapenet/kernels': 'packages/kernels/src/readme-example.test.ts',
  '@tapenet/autodiff': 'packages/autodiff/src/readme-example.test.ts',
  '@tapenet/layers': 'packages/layers/src/readme-example.test.ts',
  '@tapenet/optim': 'packages/optim/src/readme-example.test.ts',
  '@tapenet/zoo': 'packages/zoo/src/readme-example.test.ts',
  '@tapenet/vis': 'packages/vis/src/readme-example.test.ts',
  '@tapenet/backend-gpujs': 'packages/backend-gpujs/src/readme-example.test.ts',
  '@tapenet/onnx': 'packages/onnx/src/readme-example.test.ts',
  '@tapenet/datasets': 'packages/datasets/src/readme-example.test.ts',
  '@tapenet/train': 'packages/train/src/readme-example.test.ts',
};

/** Packages installed but with no example run of their own, and why. */
export const NOT_RUN = {};

/** The example of `file` as an ES module importing `name` where the test imports './index.js'. */
export function extractExample(file, name) {
  const own = readFileSync(file, 'utf8');
  let code;
  if (own.includes('// README-EXAMPLE-START\n')) {
    code = own.slice(own.indexOf('// README-EXAMPLE-START\n') + 24, own.indexOf('// README-EXAMPLE-END'));
  } else if (own.includes('// README:begin\n')) {
    const imports = own.match(/^import [^;]+;$/gms).filter((l) => !l.includes("'vitest'"));
    const block = own.split('// README:begin\n')[1].split('// README:end')[0];
    code = `${imports.join('\n')}\n${block.replace(/^ {4}/gm, '')}`;
  } else {
    throw new Error(`${file}: no README example markers`);
  }
  code = code.replaceAll("'./index.js'", `'${name}'`);
  if (code.includes("from './") || code.includes("from '../")) throw new Error(`${file}: a relative import is left`);
  const out = ts.transpileModule(code, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    reportDiagnostics: true,
  });
  if (out.diagnostics?.length)
    throw new Error(`${file}: ${ts.flattenDiagnosticMessageText(out.diagnostics[0].messageText, '\n')}`);
  return out.outputText;
}
