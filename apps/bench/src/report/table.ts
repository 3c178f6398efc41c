/**
 * @file The human report: a fixed-width table of throughputs per implementation, the ratio of the best
 * tapenet column to each peer (> 1 means tapenet is faster), footnotes with full error messages, the
 * implementations and their modes, the LeNet-step kernel profile, and the machine.
 */
import { describe } from '../check.js';
import type { BenchResult, Row } from '../run.js';
import type { Cell } from '../types.js';

/** Three significant digits, without exponent noise for everyday magnitudes. */
export function fmtNum(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a >= 100) return v.toFixed(0);
  if (a >= 10) return v.toFixed(1);
  if (a >= 1) return v.toFixed(2);
  if (a >= 0.01) return v.toFixed(3);
  return v.toExponential(1);
}

/** A few common errors, said in a few words; anything else is cut to `max` characters. */
export function shortError(message: string, max = 26): string {
  const kernel = /Kernel '(\w+)' not registered for backend '(\w+)'/.exec(message);
  if (kernel) return `no ${kernel[1]} kernel`;
  const port = /^no (\S+) port:/.exec(message);
  if (port) return `no ${port[1]} port`;
  if (message.startsWith('tapenet only:')) return 'tapenet only';
  const timeout = /^timeout: one step took over (\d+ s)/.exec(message);
  if (timeout) return `timeout > ${timeout[1]}`;
  return message.length > max ? `${message.slice(0, max - 1)}…` : message;
}

/** The text of one cell; errors keep a footnote number so the full message can be printed below. */
function cellText(c: Cell | undefined, mismatch: boolean, note: () => number): string {
  if (c === undefined) return '-';
  switch (c.status) {
    case 'ok':
      return `${fmtNum(c.throughput)}${mismatch ? ' ≠' : ''}`;
    case 'error':
      return `✗ ${shortError(c.error)} [${note()}]`;
    case 'skipped':
      return `skip [${note()}]`;
  }
}

const pad = (s: string, n: number, right = false): string => (right ? s.padStart(n) : s.padEnd(n));

/** Renders the whole report as text. */
export function renderReport(r: BenchResult): string {
  const ids = r.impls.map((i) => i.id);
  const peers = r.impls.filter((i) => i.family === 'peer').map((i) => i.id);
  const notes: string[] = [];
  const noteFor = (key: string): number => {
    const at = notes.indexOf(key);
    if (at >= 0) return at + 1;
    notes.push(key);
    return notes.length;
  };
  const body = r.rows.map((row: Row) => {
    const cells = ids.map((id) => {
      const c = row.cells[id];
      const message = c?.status === 'error' ? c.error : c?.status === 'skipped' ? c.reason : '';
      return cellText(c, row.mismatches.includes(id), () => noteFor(message));
    });
    const ratios = peers.map((p) => {
      const v = row.ratios[p];
      return v === null || v === undefined ? '-' : `${fmtNum(v)}×`;
    });
    return [row.title, row.unit, ...cells, row.best?.id.replace(/^tapenet:/, '') ?? '-', ...ratios];
  });
  const head = ['workload', 'unit', ...ids, 'best tapenet', ...peers.map((p) => `÷ ${p}`)];
  const widths = head.map((h, j) => Math.max(h.length, ...body.map((b) => b[j]!.length)));
  const line = (cols: readonly string[]): string =>
    cols.map((c, j) => pad(c, widths[j]!, j >= 2 && !c.startsWith('✗'))).join('  ');
  const out: string[] = [];
  out.push(line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line));
  out.push('');
  out.push(
    'Cells: throughput (median of samples; GFLOP/s or images/s). "÷ peer" columns: best tapenet throughput / peer',
  );
  out.push(
    'throughput on that row, so > 1 means tapenet is faster. "≠": first-run outputs differ from tapenet\'s (Σv or Σv² by > 0.1%).',
  );
  for (const row of r.rows) {
    const ref = r.impls.find((i) => i.family === 'tapenet' && row.cells[i.id]?.status === 'ok');
    const refCell = ref ? row.cells[ref.id] : undefined;
    for (const id of row.mismatches) {
      const c = row.cells[id];
      if (c?.status === 'ok' && refCell?.status === 'ok') {
        notes.push(`≠ ${id} on ${row.title}: ${describe(c.check)}; ${ref?.id}: ${describe(refCell.check)}`);
      }
    }
  }
  if (notes.length) {
    out.push('', 'Notes:');
    for (const [i, n] of notes.entries()) out.push(`  [${i + 1}] ${n}`);
  }
  out.push('', 'Work counted as:');
  const titleWidth = Math.max(0, ...r.rows.map((row) => row.title.length));
  for (const row of r.rows) out.push(`  ${pad(row.title, titleWidth)}  ${row.formula}`);
  out.push('', 'Implementations (mode that really ran):');
  for (const i of r.impls) out.push(`  ${pad(i.id, 24)} ${i.mode}; ${i.notes}`);
  for (const u of r.unavailable) out.push(`  ${pad(u.id, 24)} unavailable: ${u.reason}`);
  if (r.profile) {
    const p = r.profile;
    out.push(
      '',
      `Per-kernel profile of the LeNet-5 step (b${p.batch}) on ${p.impl}, mean of ${p.steps} steps: ${fmtNum(p.stepMs)} ms/step`,
    );
    for (const e of p.entries) {
      const share = p.stepMs > 0 ? (100 * e.ms) / p.stepMs : 0;
      out.push(
        `  ${pad(e.name, 28)} ${pad(fmtNum(e.ms), 9, true)} ms ${pad(share.toFixed(1), 5, true)}%  ${e.calls ? `${Number.isInteger(e.calls) ? e.calls : e.calls.toFixed(1)} calls` : ''}`,
      );
    }
  }
  const m = r.machine;
  out.push(
    '',
    `Machine: ${m.cpu}, ${m.cores} cores, ${m.memGiB} GiB, ${m.platform}; Node ${m.node} (V8 ${m.v8}); commit ${m.commit}`,
  );
  out.push(
    `Date: ${r.date}; load average ${m.loadStart.join('/')} at start, ${r.loadEnd.join('/')} at end; peak RSS ${r.peakRssMiB} MiB; ${r.seconds} s`,
  );
  const t = r.options.timing;
  out.push(
    `Timing: set ${r.options.set}, scale ${r.options.scale}, ${t.reps} reps (median), warm-up ≥ ${t.warmupMs} ms, samples ≈ ${t.targetSampleMs} ms, ≤ ${t.cellBudgetMs} ms per cell`,
  );
  return out.join('\n');
}
