/**
 * @file The hand-set filter editor: a 3×3 kernel (Sobel, Prewitt, or typed in) applied to a digit with
 * @tapenet/vis's `applyFilter` under each edge mode side by side — zero padding, extend (replicate the
 * border), crop (valid positions only) — with each output size from `(W − F + 2P)/S + 1`.
 */
import { tensor } from '@tapenet/autodiff';
import { applyFilter, EDGE_MODES, type EdgeMode } from '@tapenet/vis';
import { drawGrey } from './render.js';

export const PRESETS: { readonly [name: string]: readonly number[] } = {
  'Sobel x': [-1, 0, 1, -2, 0, 2, -1, 0, 1],
  'Sobel y': [-1, -2, -1, 0, 0, 0, 1, 2, 1],
  'Prewitt x': [-1, 0, 1, -1, 0, 1, -1, 0, 1],
  'Prewitt y': [-1, -1, -1, 0, 0, 0, 1, 1, 1],
  Laplacian: [0, 1, 0, 1, -4, 1, 0, 1, 0],
  'Box blur': [1 / 9, 1 / 9, 1 / 9, 1 / 9, 1 / 9, 1 / 9, 1 / 9, 1 / 9, 1 / 9],
};

/** The padding P each mode amounts to for an F×F kernel (stride S = 1). */
const padOf = (mode: EdgeMode, f: number): number => (mode === 'crop' ? 0 : (f - 1) / 2);

/** `(W − F + 2P)/S + 1` written out, for the caption under each output. */
export function sizeFormula(w: number, f: number, mode: EdgeMode): string {
  const p = padOf(mode, f);
  return `(${w} − ${f} + 2·${p})/1 + 1 = ${(w - f + 2 * p) / 1 + 1}`;
}

const LABEL: { readonly [M in EdgeMode]: string } = {
  zero: 'zero padding',
  extend: 'extend (replicate)',
  crop: 'crop (valid)',
};

/** Builds the editor in `root`; `source()` gives the digit to filter (28×28 floats in [0, 1]). */
export function mountEditor(root: HTMLElement, source: () => Float32Array): () => void {
  root.innerHTML = '';
  const controls = document.createElement('div');
  const select = document.createElement('select');
  for (const name of [...Object.keys(PRESETS), 'custom']) select.add(new Option(name, name));
  const grid = document.createElement('div');
  grid.className = 'kernel-grid';
  const cells = Array.from({ length: 9 }, () => {
    const input = document.createElement('input');
    input.type = 'number';
    input.step = '0.1';
    grid.append(input);
    return input;
  });
  controls.append(select, grid);
  const outputs = document.createElement('div');
  outputs.className = 'row';
  const panes = (['zero', 'extend', 'crop'] as const).map((mode) => {
    const fig = document.createElement('figure');
    const canvas = document.createElement('canvas');
    const cap = document.createElement('figcaption');
    cap.dataset.mode = mode;
    fig.append(canvas, cap);
    outputs.append(fig);
    return { mode, canvas, cap };
  });
  root.append(controls, outputs);

  const setPreset = (name: string) => {
    const k = PRESETS[name];
    if (k === undefined) return;
    k.forEach((v, i) => {
      cells[i]!.value = String(Number(v.toFixed(4)));
    });
  };
  const render = () => {
    const k = cells.map((c) => Number(c.value) || 0);
    const img = tensor(source(), { shape: [28, 28] });
    const kernel = tensor(Float32Array.from(k), { shape: [3, 3] });
    for (const { mode, canvas, cap } of panes) {
      const out = applyFilter(img, kernel, { edge: mode });
      const [h, w] = out.shape as [number, number];
      drawGrey(canvas, out.data(), h, w, 3);
      cap.textContent = `${LABEL[mode]}: ${h}×${w} = ${sizeFormula(28, 3, mode)}`;
    }
  };
  select.addEventListener('change', () => {
    setPreset(select.value);
    render();
  });
  for (const c of cells) {
    c.addEventListener('input', () => {
      select.value = 'custom';
      render();
    });
  }
  if (!EDGE_MODES.includes('zero')) throw new Error('vis lacks the zero edge mode');
  setPreset('Sobel x');
  render();
  return render;
}
