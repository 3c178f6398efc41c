/** @file Argument parsing on top of `node:util` `parseArgs`, with one-line errors naming the option. */
import { parseArgs } from 'node:util';
import { UsageError } from './command.js';

/** The option table `parseArgs` takes. */
export type OptionSpec = Record<string, { type: 'string' | 'boolean'; short?: string }>;

/** Parsed options (string or boolean values) and positionals. */
export type Parsed = { readonly values: Record<string, string | boolean | undefined>; readonly positionals: string[] };

/** Parses `argv` strictly; unknown options and missing values become a `UsageError`. `--help` is always known. */
export function parse(argv: string[], options: OptionSpec): Parsed {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
    return { values: values as Parsed['values'], positionals };
  } catch (e) {
    // Node's messages are long and mention `parseArgs`; keep the useful first sentence.
    const message = (e as Error).message.split('. ')[0]!.replace(/^Unknown option '(.*)'$/, "unknown option '$1'");
    throw new UsageError(message.replace(/\.$/, ''));
  }
}

/** A string option, or undefined. */
export const str = (p: Parsed, name: string): string | undefined => {
  const v = p.values[name];
  return typeof v === 'string' ? v : undefined;
};

/** A positive integer option (`--epochs 5`), or `fallback`. */
export function int(p: Parsed, name: string, fallback: number, min = 1): number {
  const v = str(p, name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!/^\d+$/.test(v.trim()) || !Number.isSafeInteger(n) || n < min) {
    throw new UsageError(`--${name} must be an integer ≥ ${min}, got '${v}'`);
  }
  return n;
}

/** A positive number option (`--lr 1e-3`), or `fallback`. */
export function num(p: Parsed, name: string, fallback: number, allowZero = false): number {
  const v = str(p, name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n < 0 || (!allowZero && n === 0)) {
    throw new UsageError(`--${name} must be a ${allowZero ? 'non-negative' : 'positive'} number, got '${v}'`);
  }
  return n;
}

/** One of `choices`, or `fallback`. */
export function choice<T extends string>(p: Parsed, name: string, choices: readonly T[], fallback: T): T {
  const v = str(p, name);
  if (v === undefined) return fallback;
  if (!(choices as readonly string[]).includes(v)) {
    throw new UsageError(`--${name} must be one of ${choices.join(', ')}; got '${v}'`);
  }
  return v as T;
}

/** Exactly `n` positionals named `names`. */
export function positionals(p: Parsed, names: readonly string[]): string[] {
  if (p.positionals.length < names.length) throw new UsageError(`missing <${names[p.positionals.length]}>`);
  if (p.positionals.length > names.length) {
    throw new UsageError(`unexpected argument '${p.positionals[names.length]}'`);
  }
  return p.positionals;
}

/** `C,H,W` (three positive integers) as a shape; a UsageError naming `option` otherwise. */
export function parseShape(option: string, text: string): [number, number, number] {
  const parts = text.split(',').map((t) => t.trim());
  const dims = parts.map(Number);
  if (parts.length !== 3 || !dims.every((d, i) => /^\d+$/.test(parts[i]!) && d >= 1)) {
    throw new UsageError(`${option} must be three positive integers C,H,W (e.g. 3,32,32), got '${text}'`);
  }
  return dims as [number, number, number];
}
