/**
 * Compatibility of two versions of a JSON Schema, as the schemas are used here: a schema
 * guards a stream of messages, so a version that refuses a message the old one accepted
 * (a removed or newly required field, a narrowed type, enum, pattern or range, unknown
 * fields no longer allowed) is breaking — producers that did not change at the same moment
 * have their messages dead-lettered, and consumers lose fields they read. Widening is
 * compatible. Descriptions, titles and examples are not compared.
 *
 * `$ref`s inside a file are followed; a `$ref` to another file is not (that file is compared
 * on its own), unless the reference itself changed.
 */

export interface SchemaChange {
  /** Where in the message, as a JSON path with `*` for array items (`/lines/*\/sku`). */
  readonly path: string;
  readonly breaking: boolean;
  readonly message: string;
}

type Json = unknown;
type Obj = Record<string, Json>;

/** Loads another schema file, relative to the schema being compared; undefined when missing. */
export type RefResolver = (ref: string) => Json | undefined;

interface Side {
  readonly root: Json;
  readonly resolve: RefResolver;
}

export function compareSchemas(base: Json, head: Json, resolvers: { base?: RefResolver; head?: RefResolver } = {}): SchemaChange[] {
  const out: SchemaChange[] = [];
  const b: Side = { root: base, resolve: resolvers.base ?? (() => undefined) };
  const h: Side = { root: head, resolve: resolvers.head ?? (() => undefined) };
  walk(b, h, base, head, '', out, new Set());
  return out;
}

function walk(bs: Side, hs: Side, bNode: Json, hNode: Json, path: string, out: SchemaChange[], seen: ReadonlySet<string>): void {
  const shown = path || '/';
  if (isObj(bNode) && isObj(hNode) && typeof bNode.$ref === 'string' && bNode.$ref === hNode.$ref && !bNode.$ref.startsWith('#')) return;
  const refs = `${refOf(bNode)}|${refOf(hNode)}`;
  if (refs !== '|') {
    // Recursive schemas (a category tree, a bill of materials) would otherwise never end.
    if (seen.has(refs)) return;
    seen = new Set(seen).add(refs);
  }
  const b = deref(bs, bNode);
  const h = deref(hs, hNode);
  if (b === undefined || h === undefined) return; // a cycle, or a reference that does not resolve (lint reports it)
  if (b === false || h === true) return;
  if (h === false || b === true) {
    if (h === false) out.push({ path: shown, breaking: true, message: 'now refuses every value' });
    return;
  }
  if (!isObj(b) || !isObj(h)) return;
  compareTypes(b, h, shown, out);
  compareEnum(b, h, shown, out);
  compareConst(b, h, shown, out);
  compareBounds(b, h, shown, out);
  compareObject(bs, hs, b, h, path, out, seen);
  if (b.items !== undefined || h.items !== undefined) walk(bs, hs, b.items ?? true, h.items ?? true, `${path}/*`, out, seen);
  compareCombinators(bs, hs, b, h, path, out, seen);
}

function refOf(node: Json): string {
  return isObj(node) && typeof node.$ref === 'string' ? node.$ref : '';
}

/** Follows in-file `$ref`s (and changed cross-file ones); undefined for loops and dead references. */
function deref(side: Side, node: Json): Json | undefined {
  let current = node;
  for (let hops = 0; isObj(current) && typeof current.$ref === 'string'; hops++) {
    const ref = current.$ref;
    if (hops > 20) return undefined;
    const target = ref.startsWith('#') ? pointerGet(side.root, ref.slice(1)) : side.resolve(ref);
    if (target === undefined) return undefined;
    current = target;
  }
  return current;
}

function pointerGet(root: Json, pointer: string): Json | undefined {
  let node = root;
  for (const raw of pointer.split('/').slice(1)) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (!isObj(node) && !Array.isArray(node)) return undefined;
    node = (node as Obj)[key];
  }
  return node;
}

function typesOf(s: Obj): Set<string> | undefined {
  if (typeof s.type === 'string') return new Set([s.type]);
  if (Array.isArray(s.type)) return new Set(s.type.map(String));
  return undefined;
}

function accepts(types: Set<string> | undefined, t: string): boolean {
  return types === undefined || types.has(t) || (t === 'integer' && types.has('number'));
}

function compareTypes(b: Obj, h: Obj, path: string, out: SchemaChange[]): void {
  const bt = typesOf(b);
  const ht = typesOf(h);
  const list = (t: Set<string> | undefined): string => (t ? [...t].join(' or ') : 'any type');
  if (bt === undefined && ht === undefined) return;
  const lost = bt === undefined ? ['(any)'] : [...bt].filter((t) => !accepts(ht, t));
  const gained = ht === undefined ? ['(any)'] : [...ht].filter((t) => !accepts(bt, t));
  if (lost.length > 0) out.push({ path, breaking: true, message: `type narrowed from ${list(bt)} to ${list(ht)}` });
  else if (gained.length > 0) out.push({ path, breaking: false, message: `type widened from ${list(bt)} to ${list(ht)}` });
}

function compareEnum(b: Obj, h: Obj, path: string, out: SchemaChange[]): void {
  if (!Array.isArray(h.enum)) {
    if (Array.isArray(b.enum)) out.push({ path, breaking: false, message: 'no longer limited to a list of values' });
    return;
  }
  const key = (v: Json): string => JSON.stringify(v);
  if (!Array.isArray(b.enum)) {
    out.push({ path, breaking: true, message: `now limited to ${h.enum.map(key).join(', ')}` });
    return;
  }
  const had = new Set(b.enum.map(key));
  const has = new Set(h.enum.map(key));
  const removed = [...had].filter((v) => !has.has(v));
  const added = [...has].filter((v) => !had.has(v));
  if (removed.length > 0) out.push({ path, breaking: true, message: `enum narrowed: ${removed.join(', ')} no longer allowed` });
  if (added.length > 0) out.push({ path, breaking: false, message: `enum widened: ${added.join(', ')} now allowed` });
}

