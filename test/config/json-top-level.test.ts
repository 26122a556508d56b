import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TopLevelFields, topLevelScalars } from '../../runtime/config/json-top-level.ts';

// The oracle: what reading the fields after JSON.parse of the decoded document gives.
function parsedPick(bytes: Uint8Array, names: ReadonlySet<string>): Map<string, string | number> | 'throws' {
  let doc: unknown;
  try {
    doc = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return 'throws';
  }
  const out = new Map<string, string | number>();
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return out;
  for (const name of names) {
    if (!Object.hasOwn(doc, name)) continue;
    const v = (doc as Record<string, unknown>)[name];
    if (typeof v === 'string' || typeof v === 'number') out.set(name, v);
  }
  return out;
}

/** Why the scan disagrees with the oracle (a malformed document must give nothing), or undefined. */
function disagreement(bytes: Uint8Array, fields: TopLevelFields): string | undefined {
  const got = topLevelScalars(bytes, fields);
  const oracle = parsedPick(bytes, fields.names);
  const want = oracle === 'throws' ? new Map<string, string | number>() : oracle;
  const show = (m: Map<string, string | number>) => JSON.stringify([...m].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => [k, Object.is(v, -0) ? '-0' : v]));
  return show(got) === show(want) ? undefined : `scan ${show(got)}, JSON.parse ${oracle === 'throws' ? 'throws' : show(want)}`;
}

/** mulberry32: small, seeded, so a failing case names its seed and reproduces. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WANTED = ['id', 'name', 'orderNumber', 'order_number', 'é', '😀key', '__proto__', ''];
const OTHER_KEYS = ['a', 'ID', 'nam', 'names', 'line_items', 'x y', 'ünï', 'constructor', 'toString'];
const CHARS = ['a', 'Z', '0', ' ', '/', '"', '\\', '\n', '\t', '\u0000', '\u001f', '\u007f', 'é', '中', '\u2028', '😀', '𝄞', '\ud800', '\udfff', '#', '-', '.'];

/** Random JSON text exercising what the scan must get right; keys come back often, so duplicates are common. */
class Writer {
  constructor(private readonly r: () => number) {}
  private pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.r() * xs.length)] as T;
  }
  ws(): string {
    return this.r() < 0.6 ? '' : this.pick([' ', '\n', '\t', '\r\n  ', '   ', '\r']);
  }
  text(): string {
    let s = '';
    const len = Math.floor(this.r() * 8);
    for (let k = 0; k < len; k++) s += this.pick(CHARS);
    return s;
  }
  string(s: string): string {
    let out = '"';
    for (const ch of s) {
      const cp = ch.codePointAt(0) as number;
      const escape = this.r() < 0.15;
      if (ch === '"' || ch === '\\') out += '\\' + ch;
      else if (cp >= 0xd800 && cp <= 0xdfff) out += this.unicode(cp); // a lone surrogate has no UTF-8
      else if (cp < 0x20) out += { 8: '\\b', 9: '\\t', 10: '\\n', 12: '\\f', 13: '\\r' }[cp] ?? this.unicode(cp);
      else if (ch === '/' && escape) out += '\\/';
      else if (escape) for (let k = 0; k < ch.length; k++) out += this.unicode(ch.charCodeAt(k));
      else out += ch;
    }
    return out + '"';
  }
  private unicode(unit: number): string {
    const hex = unit.toString(16).padStart(4, '0');
    return '\\u' + (this.r() < 0.5 ? hex : hex.toUpperCase());
  }
  number(): string {
    const digits = (n: number) => Array.from({ length: n }, () => String(Math.floor(this.r() * 10))).join('');
    let s = this.r() < 0.4 ? '-' : '';
    s += this.r() < 0.2 ? '0' : String(1 + Math.floor(this.r() * 9)) + digits(Math.floor(this.r() * 20));
    if (this.r() < 0.3) s += '.' + digits(1 + Math.floor(this.r() * 6));
    if (this.r() < 0.3) s += this.pick(['e', 'E']) + this.pick(['', '+', '-']) + digits(1 + Math.floor(this.r() * 3));
    return s;
  }
  key(): string {
    return this.r() < 0.6 ? this.pick(WANTED) : this.r() < 0.7 ? this.pick(OTHER_KEYS) : this.text();
  }
  value(depth: number): string {
    const x = this.r();
    if (depth < 4 && x < 0.15) return this.object(depth + 1);
    if (depth < 4 && x < 0.25) return this.array(depth + 1);
    if (x < 0.55) return this.string(this.r() < 0.2 ? this.pick(WANTED) : this.text());
    if (x < 0.85) return this.number();
    return this.pick(['true', 'false', 'null']);
  }
  object(depth: number): string {
    const n = Math.floor(this.r() * (depth === 0 ? 10 : 5));
    const members = Array.from({ length: n }, () => this.ws() + this.string(this.key()) + this.ws() + ':' + this.ws() + this.value(depth) + this.ws());
    return '{' + (n === 0 ? this.ws() : members.join(',')) + '}';
  }
  array(depth: number): string {
    const n = Math.floor(this.r() * 5);
    const items = Array.from({ length: n }, () => this.ws() + this.value(depth) + this.ws());
    return '[' + (n === 0 ? this.ws() : items.join(',')) + ']';
  }
}

