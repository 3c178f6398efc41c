/**
 * @file CIFAR-10 and CIFAR-100 binary batches: a non-throwing parser and a serializer.
 *
 * A CIFAR-10 record is 1 label byte then 3072 pixel bytes: 1024 red, 1024 green, 1024 blue, each plane a 32x32
 * image in row-major order, so the pixels are already CHW. A CIFAR-100 record has 2 label bytes (coarse, fine)
 * before the same 3072 pixel bytes. A file is a plain concatenation of records, with no header.
 */
import * as E from 'fp-ts/lib/Either.js';
import { type DatasetError, datasetError } from './errors.js';

/** Pixel bytes per CIFAR image: 3 channels x 32 x 32. */
export const CIFAR_IMAGE_BYTES = 3 * 32 * 32;
/** Bytes per CIFAR-10 record (1 label byte + 3072 pixels). */
export const CIFAR10_RECORD_BYTES = 1 + CIFAR_IMAGE_BYTES;
/** Bytes per CIFAR-100 record (coarse label byte, fine label byte, 3072 pixels). */
export const CIFAR100_RECORD_BYTES = 2 + CIFAR_IMAGE_BYTES;

/** A parsed CIFAR batch: `images` is N x 3 x 32 x 32 (NCHW) bytes; `coarseLabels` only for CIFAR-100. */
export type CifarBatch = {
  readonly images: Uint8Array;
  /** CIFAR-10 class (0-9), or CIFAR-100 fine class (0-99). */
  readonly labels: Uint8Array;
  /** CIFAR-100 superclass (0-19). */
  readonly coarseLabels?: Uint8Array;
  readonly count: number;
};

type LabelField = { readonly name: string; readonly classes: number };

const parseRecords = (bytes: Uint8Array, file: string, fields: readonly LabelField[]) => {
  const recordBytes = fields.length + CIFAR_IMAGE_BYTES;
  if (bytes.length === 0 || bytes.length % recordBytes !== 0) {
    const whole = Math.floor(bytes.length / recordBytes);
    const what =
      bytes.length === 0
        ? 'is empty'
        : `has ${bytes.length} bytes = ${whole} records + ${bytes.length - whole * recordBytes} bytes`;
    return E.left(
      datasetError('truncated', file, `${what}; a batch must be a non-zero multiple of ${recordBytes}-byte records`),
    );
  }
  const count = bytes.length / recordBytes;
  const labels = fields.map(() => new Uint8Array(count));
  for (let r = 0; r < count; r++) {
    for (let f = 0; f < fields.length; f++) {
      const field = fields[f]!;
      const value = bytes[r * recordBytes + f]!;
      if (value >= field.classes) {
        return E.left(
          datasetError(
            'label-out-of-range',
            file,
            `record ${r} (byte offset ${r * recordBytes + f}) has ${field.name} label ${value}, expected 0-${field.classes - 1}`,
          ),
        );
      }
      labels[f]![r] = value;
    }
  }
  const images = new Uint8Array(count * CIFAR_IMAGE_BYTES);
  for (let r = 0; r < count; r++) {
    const start = r * recordBytes + fields.length;
    images.set(bytes.subarray(start, start + CIFAR_IMAGE_BYTES), r * CIFAR_IMAGE_BYTES);
  }
  return E.right({ images, labels, count });
};

/**
 * Parses a CIFAR-10 binary batch (e.g. `data_batch_1.bin`): `images` N x 3 x 32 x 32, `labels` 0-9.
 * Never throws; errors name the file and, for a bad label, the record index.
 */
export const parseCifar10 = (bytes: Uint8Array, file = '<memory>'): E.Either<DatasetError, CifarBatch> => {
  const parsed = parseRecords(bytes, file, [{ name: 'class', classes: 10 }]);
  if (E.isLeft(parsed)) return parsed;
  const { images, labels, count } = parsed.right;
  return E.right({ images, labels: labels[0]!, count });
};

/**
 * Parses a CIFAR-100 binary file (`train.bin` / `test.bin`): `coarseLabels` 0-19, `labels` (fine) 0-99.
 * Never throws; errors name the file and, for a bad label, the record index.
 */
export const parseCifar100 = (bytes: Uint8Array, file = '<memory>'): E.Either<DatasetError, CifarBatch> => {
  const fields = [
    { name: 'coarse', classes: 20 },
    { name: 'fine', classes: 100 },
  ];
  const parsed = parseRecords(bytes, file, fields);
  if (E.isLeft(parsed)) return parsed;
  const { images, labels, count } = parsed.right;
  return E.right({ images, labels: labels[1]!, coarseLabels: labels[0]!, count });
};

const serializeRecords = (images: Uint8Array, labelArrays: readonly Uint8Array[], name: string): Uint8Array => {
  const count = images.length / CIFAR_IMAGE_BYTES;
  if (!Number.isInteger(count)) {
    throw new RangeError(`${name}: images has ${images.length} bytes, not a multiple of ${CIFAR_IMAGE_BYTES}`);
  }
  for (const labels of labelArrays) {
    if (labels.length !== count) throw new RangeError(`${name}: ${count} images but ${labels.length} labels`);
  }
  const recordBytes = labelArrays.length + CIFAR_IMAGE_BYTES;
  const out = new Uint8Array(count * recordBytes);
  for (let r = 0; r < count; r++) {
    labelArrays.forEach((labels, f) => {
      out[r * recordBytes + f] = labels[r]!;
    });
    out.set(images.subarray(r * CIFAR_IMAGE_BYTES, (r + 1) * CIFAR_IMAGE_BYTES), r * recordBytes + labelArrays.length);
  }
  return out;
};

/**
 * Writes a CIFAR-10 binary batch, the inverse of {@link parseCifar10} (labels are written as given).
 * @throws RangeError when `images` is not N x 3072 bytes or `labels.length !== N`.
 */
export const serializeCifar10 = (batch: { readonly images: Uint8Array; readonly labels: Uint8Array }): Uint8Array =>
  serializeRecords(batch.images, [batch.labels], 'serializeCifar10');

/**
 * Writes a CIFAR-100 binary file, the inverse of {@link parseCifar100}.
 * @throws RangeError when `images` is not N x 3072 bytes or a label array does not have N entries.
 */
export const serializeCifar100 = (batch: {
  readonly images: Uint8Array;
  readonly labels: Uint8Array;
  readonly coarseLabels: Uint8Array;
}): Uint8Array => serializeRecords(batch.images, [batch.coarseLabels, batch.labels], 'serializeCifar100');
