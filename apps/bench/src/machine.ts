/** @file What the numbers were measured on: CPU, cores, memory, Node, load, and the git commit. */
import { execFileSync } from 'node:child_process';
import os from 'node:os';

export type Machine = {
  readonly cpu: string;
  readonly cores: number;
  readonly memGiB: number;
  readonly node: string;
  readonly v8: string;
  readonly platform: string;
  readonly commit: string;
  /** 1/5/15-minute load averages when the run started. */
  readonly loadStart: readonly number[];
};

function commit(): string {
  try {
    const out = execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const dirty = execFileSync('git', ['status', '--porcelain'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    return `${out.trim()}${dirty.trim() ? ' (uncommitted changes)' : ''}`;
  } catch {
    return 'unknown';
  }
}

export function machineInfo(): Machine {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    v8: process.versions.v8,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    commit: commit(),
    loadStart: os.loadavg().map((v) => Math.round(v * 100) / 100),
  };
}

/** Peak resident set size of this process so far, in MiB. */
export const peakRssMiB = (): number => Math.round(process.resourceUsage().maxRSS / 1024);
