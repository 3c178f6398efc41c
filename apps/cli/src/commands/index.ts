/** @file The command table of `tapenet`, in the order `--help` lists them. */
import type { Command } from '../command.js';
import { evalCommand } from './eval.js';
import { exportCommand } from './export.js';
import { modelsCommand } from './models.js';
import { reproduceCommand } from './reproduce.js';
import { summaryCommand } from './summary.js';
import { trainCommand } from './train.js';
import { visualizeCommand } from './visualize.js';

/** Every command of `tapenet`. */
export const COMMANDS: readonly Command[] = [
  trainCommand,
  evalCommand,
  summaryCommand,
  modelsCommand,
  visualizeCommand,
  exportCommand,
  reproduceCommand,
];
