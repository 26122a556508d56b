/**
 * A few top-level scalar fields of a JSON object, read from its UTF-8 bytes in one pass without
 * building the document. The audit log wants a handful of business keys (`orderNumber`, `id` …)
 * from partner documents of up to 256 kB; `JSON.parse` of the whole body allocated an object tree
 * only to read a few fields of its root, and that parse and its garbage were a visible share of
 * the runner's CPU.
 *
 * The scan validates the whole document against the JSON grammar as it goes (so the answer is
 * the one `JSON.parse(new TextDecoder().decode(bytes))` gives, or nothing where that would throw),
 * skips nested objects and arrays without allocating, and decodes only the values it keeps.
 * It is linear in the input: every step moves forward, so no input can make it loop.
 */

/** The names to pick, compiled once so matching a member name needs no string per member. */
export class TopLevelFields {
  readonly names: ReadonlySet<string>;
  /** Whether some name is not pure ASCII, so a member name with bytes ≥ 0x80 must be decoded to be compared. */
  readonly beyondAscii: boolean;
  /** Pure-ASCII names as bytes, indexed by length: a member name is compared byte by byte. */
  private readonly ascii: (readonly { readonly name: string; readonly bytes: Uint8Array }[] | undefined)[] = [];

  constructor(names: Iterable<string>) {
    this.names = new Set(names);
    const encoder = new TextEncoder();
    let beyondAscii = false;
    for (const name of this.names) {
      const bytes = encoder.encode(name);
      if (bytes.length !== name.length) {
        beyondAscii = true; // only ever matched decoded
        continue;
      }
      const list = this.ascii[bytes.length] ?? [];
      this.ascii[bytes.length] = [...list, { name, bytes }];
    }
    this.beyondAscii = beyondAscii;
  }

  /** The ASCII wanted name the raw bytes [start, end) of a member name without escapes spell, if any (for the scan). */
  matchAscii(b: Uint8Array, start: number, end: number): string | undefined {
    const list = this.ascii[end - start];
    if (list === undefined) return undefined;
    for (const { name, bytes } of list) {
      let k = 0;
      while (k < bytes.length && bytes[k] === b[start + k]) k++;
      if (k === bytes.length) return name;
    }
    return undefined;
  }
}

/**
 * The string and number members of the top-level object of `bytes` whose names are in `fields`,
 * each as `JSON.parse` gives it (strings unescaped, numbers as parsed, so `1e3` is 1000). A later
 * duplicate wins, as in `JSON.parse`, even when it is not a scalar (then the name is absent).
 *
 * Empty when the document is not a JSON object (leading whitespace and a UTF-8 byte order mark
 * allowed, as `TextDecoder` drops the mark) or is malformed anywhere, nested values and trailing
 * bytes included: a malformed document yields nothing rather than what was read before the fault,
 * the answer `JSON.parse` gave by throwing. Bytes that are not UTF-8 inside a string decode to
 * U+FFFD, as `TextDecoder` decodes them; outside strings they make the document malformed.
 */
