/** @file The typed errors of every dataset parser and loader, and the thin throwing conveniences. */
import * as E from 'fp-ts/lib/Either.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';

/**
 * What went wrong, as a closed set of tags:
 * - `missing-file`: a file or folder the loader needs is absent (the message says how to get it);
 * - `io`: the file exists but could not be read or written;
 * - `decompress`: a `.gz` file is not valid gzip or inflates past the size limit;
 * - `truncated`: fewer bytes than the header (or record size) promises;
 * - `trailing-bytes`: more bytes than the header promises;
 * - `bad-magic`: the IDX magic number is wrong;
 * - `bad-type`: the IDX element-type byte is not one of the six the format defines;
 * - `bad-dims`: the dimensions are not the ones expected (rank, image size);
 * - `too-large`: the sizes stated in a header exceed the accepted bound;
 * - `label-out-of-range`: a label is not a valid class index;
 * - `count-mismatch`: image and label files disagree on the number of examples;
 * - `bad-json`: a JSON source file does not have the documented structure.
 */
export type DatasetErrorKind =
  | 'missing-file'
  | 'io'
  | 'decompress'
  | 'truncated'
  | 'trailing-bytes'
  | 'bad-magic'
  | 'bad-type'
  | 'bad-dims'
  | 'too-large'
  | 'label-out-of-range'
  | 'count-mismatch'
  | 'bad-json';

/** A typed dataset error. `message` is complete on its own: it names `file` and the exact problem. */
export type DatasetError = {
  readonly kind: DatasetErrorKind;
  readonly file: string;
  readonly message: string;
};

/** Builds a {@link DatasetError} whose message starts with the file name: `${file}: ${problem}`. */
export const datasetError = (kind: DatasetErrorKind, file: string, problem: string): DatasetError => ({
  kind,
  file,
  message: `${file}: ${problem}`,
});

/** The exception thrown by {@link orThrow} and {@link runOrThrow}; `error` keeps the typed error. */
export class DatasetLoadError extends Error {
  /** The typed error this exception carries. */
  readonly error: DatasetError;

  constructor(error: DatasetError) {
    super(`[${error.kind}] ${error.message}`);
    this.name = 'DatasetLoadError';
    this.error = error;
  }
}

/**
 * Unwraps an `Either`, throwing a {@link DatasetLoadError} on `Left`.
 * @example const mnist = orThrow(parseIdx(bytes, 'train-images-idx3-ubyte'));
 */
export const orThrow = <A>(result: E.Either<DatasetError, A>): A => {
  if (E.isLeft(result)) throw new DatasetLoadError(result.left);
  return result.right;
};

/**
 * Runs a loader's `TaskEither` and resolves with its value, rejecting with a {@link DatasetLoadError}.
 * @example const train = await runOrThrow(loadMnist({ split: 'train' }));
 */
export const runOrThrow = async <A>(task: TE.TaskEither<DatasetError, A>): Promise<A> => orThrow(await task());
