/**
 * @file The contract of a reproduction: an experiment is a value with a name, what it reproduces and a
 * `run(ctx)` that trains and measures at the size `ctx.quick` picks and returns its report. The command
 * (`commands/reproduce.ts`) owns the run folder, the backend and the markdown; an experiment only
 * computes, draws its pictures through `ctx.png` and says what it measured.
 */
import type { Io } from '../command.js';
import type { JsonValue } from '@tapenet/train';

/** A table for the report: the first row is the header. */
export type Table = { readonly caption?: string; readonly rows: readonly (readonly string[])[] };

/** A picture written into the run folder, with its caption. */
export type Figure = { readonly file: string; readonly caption: string };

/** What an experiment measured, ready for report.md and results.json. */
export type Report = {
  /** Paragraphs before the tables: what was run, the headline numbers beside the published ones. */
  readonly summary: readonly string[];
  readonly tables: readonly Table[];
  readonly figures: readonly Figure[];
  /** Where this run differs from the published recipe, one item each. */
  readonly differences: readonly string[];
  /** Every number measured, for results.json: the same for the same seed and size (no timings here). */
  readonly results: JsonValue;
};

/** What an experiment gets from the command. */
export type RunContext = {
  /** The CI size (minutes at most) instead of the full one. */
  readonly quick: boolean;
  readonly seed: number;
  /** `--epochs N`: training epochs (passes) instead of the size's own, for a shorter or longer run. */
  readonly epochs: number | undefined;
  /** The run folder, created and locked. */
  readonly out: string;
  /** `--data DIR`, for the experiments whose data is not on the registry. */
  readonly dataDir: string | undefined;
  readonly io: Io;
  /** Writes `bytes` (a PNG) as `file` in the run folder and returns it as a figure. */
  png(file: string, bytes: Uint8Array, caption: string): Promise<Figure>;
  /** Prints a line of progress on stdout. */
  say(line: string): void;
};

/** One reproduction. */
export type Experiment = {
  readonly name: string;
  /** The report's title. */
  readonly title: string;
  /** One line for `tapenet reproduce --help`. */
  readonly summary: string;
  /** The published result it is measured against, one sentence with the source. */
  readonly published: string;
  /** Whether it needs `--data DIR` (data that is not on the registry). */
  readonly needsData: boolean;
  run(ctx: RunContext): Promise<Report>;
};

/** Thrown when Ctrl-C stopped a training run; the command exits 130 without a report. */
export class Interrupted extends Error {
  override readonly name = 'Interrupted';
}
