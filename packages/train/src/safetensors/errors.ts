/** @file Typed errors for reading and writing safetensors files, and their messages. */

/** Fields every error carries: the file it concerns (`'<memory>'` for a buffer). */
type At = { readonly file: string };

/**
 * Every way a safetensors file can be rejected. Each variant names the tensor (where there is one) and
 * the numbers involved, so a message can say exactly what is wrong without re-reading the file.
 */
export type SafetensorsError = At &
  (
    | { readonly kind: 'io'; readonly code: string; readonly message: string }
    | { readonly kind: 'too-small'; readonly fileSize: number }
    | { readonly kind: 'header-too-large'; readonly headerLength: number; readonly limit: number }
    | { readonly kind: 'header-length'; readonly headerLength: number; readonly fileSize: number }
    | { readonly kind: 'bad-utf8' }
    | { readonly kind: 'header-start' /** the first header byte, or -1 for an empty header */; readonly byte: number }
    | { readonly kind: 'bad-json'; readonly message: string; readonly position: number }
    | { readonly kind: 'header-limit'; readonly message: string }
    | { readonly kind: 'duplicate-key'; readonly key: string; readonly path: string }
    | { readonly kind: 'bad-metadata'; readonly key: string | null; readonly message: string }
    | { readonly kind: 'bad-entry'; readonly tensor: string; readonly message: string }
    | { readonly kind: 'unknown-dtype'; readonly tensor: string; readonly dtype: string }
    | { readonly kind: 'bad-shape'; readonly tensor: string; readonly message: string }
    | { readonly kind: 'overflow'; readonly tensor: string; readonly dtype: string; readonly shape: readonly number[] }
    | {
        readonly kind: 'misaligned';
        readonly tensor: string;
        readonly dtype: string;
        readonly elements: number;
        readonly bits: number;
      }
    | {
        readonly kind: 'size-mismatch';
        readonly tensor: string;
        readonly dtype: string;
        readonly shape: readonly number[];
        readonly expectedBytes: number;
        readonly actualBytes: number;
      }
    | {
        readonly kind: 'bad-offsets';
        readonly tensor: string;
        readonly begin: number;
        readonly end: number;
        readonly bufferLength: number;
        readonly message: string;
      }
    | {
        readonly kind: 'overlap';
        readonly tensor: string;
        readonly begin: number;
        readonly other: string;
        readonly otherEnd: number;
      }
    | {
        readonly kind: 'hole';
        readonly begin: number;
        readonly end: number;
        readonly after: string | null;
        readonly before: string | null;
      }
    | { readonly kind: 'bad-name'; readonly tensor: string; readonly message: string }
  );

/** The discriminant of {@link SafetensorsError}. */
export type SafetensorsErrorKind = SafetensorsError['kind'];

const shapeText = (shape: readonly number[]): string => `[${shape.join(', ')}]`;

/** Longest name or quoted text an error message repeats from a file: a hostile header can hold megabytes. */
const MAX_QUOTED = 200;

/** `JSON.stringify(text)`, cut to {@link MAX_QUOTED} characters with the full length said. */
const quote = (text: string): string =>
  text.length <= MAX_QUOTED
    ? JSON.stringify(text)
    : `${JSON.stringify(text.slice(0, MAX_QUOTED))}… (${text.length} characters)`;

/** A one-line, human-readable description of `e`, naming the file, the tensor and the numbers. */
export function formatSafetensorsError(e: SafetensorsError): string {
  const at = `${e.file}: `;
  switch (e.kind) {
    case 'io':
      return `${at}${e.code}: ${e.message}`;
    case 'too-small':
      return `${at}file is ${e.fileSize} bytes, shorter than the 8-byte header length`;
    case 'header-too-large':
      return `${at}header length ${e.headerLength} exceeds the limit of ${e.limit} bytes`;
    case 'header-length':
      return `${at}header length ${e.headerLength} does not fit in a file of ${e.fileSize} bytes`;
    case 'bad-utf8':
      return `${at}header is not valid UTF-8`;
    case 'header-start':
      return e.byte < 0
        ? `${at}header is empty; it must start with '{'`
        : `${at}header starts with byte 0x${e.byte.toString(16).padStart(2, '0')}, not '{'`;
    case 'bad-json':
      return `${at}header is not valid JSON at character ${e.position}: ${e.message}`;
    case 'header-limit':
      return `${at}header refused: ${e.message}`;
    case 'duplicate-key':
      return `${at}duplicate key ${quote(e.key)} in ${e.path.length <= MAX_QUOTED ? e.path : `${e.path.slice(0, MAX_QUOTED)}…`}`;
    case 'bad-metadata':
      return `${at}__metadata__${e.key === null ? '' : `[${quote(e.key)}]`}: ${e.message}`;
    case 'bad-entry':
    case 'bad-shape':
    case 'bad-name':
      return `${at}tensor ${quote(e.tensor)}: ${e.message}`;
    case 'unknown-dtype':
      return `${at}tensor ${quote(e.tensor)}: unknown dtype ${quote(e.dtype)}`;
    case 'overflow':
      return `${at}tensor ${quote(e.tensor)}: size of ${e.dtype} ${shapeText(e.shape)} overflows`;
    case 'misaligned':
      return `${at}tensor ${quote(e.tensor)}: ${e.elements} elements of ${e.dtype} take ${e.bits} bits, not whole bytes`;
    case 'size-mismatch':
      return `${at}tensor ${quote(e.tensor)}: ${e.dtype} ${shapeText(e.shape)} needs ${e.expectedBytes} bytes but has ${e.actualBytes}`;
    case 'bad-offsets':
      return `${at}tensor ${quote(e.tensor)}: data_offsets [${e.begin}, ${e.end}] ${e.message} (buffer is ${e.bufferLength} bytes)`;
    case 'overlap':
      return `${at}tensor ${quote(e.tensor)} starts at ${e.begin}, inside ${quote(e.other)} which ends at ${e.otherEnd}`;
    case 'hole': {
      const after = e.after === null ? 'the start of the buffer' : quote(e.after);
      const before = e.before === null ? 'the end of the buffer' : quote(e.before);
      return `${at}bytes [${e.begin}, ${e.end}) between ${after} and ${before} belong to no tensor`;
    }
  }
}

/** The exception the throwing wrappers raise; `error` holds the typed error. */
export class SafetensorsException extends Error {
  override readonly name = 'SafetensorsException';
  constructor(readonly error: SafetensorsError) {
    super(formatSafetensorsError(error));
  }
}
