/**
 * One declarative description per transaction set drives both reading and writing.
 *
 * Each set module describes its segments and loops as a `Schema`: which tag fills which key,
 * which element goes to which named field and as what type. `readWithSchema` turns the set's
 * segments into JSON with that shape; `writeWithSchema` turns the same shape back into segments
 * in the schema's order. Because both directions use the same table, a document read and
 * written again reads back the same, which is what the round-trip tests check.
 *
 * Loops follow the usual X12 rule: a segment belongs to the innermost open loop whose body
 * knows its tag, otherwise to the nearest enclosing loop that does (closing the inner loops).
 * Segment order within a loop is not enforced when reading; the writer always emits the
 * standard order. Segments the schema does not know, and second occurrences of segments it
 * takes once, are returned as `unmapped` rather than dropped.
 */
import { X12WriteError } from './errors.ts';
import type { Element, Segment } from './segments.ts';
import { formatDate, formatDecimal, formatTime, parseDate, parseDecimal, parseInteger, parseTime } from './values.ts';

export type FieldKind = 'text' | 'number' | 'integer' | 'date' | 'time' | 'composite';
/** [element position (1-based), kind (default text), component position (default 1)]. */
export type FieldSpec = readonly [element: number, kind?: FieldKind, component?: number];
/** Qualifier/value element pairs from..to, read as `{ qualifier: value }` (e.g. PO106..PO125). */
export interface PairsSpec {
  readonly pairs: readonly [from: number, to: number];
}
/** Elements from..to as a list of the non-empty ones (e.g. AK502..AK506 error codes). */
export interface ListSpec {
  readonly list: readonly [from: number, to: number];
}
export type FieldMap = Readonly<Record<string, FieldSpec | PairsSpec | ListSpec>>;

export interface SchemaNode {
  readonly key: string;
  readonly tag: string;
  readonly fields?: FieldMap;
  /** The value is a string list made of elements from..to, concatenated over repeats (N2, N3, G69). */
  readonly lines?: readonly [from: number, to: number];
  readonly many?: boolean;
  /** The segment's fields are stored on the enclosing object instead of under `key`. */
  readonly merge?: boolean;
  /** Makes the node a loop: the segment starts it and these nodes belong to it. Loops are always `many`. */
  readonly body?: readonly SchemaNode[];
}
export type Schema = readonly SchemaNode[];

export type Json = Record<string, unknown>;

export interface FieldIssue {
  segment: Segment;
  element: number;
  component?: number;
  code: 'invalid-number' | 'invalid-date' | 'invalid-time';
  /** AK403: 6 invalid character, 8 invalid date, 9 invalid time. */
  ak4: '6' | '8' | '9';
  text: string;
}

function isPairs(spec: FieldSpec | PairsSpec | ListSpec): spec is PairsSpec {
  return 'pairs' in spec;
}
function isList(spec: FieldSpec | PairsSpec | ListSpec): spec is ListSpec {
  return 'list' in spec;
}

function plain(element: Element | undefined, component = 1): string | undefined {
  if (element === undefined) return undefined;
  const value = typeof element === 'string' ? (component === 1 ? element : undefined) : element[component - 1];
  return value === undefined || value === '' ? undefined : value;
}

function at(segment: Segment, element: number, component: number | undefined): { segment: Segment; element: number; component?: number } {
  return { segment, element, ...(component !== undefined ? { component } : {}) };
}

/** Field maps are static module data: their entries are listed once, not per segment. */
const entriesOf = new WeakMap<FieldMap, Array<[string, FieldMap[string]]>>();

function fieldEntries(fields: FieldMap): Array<[string, FieldMap[string]]> {
  let entries = entriesOf.get(fields);
  if (entries === undefined) entriesOf.set(fields, (entries = Object.entries(fields)));
  return entries;
}

