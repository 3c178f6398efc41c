/** @file JSON values, and small readers that check a parsed JSON value's fields with clear messages. */

/** A JSON value. */
export type JsonValue = null | boolean | number | string | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/** A JSON object. */
export type JsonObject = { readonly [key: string]: JsonValue };

/** Whether `x` is a plain JSON object (not null, not an array). */
export const isJsonObject = (x: unknown): x is JsonObject => typeof x === 'object' && x !== null && !Array.isArray(x);

/** A field reader: returns the value or a message naming the field and what was expected. */
export type Read<A> = (x: unknown, field: string) => { ok: true; value: A } | { ok: false; message: string };

const describe = (x: unknown): string =>
  x === undefined
    ? 'missing'
    : Array.isArray(x)
      ? 'an array'
      : x === null
        ? 'null'
        : `${typeof x} ${JSON.stringify(x)}`;

const fail = (field: string, expected: string, x: unknown) =>
  ({ ok: false, message: `${field} must be ${expected}, got ${describe(x)}` }) as const;

/** A non-negative integer. */
export const readCount: Read<number> = (x, field) =>
  typeof x === 'number' && Number.isSafeInteger(x) && x >= 0
    ? { ok: true, value: x }
    : fail(field, 'a non-negative integer', x);

/** A string. */
export const readString: Read<string> = (x, field) =>
  typeof x === 'string' ? { ok: true, value: x } : fail(field, 'a string', x);

/** A JSON object. */
export const readObject: Read<JsonObject> = (x, field) =>
  isJsonObject(x) ? { ok: true, value: x } : fail(field, 'an object', x);