export function topLevelScalars(bytes: Uint8Array, fields: TopLevelFields): Map<string, string | number> {
  const found = new Map<string, string | number>();
  return scan(bytes, fields, found) ? found : new Map();
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LBRACKET = 0x5b;
const MINUS = 0x2d;
/** What a read past the end gives: NUL is invalid wherever the scan looks, so the end needs no check of its own. */
const END = 0;

/**
 * The closing byte of each open container, innermost last. Kept between calls and grown when a
 * document nests deeper, so a scan allocates nothing for nesting; calls are synchronous, so one
 * buffer serves them all.
 */
let closers: Uint8Array = new Uint8Array(64);
/**
 * Where the last backslash inside a string was: a string starting before it has escapes. Written
 * only when a backslash is met, so plain strings cost no bookkeeping.
 */
let lastEscape = -1;

const utf8 = new TextDecoder();

function scan(b: Uint8Array, fields: TopLevelFields, found: Map<string, string | number>): boolean {
  const n = b.length;
  let i = skipSpace(b, b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf ? 3 : 0, n);
  if (i >= n || b[i] !== LBRACE) return false;
  lastEscape = -1;
  let stack = closers;
  let depth = 0;
  let key = false; // a member name comes before the next value
  // The wanted name of the top-level member whose value comes next, if it is wanted.
  let wanted: string | undefined;
  for (;;) {
    let c = i < n ? (b[i] as number) : END;
    if (c <= 0x20) c = (i = skipSpace(b, i, n)) < n ? (b[i] as number) : END;
    if (key) {
      if (c !== QUOTE) return false;
      const end = stringEnd(b, i, n);
      if (end < 0) return false;
      if (depth === 1) wanted = memberName(b, i, end, fields);
      i = end;
      c = i < n ? (b[i] as number) : END;
      if (c <= 0x20) c = (i = skipSpace(b, i, n)) < n ? (b[i] as number) : END;
      if (c !== COLON) return false;
      c = ++i < n ? (b[i] as number) : END;
      if (c <= 0x20) c = (i = skipSpace(b, i, n)) < n ? (b[i] as number) : END;
      key = false;
    }
    // A value starts at i. Only a top-level member's value can be wanted.
    const pick = wanted;
    wanted = undefined;
    if (c === QUOTE) {
      const end = stringEnd(b, i, n);
      if (end < 0) return false;
      if (pick !== undefined) found.set(pick, decodeString(b, i, end));
      i = end;
    } else if (c === LBRACE || c === LBRACKET) {
      // Anything but a scalar replaces an earlier duplicate's, as JSON.parse's last write does.
      if (pick !== undefined) found.delete(pick);
      const close = c + 2; // } after {, ] after [
      let d = ++i < n ? (b[i] as number) : END;
      if (d <= 0x20) d = (i = skipSpace(b, i, n)) < n ? (b[i] as number) : END;
      if (d === close) {
        i++;
      } else {
        if (depth === stack.length) closers = stack = grow(stack);
        stack[depth++] = close;
        key = c === LBRACE;
        continue;
      }
    } else if (c === MINUS || (c >= 0x30 && c <= 0x39)) {
      const end = numberEnd(b, i, n);
      if (end < 0) return false;
      if (pick !== undefined) found.set(pick, Number(ascii(b, i, end)));
      i = end;
    } else {
      if (pick !== undefined) found.delete(pick);
      const end = literalEnd(b, i, n, c);
      if (end < 0) return false;
      i = end;
    }
    // After a value: a comma, or the end of its container (and maybe more ends).
    for (;;) {
      c = i < n ? (b[i] as number) : END;
      if (c <= 0x20) c = (i = skipSpace(b, i, n)) < n ? (b[i] as number) : END;
      if (depth === 0) return i >= n; // nothing but whitespace after the document
      const close = stack[depth - 1];
      i++;
      if (c === COMMA) {
        key = close === RBRACE;
        break;
      }
      if (c !== close) return false;
      depth--;
    }
  }
}

/** JSON whitespace only: space, tab, line feed, carriage return. */
function skipSpace(b: Uint8Array, i: number, n: number): number {
  while (i < n) {
    const c = b[i];
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i++;
    else break;
  }
  return i;
}

/**
 * The index after the closing quote of the string opening at `start`, or -1 when it is malformed:
 * unterminated, a raw control character, or an escape JSON does not have.
 */
function stringEnd(b: Uint8Array, start: number, n: number): number {
  let i = start + 1;
  while (i < n) {
    const c = b[i] as number;
    // Letters and most of what strings hold are above the backslash: one test for them.
    if (c > BACKSLASH) {
      i++;
    } else if (c === QUOTE) {
      return i + 1;
    } else if (c === BACKSLASH) {
      lastEscape = i;
      const e = i + 1 < n ? b[i + 1] : END;
      if (e === 0x75) {
        if (!isHex(b, i + 2, n) || !isHex(b, i + 3, n) || !isHex(b, i + 4, n) || !isHex(b, i + 5, n)) return -1;
        i += 6;
      } else if (e === QUOTE || e === BACKSLASH || e === 0x2f || e === 0x62 || e === 0x66 || e === 0x6e || e === 0x72 || e === 0x74) {
        i += 2;
      } else {
        return -1;
      }
    } else if (c < 0x20) {
      return -1;
    } else {
      i++;
    }
  }
  return -1;
}

function isHex(b: Uint8Array, i: number, n: number): boolean {
  if (i >= n) return false;
  const c = b[i] as number;
  return (c >= 0x30 && c <= 0x39) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x66);
}

