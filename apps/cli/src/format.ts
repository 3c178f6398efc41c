/** @file Text formatting shared by the commands. */
import type { EpochRecord } from '@tapenet/train';

/** `0.99123` → `99.12%`. */
export const percent = (x: number): string => `${(100 * x).toFixed(2)}%`;

/** The one-line summary of an epoch, e.g. `epoch 3/8  loss 0.0412  acc 98.71%  val_loss ...  * best`. */
export function epochLine(r: EpochRecord, epochs: number, isBest: boolean): string {
  const parts = [
    `epoch ${r.epoch}/${epochs}`,
    `loss ${r.train.loss.toFixed(4)}`,
    `acc ${percent(r.train.accuracy)}`,
    ...(r.train.topK === undefined ? [] : [`top5 ${percent(r.train.topK)}`]),
    ...(r.validation === undefined
      ? []
      : [`val_loss ${r.validation.loss.toFixed(4)}`, `val_acc ${percent(r.validation.accuracy)}`]),
    ...(r.validation?.topK === undefined ? [] : [`val_top5 ${percent(r.validation.topK)}`]),
    ...(r.lr === undefined ? [] : [`lr ${r.lr.toExponential(2)}`]),
    `${Math.round(r.imagesPerSecond)} img/s`,
    `${r.seconds.toFixed(1)} s`,
  ];
  return `${parts.join('  ')}${isBest ? '  * best' : ''}`;
}

/** A plain-text table with left-aligned columns. */
export function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')).join('\n');
}
