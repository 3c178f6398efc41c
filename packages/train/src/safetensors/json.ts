/**
 * @file A strict JSON parser for safetensors headers. Unlike `JSON.parse` it rejects duplicate keys,
 * keeps the source text of numbers (so `1.0` and `1e2` can be told from `1` and `100`), stores
 * objects in `Map`s (so a key such as `__proto__` is just a key), caps nesting depth (so a hostile
 * header cannot exhaust the stack), and returns its failures instead of throwing.
 */

/** A parsed JSON value. Numbers keep their source text in `raw`. */
export type Json =
  | { readonly t: 'null' }
  | { readonly t: 'bool'; readonly v: boolean }
  | { readonly t: 'num'; readonly v: number; readonly raw: string }
  | { readonly t: 'str'; readonly v: string }
  | { readonly t: 'arr'; readonly items: readonly Json[] }
  | { readonly t: 'obj'; readonly members: ReadonlyMap<string, Json> };

/** Why parsing failed: a syntax error at a character position, or a key seen twice in one object. */
export type JsonFailure =
  | { readonly kind: 'syntax'; readonly message: string; readonly position: number }
  | { readonly kind: 'duplicate-key'; readonly key: string; readonly path: string }
  | { readonly kind: 'limit'; readonly message: string; readonly path: string };

/**
 * Size limits, checked while parsing so that an oversized document is refused after reading no more than
 * the limit's worth of it (a header of a million entries or a shape of ten million dimensions is refused
 * in milliseconds, before it is built).
 */
export type JsonLimits = {
  /** Most members of any one object. */
  readonly maxMembers: number;
  /** Most items of any one array. */
  readonly maxItems: number;
};

const NO_LIMITS: JsonLimits = { maxMembers: Number.POSITIVE_INFINITY, maxItems: Number.POSITIVE_INFINITY };

/** The outcome of {@link parseJson}. */
export type JsonResult =
  | { readonly ok: true; readonly value: Json }
  | { readonly ok: false; readonly failure: JsonFailure };

/** Deepest nesting accepted. A valid header needs 3 (header → entry → shape). */
export const MAX_JSON_DEPTH = 32;

const ESCAPES: Readonly<Record<string, string>> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};

/** Internal control flow: thrown inside the parser, caught once in {@link parseJson}. */
class Fail {
  constructor(readonly failure: JsonFailure) {}
}

const isSpace = (c: number): boolean => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
const isHighSurrogate = (c: number): boolean => c >= 0xd800 && c <= 0xdbff;
const isLowSurrogate = (c: number): boolean => c >= 0xdc00 && c <= 0xdfff;

/**
 * Parses `text` as one JSON value surrounded by optional whitespace. Linear in the text length; never
 * throws; nesting beyond {@link MAX_JSON_DEPTH} and unpaired surrogate escapes are syntax errors.
 */
export function parseJson(text: string, limits: JsonLimits = NO_LIMITS): JsonResult {
  const numberPattern = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
  let i = 0;
  // Keys and indices from the root to the value being parsed; turned into text only for an error.
  const path: (string | number)[] = [];
  const pathText = (): string =>
    `$${path.map((k) => (typeof k === 'number' ? `[${k}]` : `[${JSON.stringify(k)}]`)).join('')}`;
  const fail: (message: string, position?: number) => never = (message, position = i) => {
    throw new Fail({ kind: 'syntax', message, position });
  };
  const skipSpace = (): void => {
    while (i < text.length && isSpace(text.charCodeAt(i))) i++;
  };
  const expect = (ch: string): void => {
    if (text[i] !== ch) fail(i < text.length ? `expected '${ch}'` : `expected '${ch}' before the end`);
    i++;
  };
  const hex4 = (): number => {
    const h = text.slice(i, i + 4);
    if (!/^[0-9a-fA-F]{4}$/.test(h)) fail('bad \\u escape');
    i += 4;
    return Number.parseInt(h, 16);
  };
  const parseString = (): string => {
    expect('"');
    let out = '';
    let runStart = i;
    for (;;) {
      if (i >= text.length) fail('unterminated string');
      const c = text.charCodeAt(i);
      if (c === 0x22) break;
      if (c < 0x20) fail('control character in string');
      if (c !== 0x5c) {
        i++;
        continue;
      }
      out += text.slice(runStart, i);
      const e = text[i + 1] ?? '';
      i += 2;
      if (e === 'u') {
        const u = hex4();
        if (isLowSurrogate(u)) fail('unpaired surrogate escape', i - 6);
        if (isHighSurrogate(u)) {
          if (text.slice(i, i + 2) !== '\\u') fail('unpaired surrogate escape', i - 6);
          i += 2;
          const lo = hex4();
          if (!isLowSurrogate(lo)) fail('unpaired surrogate escape', i - 12);
          out += String.fromCharCode(u, lo);
        } else {
          out += String.fromCharCode(u);
        }
      } else {
        const s = ESCAPES[e];
        if (s === undefined) fail('bad escape', i - 2);
        out += s;
      }
      runStart = i;
    }
    out += text.slice(runStart, i);
    i++;
    return out;
  };
  const parseValue = (depth: number): Json => {
    skipSpace();
    const c = text[i];
    if (c === '{' || c === '[') {
      if (depth >= MAX_JSON_DEPTH) fail(`nesting deeper than ${MAX_JSON_DEPTH}`);
      return c === '{' ? parseObject(depth + 1) : parseArray(depth + 1);
    }
    if (c === '"') return { t: 'str', v: parseString() };
    for (const [word, value] of [
      ['true', { t: 'bool', v: true }],
      ['false', { t: 'bool', v: false }],
      ['null', { t: 'null' }],
    ] as const) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return value;
      }
    }
    numberPattern.lastIndex = i;
    const m = numberPattern.exec(text);
    if (m === null) return fail(i < text.length ? 'unexpected character' : 'unexpected end');
    const raw = m[0];
    i += raw.length;
    return { t: 'num', v: Number(raw), raw };
  };
  const parseArray = (depth: number): Json => {
    expect('[');
    const items: Json[] = [];
    skipSpace();
    if (text[i] === ']') {
      i++;
      return { t: 'arr', items };
    }
    for (;;) {
      if (items.length >= limits.maxItems) {
        throw new Fail({ kind: 'limit', message: `an array longer than ${limits.maxItems} items`, path: pathText() });
      }
      path.push(items.length);
      items.push(parseValue(depth));
      path.pop();
      skipSpace();
      if (text[i] === ']') break;
      expect(',');
    }
    i++;
    return { t: 'arr', items };
  };
  const parseObject = (depth: number): Json => {
    expect('{');
    const members = new Map<string, Json>();
    skipSpace();
    if (text[i] === '}') {
      i++;
      return { t: 'obj', members };
    }
    for (;;) {
      if (members.size >= limits.maxMembers) {
        throw new Fail({
          kind: 'limit',
          message: `an object of more than ${limits.maxMembers} members`,
          path: pathText(),
        });
      }
      skipSpace();
      const key = parseString();
      if (members.has(key)) throw new Fail({ kind: 'duplicate-key', key, path: pathText() });
      skipSpace();
      expect(':');
      path.push(key);
      members.set(key, parseValue(depth));
      path.pop();
      skipSpace();
      if (text[i] === '}') break;
      expect(',');
    }
    i++;
    return { t: 'obj', members };
  };
  try {
    const value = parseValue(0);
    skipSpace();
    if (i !== text.length) fail('unexpected text after the value');
    return { ok: true, value };
  } catch (e) {
    if (e instanceof Fail) return { ok: false, failure: e.failure };
    throw e;
  }
}