/** The value of the string [start, end) that `stringEnd` just scanned, quotes included. */
function decodeString(b: Uint8Array, start: number, end: number): string {
  // Escapes validated, so JSON.parse of the slice cannot throw; it unescapes as the whole parse would.
  if (lastEscape > start) return JSON.parse(utf8.decode(b.subarray(start, end))) as string;
  return hasHigh(b, start + 1, end - 1) ? utf8.decode(b.subarray(start + 1, end - 1)) : ascii(b, start + 1, end - 1);
}

/** The wanted name a member name [start, end) (quotes included) spells, if any. */
function memberName(b: Uint8Array, start: number, end: number, fields: TopLevelFields): string | undefined {
  // Raw bytes with no escape spell an ASCII name only if they are that name's bytes; a name with
  // escapes, or a wanted name beyond ASCII, needs the decoded string.
  if (lastEscape < start) {
    const name = fields.matchAscii(b, start + 1, end - 1);
    if (name !== undefined || !fields.beyondAscii || !hasHigh(b, start + 1, end - 1)) return name;
  }
  const name = decodeString(b, start, end);
  return fields.names.has(name) ? name : undefined;
}

function hasHigh(b: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if ((b[i] as number) >= 0x80) return true;
  return false;
}

/** The index after the number starting at `start`, or -1 when it does not follow JSON's grammar. */
function numberEnd(b: Uint8Array, start: number, n: number): number {
  let i = start;
  let c = b[i] as number;
  if (c === MINUS) c = ++i < n ? (b[i] as number) : END;
  if (c === 0x30) i++;
  else if (c >= 0x31 && c <= 0x39) i = digitsEnd(b, i + 1, n);
  else return -1;
  c = i < n ? (b[i] as number) : END;
  if (c === 0x2e) {
    const after = digitsEnd(b, i + 1, n);
    if (after === i + 1) return -1;
    i = after;
    c = i < n ? (b[i] as number) : END;
  }
  if (c === 0x65 || c === 0x45) {
    c = ++i < n ? (b[i] as number) : END;
    if (c === 0x2b || c === MINUS) i++;
    const after = digitsEnd(b, i, n);
    if (after === i) return -1;
    i = after;
  }
  return i;
}

function digitsEnd(b: Uint8Array, i: number, n: number): number {
  while (i < n && (b[i] as number) >= 0x30 && (b[i] as number) <= 0x39) i++;
  return i;
}

/** The index after `true`, `false` or `null` at `start`, or -1 when none is there. */
function literalEnd(b: Uint8Array, start: number, n: number, c: number): number {
  if (c === 0x6e) return start + 4 <= n && b[start + 1] === 0x75 && b[start + 2] === 0x6c && b[start + 3] === 0x6c ? start + 4 : -1;
  if (c === 0x74) return start + 4 <= n && b[start + 1] === 0x72 && b[start + 2] === 0x75 && b[start + 3] === 0x65 ? start + 4 : -1;
  if (c === 0x66) return start + 5 <= n && b[start + 1] === 0x61 && b[start + 2] === 0x6c && b[start + 3] === 0x73 && b[start + 4] === 0x65 ? start + 5 : -1;
  return -1;
}

/** Bytes below 0x80 as a string: cheaper than a TextDecoder call for the short values kept. */
function ascii(b: Uint8Array, start: number, end: number): string {
  if (end - start > 64) return utf8.decode(b.subarray(start, end));
  let s = '';
  for (let i = start; i < end; i++) s += String.fromCharCode(b[i] as number);
  return s;
}

function grow(old: Uint8Array): Uint8Array {
  const bigger = new Uint8Array(old.length * 2);
  bigger.set(old);
  return bigger;
}
