/**
 * @file The playground page: pick a backend and a model, train on MNIST and watch the curves, images/s
 * and first-layer filters move; draw a digit for prediction bars and every conv layer's feature maps; edit
 * a 3×3 filter under three edge modes; maximise a channel or dream on a digit; check gpu.js WebGL2 against
 * the reference backend. `window.playground` exposes the same actions to the browser tests.
 */
import { setBackend, softmax } from '@tapenet/autodiff';
import type { Backend } from '@tapenet/kernels';
import { CHOICES, type Choice, createChoice, pickBackend, unavailable } from './backends.js';
import { batchOf, loadMnist, type Mnist, normalize, rng } from './data.js';
import { DrawPad } from './draw.js';
import { dreamOn, maximize } from './dream.js';
import { mountEditor } from './editor.js';
import { featureMaps, firstFilters } from './pictures.js';
import { drawBars, drawChart, drawGrey, drawRaster } from './render.js';
import { type CaseResult, runSelfTest } from './selftest.js';
import { argmaxRows, type ModelName, Trainer } from './trainer.js';
import './style.css';

const $ = <T extends HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (el === null) throw new Error(`playground: #${id} is missing from index.html`);
  return el as T;
};

const BATCH = 64;
const banner = $('banner');
/** Shows a problem on the page (never a blank page): fallbacks, failed loads, errors. */
function notice(text: string, kind: 'warn' | 'error' = 'warn'): void {
  const p = document.createElement('p');
  p.className = kind;
  p.textContent = text;
  banner.append(p);
  if (kind === 'error') console.error(text);
}
window.addEventListener('error', (e) => notice(`error: ${e.message}`, 'error'));
window.addEventListener('unhandledrejection', (e) =>
  notice(`error: ${e.reason instanceof Error ? e.reason.message : String(e.reason)}`, 'error'),
);

// ---- backend --------------------------------------------------------------------------------------------
const backendSelect = $<HTMLSelectElement>('backend');
for (const c of CHOICES) {
  const why = unavailable(c.id);
  const opt = new Option(why === null ? c.label : `${c.label} (unavailable)`, c.id);
  if (why !== null) opt.title = why;
  backendSelect.add(opt);
}
let current: { choice: Choice; backend: Backend };

function describe(choice: Choice, b: Backend): string {
  const extra = 'threads' in b ? `, ${String((b as { threads: number }).threads)} thread(s)` : '';
  const mode = 'mode' in b ? `, mode ${String((b as { mode: string }).mode)}` : '';
  return `${choice} (${b.name}${mode}${extra})`;
}

function useBackend(wanted: Choice): { choice: Choice; skipped: readonly string[] } {
  const picked = pickBackend(wanted);
  for (const s of picked.skipped) notice(`backend ${s} — using ${picked.choice} instead`);
  const previous = current as typeof current | undefined;
  current = { choice: picked.choice, backend: picked.backend };
  if (trainer !== undefined) trainer.moveTo(picked.backend);
  else setBackend(picked.backend);
  if (previous !== undefined && previous.backend !== picked.backend) destroy(previous.backend);
  backendSelect.value = picked.choice;
  $('backend-info').textContent = describe(picked.choice, picked.backend);
  return { choice: picked.choice, skipped: picked.skipped };
}
function destroy(b: Backend): void {
  (b as { destroy?: () => void }).destroy?.();
}
backendSelect.addEventListener('change', () => useBackend(backendSelect.value as Choice));

// ---- training -------------------------------------------------------------------------------------------
let mnist: Mnist | undefined;
let trainer: Trainer | undefined;
const modelSelect = $<HTMLSelectElement>('model');
const history = { loss: [] as number[], acc: [] as number[], test: [] as number[] };
let running = false;
let imagesPerSecond = 0;
const next = rng(42);

function resetTrainer(): void {
  trainer = new Trainer(modelSelect.value as ModelName, 0);
  history.loss.length = 0;
  history.acc.length = 0;
  history.test.length = 0;
  refreshPictures();
}

function testAccuracy(n = 500): number {
  if (mnist === undefined || trainer === undefined) return 0;
  const idx = Array.from({ length: n }, (_, i) => i);
  const { x, y } = batchOf(mnist.test, idx);
  const pred = argmaxRows(trainer.logits(x, n).data());
  return pred.filter((p, i) => p === y[i]).length / n;
}