function compareConst(b: Obj, h: Obj, path: string, out: SchemaChange[]): void {
  if (!('const' in h)) return;
  if (!('const' in b)) out.push({ path, breaking: true, message: `now must be ${JSON.stringify(h.const)}` });
  else if (JSON.stringify(b.const) !== JSON.stringify(h.const)) out.push({ path, breaking: true, message: `must now be ${JSON.stringify(h.const)} instead of ${JSON.stringify(b.const)}` });
}

const LOWER = ['minimum', 'exclusiveMinimum', 'minLength', 'minItems', 'minProperties'] as const;
const UPPER = ['maximum', 'exclusiveMaximum', 'maxLength', 'maxItems', 'maxProperties'] as const;

function compareBounds(b: Obj, h: Obj, path: string, out: SchemaChange[]): void {
  for (const k of LOWER) {
    const was = num(b[k]);
    const now = num(h[k]);
    if (now !== undefined && (was === undefined || now > was)) out.push({ path, breaking: true, message: `${k} raised${was === undefined ? '' : ` from ${was}`} to ${now}` });
    else if (was !== undefined && (now === undefined || now < was)) out.push({ path, breaking: false, message: `${k} relaxed from ${was}${now === undefined ? '' : ` to ${now}`}` });
  }
  for (const k of UPPER) {
    const was = num(b[k]);
    const now = num(h[k]);
    if (now !== undefined && (was === undefined || now < was)) out.push({ path, breaking: true, message: `${k} lowered${was === undefined ? '' : ` from ${was}`} to ${now}` });
    else if (was !== undefined && (now === undefined || now > was)) out.push({ path, breaking: false, message: `${k} relaxed from ${was}${now === undefined ? '' : ` to ${now}`}` });
  }
  for (const k of ['pattern', 'format'] as const) {
    if (h[k] === b[k]) continue;
    if (h[k] === undefined) out.push({ path, breaking: false, message: `${k} ${JSON.stringify(b[k])} dropped` });
    else out.push({ path, breaking: true, message: b[k] === undefined ? `${k} ${JSON.stringify(h[k])} added` : `${k} changed from ${JSON.stringify(b[k])} to ${JSON.stringify(h[k])}` });
  }
}

function compareObject(bs: Side, hs: Side, b: Obj, h: Obj, path: string, out: SchemaChange[], seen: ReadonlySet<string>): void {
  const bp = isObj(b.properties) ? b.properties : {};
  const hp = isObj(h.properties) ? h.properties : {};
  const bReq = new Set(Array.isArray(b.required) ? b.required.map(String) : []);
  const hReq = new Set(Array.isArray(h.required) ? h.required.map(String) : []);
  for (const name of Object.keys(bp)) {
    if (!(name in hp)) out.push({ path: `${path}/${name}`, breaking: true, message: 'field removed' });
    else walk(bs, hs, bp[name], hp[name], `${path}/${name}`, out, seen);
  }
  for (const name of Object.keys(hp)) {
    if (!(name in bp)) out.push({ path: `${path}/${name}`, breaking: hReq.has(name), message: hReq.has(name) ? 'field added, required' : 'field added (optional)' });
  }
  for (const name of hReq) {
    const reportedAsAdded = name in hp && !(name in bp);
    if (!bReq.has(name) && !reportedAsAdded) out.push({ path: `${path}/${name}`, breaking: true, message: 'newly required' });
  }
  for (const name of bReq) if (!hReq.has(name) && name in hp) out.push({ path: `${path}/${name}`, breaking: false, message: 'no longer required' });
  const ba = b.additionalProperties;
  const ha = h.additionalProperties;
  if (ha === false && ba !== false) out.push({ path: path || '/', breaking: true, message: 'unknown fields no longer allowed' });
  else if (ba === false && ha !== false) out.push({ path: path || '/', breaking: false, message: 'unknown fields now allowed' });
  else if (isObj(ba) && isObj(ha)) walk(bs, hs, ba, ha, `${path}/*`, out, seen);
}

function compareCombinators(bs: Side, hs: Side, b: Obj, h: Obj, path: string, out: SchemaChange[], seen: ReadonlySet<string>): void {
  for (const k of ['anyOf', 'oneOf', 'allOf'] as const) {
    const bl = Array.isArray(b[k]) ? (b[k] as Json[]) : [];
    const hl = Array.isArray(h[k]) ? (h[k] as Json[]) : [];
    if (bl.length === 0 && hl.length === 0) continue;
    const narrowing = k === 'allOf' ? hl.length > bl.length : hl.length < bl.length;
    if (bl.length !== hl.length) {
      out.push({ path: path || '/', breaking: narrowing, message: `${k} has ${hl.length} schema(s) instead of ${bl.length}` });
      continue;
    }
    bl.forEach((x, i) => walk(bs, hs, x, hl[i], path, out, seen));
  }
  for (const k of ['then', 'else'] as const) {
    if (b[k] !== undefined || h[k] !== undefined) walk(bs, hs, b[k] ?? true, h[k] ?? true, path, out, seen);
  }
}

function num(v: Json): number | undefined {
  return typeof v === 'number' ? v : undefined;
}

function isObj(v: Json): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