function decodeFields(fields: FieldMap, segment: Segment, issues: FieldIssue[]): Json {
  const out: Json = {};
  for (const [name, spec] of fieldEntries(fields)) {
    if (isPairs(spec)) {
      const ids: Record<string, string> = {};
      for (let n = spec.pairs[0]; n + 1 <= spec.pairs[1]; n += 2) {
        const qualifier = plain(segment.elements[n - 1]);
        const value = plain(segment.elements[n]);
        if (qualifier !== undefined && value !== undefined) ids[qualifier] = value;
      }
      if (Object.keys(ids).length > 0) out[name] = ids;
      continue;
    }
    if (isList(spec)) {
      const list: string[] = [];
      for (let n = spec.list[0]; n <= spec.list[1]; n++) {
        const value = plain(segment.elements[n - 1]);
        if (value !== undefined) list.push(value);
      }
      if (list.length > 0) out[name] = list;
      continue;
    }
    const [position, kind = 'text', component] = spec;
    const element = segment.elements[position - 1];
    if (kind === 'composite') {
      if (element === undefined || element === '') continue;
      out[name] = typeof element === 'string' ? [element] : [...element];
      continue;
    }
    const raw = plain(element, component);
    if (raw === undefined) continue;
    switch (kind) {
      case 'text':
        out[name] = raw;
        break;
      case 'number':
      case 'integer': {
        const value = kind === 'number' ? parseDecimal(raw) : parseInteger(raw);
        if (value === undefined) {
          issues.push({ ...at(segment, position, component), code: 'invalid-number', ak4: '6', text: `${JSON.stringify(raw)} is not a valid ${kind === 'number' ? 'decimal' : 'whole'} number` });
        } else out[name] = value;
        break;
      }
      case 'date': {
        const value = parseDate(raw);
        if (value === undefined) issues.push({ ...at(segment, position, component), code: 'invalid-date', ak4: '8', text: `${JSON.stringify(raw)} is not a valid CCYYMMDD or YYMMDD date` });
        else out[name] = value;
        break;
      }
      case 'time': {
        const value = parseTime(raw);
        if (value === undefined) issues.push({ ...at(segment, position, component), code: 'invalid-time', ak4: '9', text: `${JSON.stringify(raw)} is not a valid HHMM[SS] time` });
        else out[name] = value;
        break;
      }
    }
  }
  return out;
}

interface Frame {
  nodes: readonly SchemaNode[];
  value: Json;
  merged: Set<string>;
}

export function readWithSchema(schema: Schema, segments: readonly Segment[]): { value: Json; unmapped: Segment[]; issues: FieldIssue[] } {
  const root: Json = {};
  const frames: Frame[] = [{ nodes: schema, value: root, merged: new Set() }];
  const unmapped: Segment[] = [];
  const issues: FieldIssue[] = [];
  for (const segment of segments) {
    let depth = frames.length - 1;
    let node: SchemaNode | undefined;
    for (; depth >= 0; depth--) {
      node = (frames[depth] as Frame).nodes.find((n) => n.tag === segment.tag);
      if (node) break;
    }
    if (!node || depth < 0) {
      unmapped.push(segment);
      continue;
    }
    frames.length = depth + 1;
    const frame = frames[depth] as Frame;
    const target = frame.value;
    if (node.lines) {
      const [from, to] = node.lines;
      const lines: string[] = [];
      for (let n = from; n <= to; n++) {
        const value = plain(segment.elements[n - 1]);
        if (value !== undefined) lines.push(value);
      }
      if (lines.length > 0) {
        const list = (target[node.key] as string[] | undefined) ?? [];
        list.push(...lines);
        target[node.key] = list;
      }
      continue;
    }
    const value = decodeFields(node.fields ?? {}, segment, issues);
    if (node.body) {
      const list = (target[node.key] as Json[] | undefined) ?? [];
      list.push(value);
      target[node.key] = list;
      frames.push({ nodes: node.body, value, merged: new Set() });
    } else if (node.merge) {
      if (frame.merged.has(node.tag)) unmapped.push(segment);
      else {
        frame.merged.add(node.tag);
        Object.assign(target, value);
      }
    } else if (node.many) {
      const list = (target[node.key] as Json[] | undefined) ?? [];
      list.push(value);
      target[node.key] = list;
    } else if (node.key in target) {
      unmapped.push(segment);
    } else {
      target[node.key] = value;
    }
  }
  return { value: root, unmapped, issues };
}

export interface WrittenSegment {
  tag: string;
  elements: Element[];
}

function encodeValue(kind: FieldKind, value: unknown, path: string): string | string[] {
  const fail = (expected: string): never => {
    throw new X12WriteError(`expected ${expected}, got ${JSON.stringify(value)}`, path);
  };
  switch (kind) {
    case 'text':
      if (typeof value === 'string') return value;
      if (typeof value === 'number' && Number.isFinite(value)) return String(value);
      return fail('a string');
    case 'number': {
      if (typeof value === 'number') return formatDecimal(value) ?? fail('a finite number');
      if (typeof value === 'string' && parseDecimal(value) !== undefined) return value;
      return fail('a number');
    }
    case 'integer':
      if (typeof value === 'number' && Number.isInteger(value)) return String(value);
      if (typeof value === 'string' && parseInteger(value) !== undefined) return value;
      return fail('a whole number');
    case 'date':
      return (typeof value === 'string' ? formatDate(value) : undefined) ?? fail('a date as YYYY-MM-DD');
    case 'time':
      return (typeof value === 'string' ? formatTime(value) : undefined) ?? fail('a time as HH:MM or HH:MM:SS');
    case 'composite':
      if (typeof value === 'string') return [value];
      if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value as string[];
      return fail('a list of component strings');
  }
}

