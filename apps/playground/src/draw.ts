/**
 * @file The drawing pad: a 280×280 canvas a person draws a digit on with the mouse, finger or pen, turned
 * into a 28×28 MNIST-like image: the ink's bounding box scaled into a 20×20 box, centred in 28×28
 * (as the MNIST images were made), white ink on black.
 */
export class DrawPad {
  readonly canvas: HTMLCanvasElement;
  private readonly ctx: CanvasRenderingContext2D;
  private last: { x: number; y: number } | null = null;
  /** Called after each stroke ends. */
  onStroke: () => void = () => {};

  constructor(canvas: HTMLCanvasElement) {
    this.canvas = canvas;
    this.ctx = canvas.getContext('2d', { willReadFrequently: true })!;
    this.clear();
    const at = (e: PointerEvent) => {
      const r = canvas.getBoundingClientRect();
      return {
        x: ((e.clientX - r.left) * canvas.width) / r.width,
        y: ((e.clientY - r.top) * canvas.height) / r.height,
      };
    };
    canvas.addEventListener('pointerdown', (e) => {
      canvas.setPointerCapture(e.pointerId);
      this.last = at(e);
      this.line(this.last, this.last);
    });
    canvas.addEventListener('pointermove', (e) => {
      if (this.last === null) return;
      const p = at(e);
      this.line(this.last, p);
      this.last = p;
    });
    const end = () => {
      if (this.last === null) return;
      this.last = null;
      this.onStroke();
    };
    canvas.addEventListener('pointerup', end);
    canvas.addEventListener('pointercancel', end);
  }

  clear(): void {
    this.ctx.fillStyle = '#000';
    this.ctx.fillRect(0, 0, this.canvas.width, this.canvas.height);
  }

  private line(a: { x: number; y: number }, b: { x: number; y: number }): void {
    const c = this.ctx;
    c.strokeStyle = '#fff';
    c.lineWidth = this.canvas.width / 12;
    c.lineCap = 'round';
    c.beginPath();
    c.moveTo(a.x, a.y);
    c.lineTo(b.x, b.y);
    c.stroke();
  }

  /** The drawing as 784 bytes (0 = background), or null when nothing is drawn. */
  pixels(): Uint8Array | null {
    const { width: W, height: H } = this.canvas;
    const src = this.ctx.getImageData(0, 0, W, H).data;
    let [x0, y0, x1, y1] = [W, H, -1, -1];
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        if (src[4 * (y * W + x)]! > 32) {
          x0 = Math.min(x0, x);
          y0 = Math.min(y0, y);
          x1 = Math.max(x1, x);
          y1 = Math.max(y1, y);
        }
      }
    }
    if (x1 < 0) return null;
    const small = document.createElement('canvas');
    small.width = 28;
    small.height = 28;
    const s = small.getContext('2d', { willReadFrequently: true })!;
    s.fillStyle = '#000';
    s.fillRect(0, 0, 28, 28);
    const [bw, bh] = [x1 - x0 + 1, y1 - y0 + 1];
    const f = 20 / Math.max(bw, bh);
    s.imageSmoothingQuality = 'high';
    s.drawImage(this.canvas, x0, y0, bw, bh, 14 - (bw * f) / 2, 14 - (bh * f) / 2, bw * f, bh * f);
    const d = s.getImageData(0, 0, 28, 28).data;
    return Uint8Array.from({ length: 784 }, (_, i) => d[4 * i]!);
  }
}
