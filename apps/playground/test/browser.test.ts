/**
 * @file The playground in real Chromium (Debian's /usr/bin/chromium driven by playwright-core; no browser
 * is downloaded): the built app is served on 127.0.0.1 (a free port) with COOP/COEP, and the suite checks
 * that the page loads with no console errors, that 100 training steps on the wasm backend with 2 threads
 * lower the loss, that a digit drawn with the mouse gets a prediction and feature maps, that gpu.js in
 * WebGL2 (Chromium's software GL) passes the in-page conformance subset and its LeNet-5 step agrees with
 * wasm's, that the filter editor and activation maximisation render; it measures the LeNet-5 step's
 * images/s in the page and saves a screenshot (test-results/). Without /usr/bin/chromium the suite is
 * skipped with the reason, unless TAPENET_REQUIRE_BROWSER=1 (CI), which makes that a failure.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain-JS script without type declarations
import { serve } from '../scripts/serve.mjs';

/** Debian's Chromium; `TAPENET_CHROMIUM` points elsewhere (e.g. a missing path, to see the skip). */
const CHROMIUM = process.env.TAPENET_CHROMIUM ?? '/usr/bin/chromium';
const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist');
const results = join(root, 'test-results');

const missing = existsSync(CHROMIUM) ? null : `${CHROMIUM} is missing (Debian: apt-get install chromium)`;
if (missing !== null && process.env.TAPENET_REQUIRE_BROWSER === '1') {
  throw new Error(`the browser suite is required (TAPENET_REQUIRE_BROWSER=1) but cannot run: ${missing}`);
}

/** What the page exposes as `window.playground` (see src/main.ts). */
type Api = {
  ready: Promise<void>;
  backend(): { choice: string; info: string };
  train(steps: number): Promise<number[]>;
  predict(): number | null;
  selfTest(): { name: string; ok: boolean; maxError: number; error?: string }[];
  agreement(a: string, b: string): { lossA: number; lossB: number; maxParamDiff: number };
  measure(choice: string, steps: number, warmup: number): Promise<number>;
};
declare const window: { playground: Api };

const title = missing === null ? 'playground in Chromium' : `playground in Chromium [skipped: ${missing}]`;

