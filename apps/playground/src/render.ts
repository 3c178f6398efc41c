/**
 * @file Pictures on canvases: a @tapenet/vis `Raster` (filters, feature maps), a grey image from floats,
 * line charts of the training curves, and prediction bars. Plain 2D canvas, no chart library.
 */
import type { Raster } from '@tapenet/vis';

/** Draws a vis `Raster` (grey or RGB bytes) onto `canvas`, resizing it to the raster. */
export function drawRaster(canvas: HTMLCanvasElement, r: Raster): void {
  canvas.width = r.width;
  canvas.height = r.height;
  const img = new ImageData(r.width, r.height);
  for (let i = 0; i < r.width * r.height; i++) {
    const [red, g, b] =
      r.channels === 1
        ? [r.data[i]!, r.data[i]!, r.data[i]!]
        : [r.data[3 * i]!, r.data[3 * i + 1]!, r.data[3 * i + 2]!];
    img.data.set([red, g, b, 255], 4 * i);
  }
  canvas.getContext('2d')!.putImageData(img, 0, 0);
}

/** Draws an `h × w` float image, min-max scaled to grey, `scale` pixels per value. */
export function drawGrey(canvas: HTMLCanvasElement, values: ArrayLike<number>, h: number, w: number, scale = 4): void {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < h * w; i++) {
    lo = Math.min(lo, values[i]!);
    hi = Math.max(hi, values[i]!);
  }
  const span = hi > lo ? hi - lo : 1;
  canvas.width = w * scale;
  canvas.height = h * scale;
  const ctx = canvas.getContext('2d')!;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const v = Math.round((255 * (values[y * w + x]! - lo)) / span);
      ctx.fillStyle = `rgb(${v},${v},${v})`;
      ctx.fillRect(x * scale, y * scale, scale, scale);
    }
  }
}

export type Curve = { readonly label: string; readonly color: string; readonly points: readonly number[] };

/** A line chart of `curves` (x = index) with the y range of all points; the last value in each label. */
export function drawChart(canvas: HTMLCanvasElement, title: string, curves: readonly Curve[]): void {
  const ctx = canvas.getContext('2d')!;
  const { width: W, height: H } = canvas;
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, W, H);
  ctx.strokeStyle = '#ccc';
  ctx.strokeRect(30.5, 16.5, W - 40, H - 32);
  ctx.fillStyle = '#222';
  ctx.font = '12px sans-serif';
  ctx.fillText(title, 34, 12);
  const all = curves.flatMap((c) => c.points);
  if (all.length === 0) return;
  const lo = Math.min(...all);
  const hi = Math.max(...all, lo + 1e-6);
  const n = Math.max(...curves.map((c) => c.points.length), 2);
  ctx.fillText(hi.toPrecision(3), 0, 24);
  ctx.fillText(lo.toPrecision(3), 0, H - 18);
  curves.forEach((c, k) => {
    ctx.strokeStyle = c.color;
    ctx.beginPath();
    c.points.forEach((v, i) => {
      const x = 31 + ((W - 42) * i) / (n - 1);
      const y = 17 + (H - 34) * (1 - (v - lo) / (hi - lo));
      if (i === 0) ctx.moveTo(x, y);
      else ctx.lineTo(x, y);
    });
    ctx.stroke();
    const last = c.points.at(-1);
    ctx.fillStyle = c.color;
    ctx.fillText(`${c.label}${last === undefined ? '' : ` ${last.toFixed(3)}`}`, 40 + k * 150, H - 4);
  });
}

/** Ten horizontal bars of class probabilities, the arg-max highlighted. */
export function drawBars(canvas: HTMLCanvasElement, probs: readonly number[]): void {
  const ctx = canvas.getContext('2d')!;
  const { width: W, height: H } = canvas;
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, W, H);
  const best = probs.indexOf(Math.max(...probs));
  const row = H / probs.length;
  ctx.font = '12px sans-serif';
  probs.forEach((p, i) => {
    ctx.fillStyle = i === best ? '#d62728' : '#1f77b4';
    ctx.fillRect(20, i * row + 2, (W - 70) * p, row - 4);
    ctx.fillStyle = '#222';
    ctx.fillText(String(i), 4, i * row + row - 5);
    ctx.fillText(`${(100 * p).toFixed(1)}%`, W - 46, i * row + row - 5);
  });
}
