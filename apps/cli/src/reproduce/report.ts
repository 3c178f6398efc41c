/**
 * @file The report of a reproduction: `report.md` (what ran, where and how long, the published result,
 * the tables, the pictures, the differences from the published recipe) and `results.json` (the numbers,
 * apart from the run's circumstances, so that two runs with one seed compare equal).
 */
import { cpus } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from '@tapenet/autodiff/node';
import { tapenetVersion } from '@tapenet/train';
import type { Experiment, Report, Table } from './experiment.js';

/** Where and how a report was made. */
export type RunInfo = {
  readonly command: string;
  readonly quick: boolean;
  readonly seed: number;
  readonly backend: string;
  readonly started: Date;
  readonly seconds: number;
};

/** The machine in words, e.g. `2 x AMD EPYC 7B13, Node v20.19.0, linux`. */
export function machine(): string {
  const list = cpus();
  return `${list.length} x ${list[0]?.model.trim() ?? 'unknown CPU'}, Node ${process.version}, ${process.platform}`;
}

/** `seconds` as `4.2 s`, `42 s`, `3 min 05 s`, `5 h 07 min` or `3.4 days`. */
export function duration(seconds: number): string {
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 1 : 0)} s`;
  if (seconds >= 2 * 86400) return `${(seconds / 86400).toFixed(1)} days`;
  const [unit, small, per] = seconds < 3600 ? ['min', 's', 60] : ['h', 'min', 3600];
  const whole = Math.floor(seconds / per);
  const rest = Math.floor((seconds - whole * per) / (per / 60));
  return `${whole} ${unit} ${String(rest).padStart(2, '0')} ${small}`;
}

/** Whether a cell reads as a number (right-aligned): `12.5`, `−3`, `0.95 ± 0.10`, `28x28`, or empty. */
const numeric = (s: string): boolean => s === '' || /^[-−+]?\d/.test(s);

/** A markdown table (the first row is the header; `|` in cells escaped; numeric columns right-aligned). */
export function markdownTable(table: Table): string {
  const cell = (s: string) => s.replaceAll('|', '\\|');
  const [head, ...rows] = table.rows;
  if (head === undefined) return '';
  const right = head.map((_, i) => i > 0 && rows.every((r) => numeric(r[i] ?? '')));
  const lines = [
    `| ${head.map(cell).join(' | ')} |`,
    `| ${right.map((r) => (r ? '---:' : '---')).join(' | ')} |`,
    ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ];
  return `${table.caption === undefined ? '' : `${table.caption}\n\n`}${lines.join('\n')}`;
}

/** The markdown of a report. */
export function reportMarkdown(experiment: Experiment, report: Report, info: RunInfo): string {
  const parts = [
    `# ${experiment.title}`,
    [
      `- command: \`${info.command}\``,
      `- size: ${info.quick ? 'quick (the CI size)' : 'full'}, seed ${info.seed}`,
      `- date: ${info.started.toISOString().slice(0, 16).replace('T', ' ')} UTC; time taken: ${duration(info.seconds)}`,
      `- machine: ${machine()}; backend ${info.backend}; tapenet ${tapenetVersion()}`,
    ].join('\n'),
    `**Published:** ${experiment.published}`,
    ...report.summary,
    ...report.tables.map(markdownTable),
    ...report.figures.map((f) => `![${f.caption}](${f.file})\n\n*${f.caption}*`),
    ...(report.differences.length === 0
      ? []
      : ['## Differences from the published recipe', report.differences.map((d) => `- ${d}`).join('\n')]),
  ];
  return `${parts.join('\n\n')}\n`;
}

/** File names a reproduction writes besides its pictures. */
export const REPORT_FILES = { markdown: 'report.md', json: 'results.json' } as const;

/** Writes report.md and results.json into `dir` (atomically, each). */
export async function writeReport(dir: string, experiment: Experiment, report: Report, info: RunInfo): Promise<void> {
  await writeFileAtomic(join(dir, REPORT_FILES.markdown), reportMarkdown(experiment, report, info));
  const json = {
    experiment: experiment.name,
    size: info.quick ? 'quick' : 'full',
    seed: info.seed,
    results: report.results,
    run: {
      command: info.command,
      date: info.started.toISOString(),
      seconds: info.seconds,
      machine: machine(),
      backend: info.backend,
      tapenet: tapenetVersion(),
    },
  };
  await writeFileAtomic(join(dir, REPORT_FILES.json), `${JSON.stringify(json, null, 2)}\n`);
}