function encodeFields(tag: string, fields: FieldMap, value: Json, path: string): Element[] {
  const slots: Array<string | string[] | undefined> = [];
  const put = (position: number, component: number, text: string): void => {
    if (component === 1 && slots[position - 1] === undefined) {
      slots[position - 1] = text;
      return;
    }
    const current = slots[position - 1];
    const parts = current === undefined ? [] : typeof current === 'string' ? [current] : current;
    parts[component - 1] = text;
    slots[position - 1] = parts;
  };
  for (const [name, spec] of Object.entries(fields)) {
    const v = value[name];
    if (v === undefined || v === null) continue;
    const at = `${path}.${name}`;
    if (isPairs(spec)) {
      if (typeof v !== 'object' || Array.isArray(v)) throw new X12WriteError('expected an object of qualifier: value pairs', at);
      let n = spec.pairs[0];
      for (const [qualifier, id] of Object.entries(v as Record<string, unknown>)) {
        if (n + 1 > spec.pairs[1]) throw new X12WriteError(`${tag} holds at most ${(spec.pairs[1] - spec.pairs[0] + 1) / 2} qualifier/value pairs`, at);
        put(n, 1, qualifier);
        put(n + 1, 1, encodeValue('text', id, `${at}.${qualifier}`) as string);
        n += 2;
      }
      continue;
    }
    if (isList(spec)) {
      if (!Array.isArray(v)) throw new X12WriteError('expected a list', at);
      if (v.length > spec.list[1] - spec.list[0] + 1) throw new X12WriteError(`${tag} holds at most ${spec.list[1] - spec.list[0] + 1} values here`, at);
      v.forEach((item, i) => put(spec.list[0] + i, 1, encodeValue('text', item, `${at}[${i}]`) as string));
      continue;
    }
    const [position, kind = 'text', component = 1] = spec;
    const encoded = encodeValue(kind, v, at);
    if (Array.isArray(encoded)) slots[position - 1] = encoded;
    else put(position, component, encoded);
  }
  const elements: Element[] = [];
  for (let i = 0; i < slots.length; i++) {
    const slot = slots[i];
    if (slot === undefined) elements.push('');
    else if (typeof slot === 'string') elements.push(slot);
    else {
      const parts = Array.from(slot, (p) => p ?? '');
      while (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
      elements.push(parts.length === 1 ? (parts[0] as string) : parts);
    }
  }
  while (elements.length > 0 && elements[elements.length - 1] === '') elements.pop();
  return elements;
}

function hasAnyField(fields: FieldMap, value: Json): boolean {
  return Object.keys(fields).some((name) => value[name] !== undefined && value[name] !== null);
}

function asObject(value: unknown, path: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new X12WriteError('expected an object', path);
  return value as Json;
}

export function writeWithSchema(schema: Schema, value: Json, path: string, out: WrittenSegment[] = []): WrittenSegment[] {
  for (const node of schema) {
    const at = path === '' ? node.key : `${path}.${node.key}`;
    if (node.lines) {
      const lines = value[node.key];
      if (lines === undefined) continue;
      if (!Array.isArray(lines)) throw new X12WriteError('expected a list of strings', at);
      const per = node.lines[1] - node.lines[0] + 1;
      for (let i = 0; i < lines.length; i += per) {
        const chunk = lines.slice(i, i + per).map((l, j) => encodeValue('text', l, `${at}[${i + j}]`) as string);
        out.push({ tag: node.tag, elements: [...Array<string>(node.lines[0] - 1).fill(''), ...chunk] });
      }
      continue;
    }
    const fields = node.fields ?? {};
    if (node.merge) {
      if (hasAnyField(fields, value)) out.push({ tag: node.tag, elements: encodeFields(node.tag, fields, value, path) });
      continue;
    }
    const v = value[node.key];
    if (v === undefined || v === null) continue;
    const items = node.many || node.body ? (Array.isArray(v) ? v : [v]) : [v];
    items.forEach((item, i) => {
      const itemPath = node.many || node.body ? `${at}[${i}]` : at;
      const obj = asObject(item, itemPath);
      out.push({ tag: node.tag, elements: encodeFields(node.tag, fields, obj, itemPath) });
      if (node.body) writeWithSchema(node.body, obj, itemPath, out);
    });
  }
  return out;
}