/** Runs `steps` training steps (yielding to the page between steps); returns each step's loss. */
async function train(steps: number): Promise<number[]> {
  if (mnist === undefined || trainer === undefined) throw new Error('playground: MNIST is not loaded yet');
  const losses: number[] = [];
  let t0 = performance.now();
  let done = 0;
  for (let s = 0; s < steps && (running || steps !== Number.POSITIVE_INFINITY); s++) {
    const idx = Array.from({ length: BATCH }, () => Math.floor(next() * mnist!.train.count));
    const { x, y } = batchOf(mnist.train, idx);
    const r = trainer.step(x, y);
    losses.push(r.loss);
    history.loss.push(r.loss);
    history.acc.push(r.correct / BATCH);
    done++;
    const dt = performance.now() - t0;
    if (dt > 500) {
      imagesPerSecond = (done * BATCH * 1000) / dt;
      [t0, done] = [performance.now(), 0];
    }
    if (trainer.steps % 50 === 0) history.test.push(testAccuracy());
    if (s % 5 === 4 || s === steps - 1) refreshTraining();
    await new Promise((r) => setTimeout(r, 0));
  }
  refreshTraining();
  return losses;
}

const smooth = (xs: readonly number[], k = 10): number[] =>
  xs.map((_, i) => {
    const w = xs.slice(Math.max(0, i - k + 1), i + 1);
    return w.reduce((a, b) => a + b, 0) / w.length;
  });

function refreshTraining(): void {
  drawChart($('loss-chart'), 'training loss (batch, smoothed)', [
    { label: 'loss', color: '#1f77b4', points: smooth(history.loss) },
  ]);
  drawChart($('acc-chart'), 'accuracy', [
    { label: 'train batch', color: '#2ca02c', points: smooth(history.acc) },
    { label: 'test (500, every 50 steps)', color: '#d62728', points: history.test },
  ]);
  $('train-status').textContent =
    `${trainer?.name ?? ''}: step ${trainer?.steps ?? 0}, loss ${history.loss.at(-1)?.toFixed(3) ?? '–'}, ` +
    `${imagesPerSecond.toFixed(0)} images/s on ${current.choice}`;
  refreshPictures();
}

function refreshPictures(): void {
  if (trainer === undefined) return;
  const f = firstFilters(trainer);
  $('filters-note').textContent = f === null ? 'the MLP has no conv filters: pick LeNet-5' : '';
  if (f !== null) drawRaster($('filters'), f);
  predict();
}

$('train').addEventListener('click', async () => {
  if (running) return;
  running = true;
  try {
    await train(Number.POSITIVE_INFINITY);
  } finally {
    running = false;
  }
});
$('pause').addEventListener('click', () => {
  running = false;
});
$('reset').addEventListener('click', () => {
  running = false;
  resetTrainer();
  refreshTraining();
});
modelSelect.addEventListener('change', () => {
  running = false;
  resetTrainer();
  refreshTraining();
});

// ---- drawing and predictions ----------------------------------------------------------------------------
const pad = new DrawPad($('pad'));
/** The digit the pictures use: the drawing, or the first test image when nothing is drawn. */
function digit(): { raw: Uint8Array; x: Float32Array } {
  const raw = pad.pixels() ?? mnist?.test.images.slice(0, 784) ?? new Uint8Array(784);
  const x = new Float32Array(784);
  normalize(raw, x);
  return { raw, x };
}
let lastPrediction: number | null = null;
function predict(): number | null {
  if (trainer === undefined || mnist === undefined) return null;
  const { raw, x } = digit();
  drawGrey($('digit28'), raw, 28, 28, 3);
  const probs = [...softmax(trainer.logits(x, 1)).data()];
  drawBars($('bars'), probs);
  lastPrediction = probs.indexOf(Math.max(...probs));
  $('prediction').textContent = `prediction: ${lastPrediction}`;
  const maps = $('maps');
  maps.innerHTML = '';
  for (const { layer, raster } of featureMaps(trainer, x)) {
    const fig = document.createElement('figure');
    const c = document.createElement('canvas');
    drawRaster(c, raster);
    const cap = document.createElement('figcaption');
    cap.textContent = `${layer} feature maps`;
    fig.append(c, cap);
    maps.append(fig);
  }
  renderEditor?.();
  return lastPrediction;
}
pad.onStroke = () => predict();
$('clear').addEventListener('click', () => {
  pad.clear();
  predict();
});

// ---- filter editor, activation maximisation, deep dream -------------------------------------------------
let renderEditor: (() => void) | undefined;