describe.skipIf(missing !== null)(title, () => {
  let server: { url: string; close(): Promise<void> };
  let context: BrowserContext;
  let page: Page;
  let profile: string;
  const errors: string[] = [];

  beforeAll(async () => {
    // turbo builds the app before its tests; a direct `vitest run` builds it here once.
    if (!existsSync(join(dist, 'index.html'))) execFileSync('npx', ['vite', 'build'], { cwd: root, stdio: 'inherit' });
    server = await serve(dist, 0);
    profile = mkdtempSync(join(tmpdir(), 'tapenet-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1400, height: 1000 },
      args: [
        '--no-sandbox',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(server.url);
    await page.evaluate(() => window.playground.ready);
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    await server?.close();
    if (profile !== undefined) rmSync(profile, { recursive: true, force: true });
  });

  it('loads with no console errors, cross-origin isolated, on wasm with 2 threads', async () => {
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    const { choice, info } = await page.evaluate(() => window.playground.backend());
    expect(choice).toBe('wasm-threads');
    expect(info).toContain('2 thread(s)');
    expect(await page.textContent('#banner')).toBe('');
    expect(errors).toEqual([]);
  });

  it('100 training steps on wasm (2 threads) lower the loss', async () => {
    const losses = await page.evaluate(() => window.playground.train(100));
    expect(losses).toHaveLength(100);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const [first, last] = [mean(losses.slice(0, 10)), mean(losses.slice(-10))];
    expect(last).toBeLessThan(0.6 * first);
  }, 120_000);

  it('a digit drawn with the mouse gets a prediction and conv feature maps', async () => {
    const box = (await page.locator('#pad').boundingBox())!;
    // A "7": a bar across the top, then a stroke down to the bottom left.
    await page.mouse.move(box.x + 70, box.y + 60);
    await page.mouse.down();
    for (const [x, y] of [
      [210, 60],
      [180, 140],
      [130, 240],
    ] as const) {
      await page.mouse.move(box.x + x, box.y + y, { steps: 8 });
    }
    await page.mouse.up();
    await expect.poll(() => page.textContent('#prediction')).toMatch(/^prediction: \d$/);
    expect(await page.evaluate(() => window.playground.predict())).toBeTypeOf('number');
    expect(await page.locator('#maps figcaption').allTextContents()).toEqual([
      'conv1 feature maps',
      'conv2 feature maps',
    ]);
  });

  it('gpu.js in WebGL2 passes the in-page conformance subset', async () => {
    const results = await page.evaluate(() => window.playground.selfTest());
    expect(results.length).toBeGreaterThanOrEqual(20);
    expect(results.filter((r) => !r.ok)).toEqual([]);
  }, 120_000);

  it("gpu.js WebGL2's LeNet-5 step agrees with wasm's to float32 tolerance", async () => {
    const r = await page.evaluate(() => window.playground.agreement('wasm-threads', 'gpujs-webgl2'));
    expect(Math.abs(r.lossA - r.lossB)).toBeLessThan(1e-4 * Math.abs(r.lossA));
    expect(r.maxParamDiff).toBeLessThan(1e-5);
  }, 120_000);

  it('the filter editor shows the three edge modes with their output sizes; maximisation renders', async () => {
    const caps = await page.locator('#editor figcaption').allTextContents();
    expect(caps).toEqual([
      'zero padding: 28×28 = (28 − 3 + 2·1)/1 + 1 = 28',
      'extend (replicate): 28×28 = (28 − 3 + 2·1)/1 + 1 = 28',
      'crop (valid): 26×26 = (28 − 3 + 2·0)/1 + 1 = 26',
    ]);
    await page.click('#maximize');
    await expect.poll(() => page.locator('#dream-out canvas').count()).toBe(6);
    await page.click('#dream');
    await expect.poll(() => page.locator('#dream-out canvas').count()).toBe(2);
    expect(errors).toEqual([]);
  }, 120_000);

  it('without cross-origin isolation, shows why wasm threads are unavailable and falls back to one thread', async () => {
    const plain = await serve(dist, 0, { isolate: false });
    const p = await context.newPage();
    const pageErrors: string[] = [];
    p.on('pageerror', (e) => pageErrors.push(e.message));
    try {
      await p.goto(plain.url);
      await p.evaluate(() => window.playground.ready);
      expect(await p.evaluate(() => window.playground.backend().choice)).toBe('wasm-1');
      expect(await p.locator('#backend option[value="wasm-threads"]').textContent()).toContain('(unavailable)');
      const switched = await p.evaluate(() =>
        (window.playground as unknown as { useBackend(c: string): { choice: string } }).useBackend('wasm-threads'),
      );
      expect(switched.choice).toBe('wasm-1');
      expect(await p.textContent('#banner')).toContain('Cross-Origin-Embedder-Policy: require-corp');
      expect(pageErrors).toEqual([]);
    } finally {
      await p.close();
      await plain.close();
    }
  }, 120_000);

  it('measures the LeNet-5 step (batch 64) in the page and saves a screenshot', async () => {
    const wasm = await page.evaluate(() => window.playground.measure('wasm-threads', 10, 2));
    const gpujs = await page.evaluate(() => window.playground.measure('gpujs-webgl2', 2, 1));
    expect(wasm).toBeGreaterThan(0);
    expect(gpujs).toBeGreaterThan(0);
    mkdirSync(results, { recursive: true });
    const speed = { wasmThreads2: Math.round(wasm), gpujsWebgl2: Math.round(gpujs * 10) / 10 };
    writeFileSync(join(results, 'browser-speed.json'), `${JSON.stringify(speed, null, 2)}\n`);
    console.log(`LeNet-5 step in Chromium, images/s: ${JSON.stringify(speed)}`);
    await page.screenshot({ path: join(results, 'playground.png'), fullPage: true });
    expect(errors).toEqual([]);
  }, 180_000);
});
