/**
 * @file A hand-written SVG bar chart of the ratios: one group of bars per row, one bar per peer, on a log
 * axis centred at 1× (bars to the right: tapenet's best backend is faster than that peer).
 */
import type { BenchResult } from '../run.js';
import { fmtNum } from './table.js';

const COLORS = ['#e8710a', '#1a73e8', '#12b5cb', '#9334e6', '#d01884', '#188038'];

const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function renderSvg(r: BenchResult): string {
  const peers = r.impls.filter((i) => i.family === 'peer').map((i) => i.id);
  const values = r.rows
    .flatMap((row) => peers.map((p) => row.ratios[p]))
    .filter((v): v is number => typeof v === 'number' && v > 0);
  const lo = Math.min(-1, Math.floor(Math.log10(Math.min(...values, 1))));
  const hi = Math.max(1, Math.ceil(Math.log10(Math.max(...values, 1))));
  const left = 270;
  const plot = 560;
  const width = left + plot + 30;
  const bar = 12;
  const group = Math.max(1, peers.length) * bar + 10;
  const top = 78;
  const height = top + r.rows.length * group + 40;
  const x = (v: number): number => left + ((Math.log10(v) - lo) / (hi - lo)) * plot;
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="11">`,
  );
  out.push(`<title>tapenet benchmark: best tapenet backend ÷ peer throughput per row</title>`);
  out.push(`<rect width="${width}" height="${height}" fill="white"/>`);
  out.push(
    `<text x="10" y="18" font-size="14" font-weight="bold">tapenet (best backend per row) ÷ peer throughput: &gt; 1 means tapenet is faster</text>`,
  );
  const m = r.machine;
  out.push(
    `<text x="10" y="34" fill="#555">${esc(`${m.cpu}, ${m.cores} cores, Node ${m.node}, load ${m.loadStart.join('/')}; ${r.date.slice(0, 19)}Z; set ${r.options.set}`)}</text>`,
  );
  peers.forEach((p, i) => {
    const lx = 10 + i * 150;
    out.push(`<rect x="${lx}" y="44" width="10" height="10" fill="${COLORS[i % COLORS.length]}"/>`);
    out.push(`<text x="${lx + 14}" y="53">${esc(p)}</text>`);
  });
  for (let e = lo; e <= hi; e++) {
    const gx = x(10 ** e).toFixed(1);
    out.push(`<line x1="${gx}" y1="${top - 8}" x2="${gx}" y2="${height - 30}" stroke="${e === 0 ? '#333' : '#ddd'}"/>`);
    out.push(`<text x="${gx}" y="${height - 16}" text-anchor="middle">${fmtNum(10 ** e)}×</text>`);
  }
  r.rows.forEach((row, k) => {
    const y0 = top + k * group;
    if (k % 2 === 1)
      out.push(`<rect x="0" y="${y0 - 4}" width="${width}" height="${group}" fill="#f6f6f6" opacity="0.6"/>`);
    out.push(`<text x="${left - 8}" y="${y0 + group / 2}" text-anchor="end">${esc(row.title)}</text>`);
    peers.forEach((p, i) => {
      const v = row.ratios[p];
      const y = y0 + i * bar;
      if (typeof v !== 'number' || !(v > 0)) {
        out.push(`<text x="${x(1) + 4}" y="${y + bar - 3}" fill="#999" font-size="9">n/a (${esc(p)})</text>`);
        return;
      }
      const a = Math.min(x(1), x(v));
      const w = Math.max(1, Math.abs(x(v) - x(1)));
      out.push(
        `<rect x="${a.toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="${bar - 2}" fill="${COLORS[i % COLORS.length]}"/>`,
      );
      const tx = v >= 1 ? a + w + 3 : a - 3;
      out.push(
        `<text x="${tx.toFixed(1)}" y="${y + bar - 3}" font-size="9" text-anchor="${v >= 1 ? 'start' : 'end'}">${fmtNum(v)}×</text>`,
      );
    });
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