$('maximize').addEventListener('click', () => {
  if (trainer === undefined || trainer.name !== 'lenet5') return notice('activation maximisation needs LeNet-5');
  const layer = $<HTMLSelectElement>('dream-layer').value;
  const out = $('dream-out');
  out.innerHTML = '';
  const channels = layer === 'relu1' ? 6 : 16;
  for (let c = 0; c < Math.min(channels, 8); c++) {
    const canvas = document.createElement('canvas');
    drawGrey(canvas, maximize(trainer, layer, c), 28, 28, 3);
    canvas.title = `${layer} channel ${c}`;
    out.append(canvas);
  }
});
$('dream').addEventListener('click', () => {
  if (trainer === undefined || trainer.name !== 'lenet5') return notice('deep dream needs LeNet-5');
  const layer = $<HTMLSelectElement>('dream-layer').value;
  const out = $('dream-out');
  out.innerHTML = '';
  const { x } = digit();
  for (const [label, img] of [
    ['digit', x],
    ['dream', dreamOn(trainer, x, layer)],
  ] as const) {
    const canvas = document.createElement('canvas');
    drawGrey(canvas, img, 28, 28, 4);
    canvas.title = label;
    out.append(canvas);
  }
});

// ---- backend check --------------------------------------------------------------------------------------
function selfTest(choice: Choice = 'gpujs-webgl2'): CaseResult[] {
  const why = unavailable(choice);
  if (why !== null) throw new Error(`${choice}: ${why}`);
  const b = createChoice(choice);
  try {
    return runSelfTest(b);
  } finally {
    destroy(b);
  }
}
$('selftest').addEventListener('click', () => {
  const out = $('selftest-out');
  try {
    const r = selfTest();
    const failed = r.filter((c) => !c.ok);
    out.textContent =
      failed.length === 0
        ? `gpu.js WebGL2 agrees with reference on all ${r.length} kernels checked`
        : `gpu.js WebGL2 differs on: ${failed.map((c) => `${c.name} (${c.error ?? c.maxError})`).join(', ')}`;
  } catch (e) {
    out.textContent = `gpu.js WebGL2 check could not run: ${e instanceof Error ? e.message : String(e)}`;
  }
});

/** One LeNet-5 step from the same init and batch on two backends: the losses and the largest param change. */
function agreement(a: Choice, b: Choice): { lossA: number; lossB: number; maxParamDiff: number } {
  if (mnist === undefined) throw new Error('playground: MNIST is not loaded yet');
  const { x, y } = batchOf(
    mnist.train,
    Array.from({ length: BATCH }, (_, i) => i),
  );
  const run = (choice: Choice) => {
    const backend = createChoice(choice);
    setBackend(backend);
    const t = new Trainer('lenet5', 3, 'sgd');
    const { loss } = t.step(x, y);
    const flat = Object.values(t.params).flatMap((layer) =>
      Object.values(layer as Record<string, { data(): ArrayLike<number> }>).map((p) => Float32Array.from(p.data())),
    );
    destroy(backend);
    return { loss, flat };
  };
  try {
    const ra = run(a);
    const rb = run(b);
    let maxParamDiff = 0;
    ra.flat.forEach((p, i) => {
      for (let j = 0; j < p.length; j++) maxParamDiff = Math.max(maxParamDiff, Math.abs(p[j]! - rb.flat[i]![j]!));
    });
    return { lossA: ra.loss, lossB: rb.loss, maxParamDiff };
  } finally {
    setBackend(current.backend);
  }
}

/** Images/s of the LeNet-5 step (batch 64, Adam) on `choice`: `warmup` steps, then `steps` timed ones. */
async function measure(choice: Choice, steps = 10, warmup = 2): Promise<number> {
  if (mnist === undefined) throw new Error('playground: MNIST is not loaded yet');
  const backend = createChoice(choice);
  setBackend(backend);
  try {
    const t = new Trainer('lenet5', 1);
    const { x, y } = batchOf(
      mnist.train,
      Array.from({ length: BATCH }, (_, i) => i),
    );
    for (let i = 0; i < warmup; i++) t.step(x, y);
    const t0 = performance.now();
    for (let i = 0; i < steps; i++) t.step(x, y);
    return (steps * BATCH * 1000) / (performance.now() - t0);
  } finally {
    setBackend(current.backend);
    destroy(backend);
  }
}

// ---- start ----------------------------------------------------------------------------------------------
const ready = (async () => {
  useBackend(unavailable('wasm-threads') === null ? 'wasm-threads' : 'wasm-1');
  $('train-status').textContent = 'loading MNIST (about 11 MB)…';
  try {
    mnist = await loadMnist();
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    $('train-status').textContent = `MNIST did not load: ${msg}`;
    notice(`MNIST did not load: ${msg}`, 'error');
    throw e;
  }
  resetTrainer();
  renderEditor = mountEditor($('editor'), () => Float32Array.from(digit().raw, (v) => v / 255));
  refreshTraining();
  $('train-status').textContent += ' — ready: press Train';
  document.body.dataset.ready = '1';
})();

declare global {
  interface Window {
    playground: unknown;
  }
}
window.playground = {
  ready,
  backend: () => ({ choice: current.choice, info: $('backend-info').textContent }),
  useBackend,
  train,
  predict: () => predict(),
  selfTest,
  agreement,
  measure,
};