const fields = new TopLevelFields(WANTED);
const encode = (s: string): Uint8Array => new TextEncoder().encode(s);
const bytes = (...xs: (string | number[])[]): Uint8Array => new Uint8Array(xs.flatMap((x) => (typeof x === 'string' ? [...encode(x)] : x)));

describe('topLevelScalars against JSON.parse', () => {
  it('agrees on thousands of random documents', () => {
    let hits = 0;
    for (let seed = 1; seed <= 4000; seed++) {
      const w = new Writer(random(seed));
      const doc = encode(w.ws() + w.object(0) + w.ws());
      const why = disagreement(doc, fields);
      if (why !== undefined) throw new Error(`seed ${seed}: ${new TextDecoder().decode(doc)}\n${why}`);
      hits += topLevelScalars(doc, fields).size;
    }
    // The generator must actually produce wanted members, or agreement on empty maps proves nothing.
    expect(hits).toBeGreaterThan(4000);
  });

  it('agrees on the same documents broken at random: nothing where JSON.parse throws', () => {
    const interesting = [0x00, 0x1f, 0x20, 0x0a, 0x22, 0x5c, 0x2c, 0x3a, 0x7b, 0x7d, 0x5b, 0x5d, 0x30, 0x31, 0x2d, 0x2b, 0x2e, 0x65, 0x75, 0x61, 0x6e, 0x74, 0x80, 0xbf, 0xc3, 0xe2, 0xf0, 0xff];
    let broken = 0;
    for (let seed = 1; seed <= 4000; seed++) {
      const r = random(seed * 7919);
      const w = new Writer(r);
      const doc = [...encode(w.object(0))];
      const at = Math.floor(r() * (doc.length + 1));
      const op = r();
      if (op < 0.25) doc.splice(at, 1);
      else if (op < 0.5) doc.splice(at, 0, interesting[Math.floor(r() * interesting.length)] as number);
      else if (op < 0.75) doc.splice(at, 1, interesting[Math.floor(r() * interesting.length)] as number);
      else doc.length = at;
      const mutated = new Uint8Array(doc);
      const started = performance.now();
      const why = disagreement(mutated, fields);
      if (why !== undefined) throw new Error(`seed ${seed}: ${JSON.stringify([...mutated])}\n${why}`);
      expect(performance.now() - started).toBeLessThan(1000);
      if (parsedPick(mutated, fields.names) === 'throws') broken++;
    }
    expect(broken).toBeGreaterThan(2000);
  });
});

