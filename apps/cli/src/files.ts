/**
 * @file Checks on the paths a command is given, made with `stat` before anything is opened, so that a FIFO,
 * a socket, a device or a pseudo-file system is refused with a clear message instead of blocking or hanging;
 * and filesystem errors worded by what went wrong (permission denied, not "ENOENT").
 */
import { lstat, mkdir, realpath, stat, statfs } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { UsageError } from './command.js';

/** What a non-regular file is, in words ("a FIFO (named pipe)", "a directory", ...). */
export function kindOf(info: Stats): string {
  if (info.isDirectory()) return 'a directory';
  if (info.isFIFO()) return 'a FIFO (named pipe)';
  if (info.isSocket()) return 'a socket';
  if (info.isCharacterDevice()) return 'a character device';
  if (info.isBlockDevice()) return 'a block device';
  if (info.isSymbolicLink()) return 'a symbolic link';
  return 'a regular file';
}

/** A run folder's best checkpoint (RUN_FILES.best; not imported, to keep this module free of @tapenet/vis). */
const BEST_FILE = 'best.safetensors';

const PERMISSION = new Set(['EACCES', 'EPERM', 'EROFS']);

/** The error code of a Node filesystem error, or undefined. */
export const codeOf = (e: unknown): string | undefined =>
  typeof e === 'object' && e !== null && typeof (e as { code?: unknown }).code === 'string'
    ? (e as { code: string }).code
    : undefined;

/** Whether `e` is a permission problem (EACCES, EPERM, or EROFS: a read-only file system). */
export const isPermissionError = (e: unknown): boolean => PERMISSION.has(codeOf(e) ?? '');

/** `e` as a UsageError naming `option` and `path` when it is a permission problem; `e` itself otherwise. */
export function permissionAsUsage(option: string, path: string, e: unknown): unknown {
  if (!isPermissionError(e)) return e;
  const why = codeOf(e) === 'EROFS' ? 'read-only file system' : 'permission denied';
  return new UsageError(`${option}: '${path}' is not writable (${why})`);
}

/**
 * Stats `file` (following links) and throws a UsageError naming `option` unless it is a regular file: it
 * does not exist, or it is a directory, FIFO, socket or device. Opening a FIFO would block until a writer
 * comes, so this runs before any read.
 */
export async function requireRegularFile(option: string, file: string): Promise<Stats> {
  let info: Stats;
  try {
    info = await stat(file);
  } catch (e) {
    if (isPermissionError(e)) throw new UsageError(`${option}: '${file}' cannot be read (permission denied)`);
    throw new UsageError(`${option}: '${file}' does not exist`);
  }
  if (!info.isFile()) throw new UsageError(`${option}: '${file}' is ${kindOf(info)}, not a regular file`);
  return info;
}

/** Linux magic numbers (statfs f_type) of pseudo-file systems: nothing a run should write into. */
const PSEUDO_FS: ReadonlyMap<number, string> = new Map([
  [0x9fa0, 'proc'],
  [0x62656572, 'sysfs'],
  [0x1cd1, 'devpts'],
  [0x64626720, 'debugfs'],
  [0x74726163, 'tracefs'],
  [0x73636673, 'securityfs'],
  [0x27e0eb, 'cgroup'],
  [0x63677270, 'cgroup2'],
  [0x6165676c, 'pstore'],
  [0xcafe4a11, 'bpf'],
  [0x62656570, 'configfs'],
]);

/** Top-level folders of pseudo-file systems (also /dev, which is a devtmpfs of device nodes). */
const PSEUDO_ROOTS = ['/proc', '/sys', '/dev'];

const under = (path: string, root: string): boolean => path === root || path.startsWith(`${root}${sep}`);

/** The nearest ancestor of `path` (itself included) that exists, and its stat. */
async function existingAncestor(path: string): Promise<{ path: string; info: Stats }> {
  let p = resolve(path);
  for (;;) {
    const info = await stat(p).catch(() => undefined);
    if (info !== undefined) return { path: p, info };
    const up = dirname(p);
    if (up === p) throw new UsageError(`'${path}': no part of it exists`);
    p = up;
  }
}

/**
 * Refuses an output folder that cannot hold files: one under /proc, /sys or /dev, or whose nearest existing
 * ancestor is on a pseudo-file system (by its real path and its file system type), or an existing path
 * that is not a directory. Nothing is created or opened.
 */
export async function checkOutputDir(option: string, dir: string): Promise<void> {
  const { path, info } = await existingAncestor(dir);
  const real = await realpath(path).catch(() => path);
  const named = [resolve(dir), real].some((p) => PSEUDO_ROOTS.some((root) => under(p, root)));
  const fs = await statfs(real).then(
    (s) => PSEUDO_FS.get(s.type),
    () => undefined,
  );
  if (named || fs !== undefined) {
    throw new UsageError(
      `${option}: '${dir}' is on a pseudo-file system (${fs ?? PSEUDO_ROOTS.find((r) => under(real, r) || under(resolve(dir), r))}), not a folder for files`,
    );
  }
  if (path === resolve(dir) && !info.isDirectory()) {
    throw new UsageError(`${option}: '${dir}' is ${kindOf(info)}, not a folder`);
  }
  if (path !== resolve(dir) && !info.isDirectory()) {
    throw new UsageError(`${option}: '${path}' (in '${dir}') is ${kindOf(info)}, not a folder`);
  }
}

/** `checkOutputDir`, then creates the folder; a permission problem is a UsageError saying so. */
export async function makeOutputDir(option: string, dir: string): Promise<void> {
  await checkOutputDir(option, dir);
  try {
    await mkdir(dir, { recursive: true });
  } catch (e) {
    throw permissionAsUsage(option, dir, e);
  }
}

/**
 * The checkpoint a run folder or checkpoint path names (a folder means its best.safetensors), checked to be
 * a regular file; `label` names the argument in errors.
 */
export async function runCheckpoint(label: string, target: string): Promise<string> {
  const info = await stat(target).catch(() => undefined);
  if (info === undefined) throw new UsageError(`'${target}' is neither a run folder nor a checkpoint file`);
  if (!info.isDirectory()) {
    await requireRegularFile(label, target);
    return target;
  }
  const file = join(target, BEST_FILE);
  if ((await lstat(file).catch(() => undefined)) === undefined) {
    throw new UsageError(`${label}: '${target}' has no ${BEST_FILE}; is it a run folder written by 'tapenet train'?`);
  }
  await requireRegularFile(label, file);
  return file;
}
