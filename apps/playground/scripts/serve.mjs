/**
 * @file Serves the built playground (`dist/`) with the cross-origin isolation headers the wasm threads need
 * (COOP: same-origin, COEP: require-corp), on 127.0.0.1 only. `node scripts/serve.mjs [port]` (default
 * 5173; 0 picks a free port); the browser tests import `serve` to start it on a free port.
 */
import { createReadStream, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.gz': 'application/octet-stream',
};

/**
 * Starts the server on `port` (0: a free one); resolves to its URL and a `close` function. `isolate: false`
 * leaves out COOP/COEP (the tests use it to check the page's fallback to one thread).
 */
export function serve(root, port = 0, { isolate = true } = {}) {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const file = normalize(join(root, path.endsWith('/') ? `${path}index.html` : path));
    let ok = file.startsWith(root + sep) || file === root;
    try {
      ok = ok && statSync(file).isFile();
    } catch {
      ok = false;
    }
    if (isolate) {
      res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
      res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
    }
    if (!ok) {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end(`not found: ${path}`);
      return;
    }
    res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const { port: p } = server.address();
      resolve({ url: `http://127.0.0.1:${p}/`, close: () => new Promise((r) => server.close(() => r())) });
    });
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = fileURLToPath(new URL('../dist', import.meta.url));
  try {
    statSync(join(root, 'index.html'));
  } catch {
    console.error(`serve: ${root}/index.html is missing; build first (pnpm --filter @tapenet/playground build)`);
    process.exit(1);
  }
  const { url } = await serve(root, Number(process.argv[2] ?? 5173));
  console.log(`tapenet playground: ${url} (cross-origin isolated: wasm threads available)`);
}