describe('topLevelScalars', () => {
  it('reads the Shopify order webhook as JSON.parse did, compact or pretty', () => {
    const order = (JSON.parse(readFileSync(new URL('../fixtures/shopify/order.json', import.meta.url), 'utf8')) as { order: Record<string, unknown> }).order;
    const keyFields = new TopLevelFields(['orderNumber', 'externalId', 'externalOrderId', 'poNumber', 'sellerOrderNumber', 'invoiceNumber', 'shipmentId', 'rmaNumber', 'sku', 'id', 'order_number', 'name']);
    for (const text of [JSON.stringify(order), JSON.stringify(order, null, 2)]) {
      const found = topLevelScalars(encode(text), keyFields);
      expect(found).toEqual(parsedPick(encode(text), keyFields.names));
      // Nested line items carry `id`, `name` and `sku` too: only the order's own are taken.
      expect(found).toEqual(new Map<string, string | number>([['id', 450789469], ['name', '#1001'], ['order_number', 1001]]));
    }
  });

  it('lets a later duplicate win, even one that is not a scalar', () => {
    expect(topLevelScalars(encode('{"id":1,"id":"two"}'), fields)).toEqual(new Map([['id', 'two']]));
    expect(topLevelScalars(encode('{"id":1,"id":{"id":3}}'), fields)).toEqual(new Map());
    expect(topLevelScalars(encode('{"id":1,"id":null,"name":"n"}'), fields)).toEqual(new Map([['name', 'n']]));
  });

  it('decodes names and values as JSON.parse does: escapes, surrogate pairs, multi-byte UTF-8', () => {
    const found = topLevelScalars(encode('{"\\u0069d":"a\\"b\\\\c\\/\\ud83d\\ude00\\u00e9", "\\u00e9":"😀", "😀key":1E+2, "name":-0.5e-1}'), fields);
    expect(found).toEqual(new Map<string, string | number>([['id', 'a"b\\c/😀é'], ['é', '😀'], ['😀key', 100], ['name', -0.05]]));
    expect(Object.is(topLevelScalars(encode('{"id":-0}'), fields).get('id'), -0)).toBe(true);
    expect(topLevelScalars(encode('{"id":1e400}'), fields).get('id')).toBe(Infinity);
  });

  it('takes a byte that is not UTF-8 inside a string as U+FFFD, as TextDecoder does, without throwing', () => {
    expect(topLevelScalars(bytes('{"name":"a', [0xff], 'b","id":"', [0xc3], '"}'), fields)).toEqual(new Map([['name', 'a\ufffdb'], ['id', '\ufffd']]));
    expect(topLevelScalars(bytes('{"name":"a', [0xe2, 0x82], '\\n"}'), fields)).toEqual(new Map([['name', 'a\ufffd\n']]));
    // Outside a string it is no JSON.
    expect(topLevelScalars(bytes('{"id":1', [0xff], '}'), fields)).toEqual(new Map());
  });

  it('allows leading whitespace and a byte order mark, as JSON.parse after TextDecoder does', () => {
    expect(topLevelScalars(encode(' \t\r\n{"id":1}\n'), fields)).toEqual(new Map([['id', 1]]));
    expect(topLevelScalars(bytes([0xef, 0xbb, 0xbf], ' {"id":1}'), fields)).toEqual(new Map([['id', 1]]));
    expect(topLevelScalars(bytes(' ', [0xef, 0xbb, 0xbf], '{"id":1}'), fields)).toEqual(new Map());
  });

  it('gives nothing for a document that is not an object or is malformed, and returns at once', () => {
    for (const text of ['[{"id":1}]', '"id"', '1', 'null', ' [] ']) expect(topLevelScalars(encode(text), fields), text).toEqual(new Map());
    const cases = [
      '', '   ', '{', '{"id":1', '{"id":1,', '{"id":"x', '{"id":"x\\', '{"id":"\\u12"}', '{"id":"\\x"}',
      '{"id":"a\tb"}', '{"id":1,}', '{"id" 1}', '{"id":}', '{,"id":1}', '{"id":01}', '{"id":1.}', '{"id":.5}', '{"id":-}', '{"id":+1}',
      '{"id":1e}', '{"id":1e+}', '{"id":tru}', '{"id":nul}', '{"id":NaN}', '{"id":Infinity}', "{'id':1}", '{id:1}', '{"id":1}x',
      '{}{}', '{"id":1}}', '{"id":[1,2}', '{"id":{"a":1]}', '{"id":[1,]}', '{"a":[1 2],"id":1}', '{"id":1 /* c */}', '{"id":1}\u0000',
      '['.repeat(100_000), '{"a":' + '['.repeat(100_000) + ']'.repeat(99_999) + ',"id":1}',
    ];
    for (const text of cases) {
      const started = performance.now();
      expect(topLevelScalars(encode(text), fields), text.slice(0, 40)).toEqual(new Map());
      expect(parsedPick(encode(text), fields.names), text.slice(0, 40)).toBe('throws');
      expect(performance.now() - started).toBeLessThan(1000);
    }
  });

  it('skips nesting of any depth and still reads the members after it', () => {
    const deep = '{"a":' + '[{"id":0,"b":'.repeat(50_000) + '1' + '}]'.repeat(50_000) + ',"id":7}';
    expect(topLevelScalars(encode(deep), fields)).toEqual(new Map([['id', 7]]));
    // The buffer grown for that depth serves the next, shallow document unchanged.
    expect(topLevelScalars(encode('{"name":"n","x":[[]]}'), fields)).toEqual(new Map([['name', 'n']]));
  });

  it('matches only whole names, byte for byte or decoded', () => {
    const only = new TopLevelFields(['id', 'é']);
    expect(topLevelScalars(encode('{"i":1,"idd":2,"ID":3,"e\\u0301":4,"\\u00e9":5,"\\u0069\\u0064":6}'), only)).toEqual(new Map([['é', 5], ['id', 6]]));
    expect(topLevelScalars(encode('{"id":1}'), new TopLevelFields([]))).toEqual(new Map());
  });
});
