/**
 * A YAML file parsed with its positions kept, so every later check (schema, references,
 * expressions) can point at the line and column a person has to edit.
 */
import { isMap, isScalar, isSeq, LineCounter, parseDocument, Scalar, visit, type Alias, type Document, type Node } from 'yaml';
import { Diagnostics, type SourcePosition } from './diagnostics.ts';
import { substituteEnv, type EnvLookup } from './env.ts';
import { duplicateKeyOffsets, nodeAt, pairAt } from './yaml-nodes.ts';

export type Path = readonly (string | number)[];

export interface YamlSource {
  readonly file: string;
  readonly text: string;
  /** The plain JavaScript value, `${VAR}` references resolved. */
  readonly value: unknown;
  /** JSON-pointer-like paths of values that came from the environment (never print them). */
  readonly secretPaths: ReadonlySet<string>;
  /**
   * Paths (as `pointer`) of values holding a `${VAR}` that is not set. That is already reported
   * where it is written, so later checks of the emptied value stay quiet rather than say it twice.
   */
  readonly unsetEnvPaths: ReadonlySet<string>;
  /** Where the value (or, with `key`, the key) at `path` starts; falls back to the nearest ancestor. */
  locate(path: Path, part?: 'key' | 'value'): SourcePosition;
  /**
   * Position of character `offset` of the string scalar at `path` (for an error inside an
   * inline expression). Exact for plain, quoted and block scalars without escapes.
   */
  locateInScalar(path: Path, offset: number): SourcePosition;
  positionOfOffset(offset: number): SourcePosition;
}

export function pointer(path: Path): string {
  return '/' + path.map((p) => String(p).replace(/~/g, '~0').replace(/\//g, '~1')).join('/');
}

/**
 * Parses `text`; YAML syntax errors and unresolved `${VAR}` references are added to `diags`.
 * Returns undefined when the document is unusable.
 */
export function parseYamlSource(file: string, text: string, diags: Diagnostics, env: EnvLookup): YamlSource | undefined {
  const lineCounter = new LineCounter();
  // Duplicate keys are found by duplicateKeyOffsets: the parser's own check is quadratic in a map's size.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false, strict: true });
  const posOf = (offset: number): SourcePosition => {
    const p = lineCounter.linePos(offset);
    return { line: p.line, col: p.col };
  };
  const problems = [
    ...doc.errors.map((e) => ({ offset: e.pos[0], message: yamlMessage(e.code, e.message) })),
    ...duplicateKeyOffsets(doc).map((offset) => ({ offset, message: yamlMessage('DUPLICATE_KEY', 'Map keys must be unique') })),
  ];
  if (problems.length > 0) {
    // After the first syntax error the parser's later complaints are mostly echoes of it.
    const first = problems[0]!;
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more error(s) after it, probably caused by it)` : '';
    diags.error(file, posOf(first.offset), 'yaml-syntax', first.message + more);
    return undefined;
  }
  const secretPaths = new Set<string>();
  const unsetEnvPaths = new Set<string>();
  resolveEnvInTree(doc, doc.contents as Node | null, [], file, text, env, diags, { secrets: secretPaths, unset: unsetEnvPaths }, posOf);
  const converted = toValue(doc, file, diags, posOf);
  if (!converted) return undefined;

  const source: YamlSource = {
    file,
    text,
    value: converted.value,
    secretPaths,
    unsetEnvPaths,
    positionOfOffset: posOf,
    locate(path, part = 'value') {
      const found = findNode(doc, path, part);
      return found === undefined ? { line: 1, col: 1 } : posOf(found);
    },
    locateInScalar(path, offset) {
      const node = nodeAt(doc, path);
      if (!isScalar(node) || !node.range) return source.locate(path);
      const start = node.range[0];
      if (node.type === Scalar.QUOTE_DOUBLE || node.type === Scalar.QUOTE_SINGLE) return posOf(start + 1 + offset);
      if (node.type === Scalar.PLAIN) return posOf(start + offset);
      return locateInBlock(text, start, String(node.value), offset, posOf);
    },
  };
  return source;
}

/**
 * The yaml package's guard against alias bombs ("billion laughs", where nine lines expand to
 * 9^9 values): converting refuses a document whose aliases, counting aliases inside aliased
 * values, would be expanded more than this many times.
 */
export const MAX_ALIAS_COUNT = 100;

/**
 * The document as a plain value, or a diagnostic at the alias where the yaml package gave up.
 * Its ReferenceError carries no position, so each alias notes itself while it is resolved;
 * an alias that resolves normally hands back to the one around it.
 */
function toValue(doc: Document.Parsed, file: string, diags: Diagnostics, posOf: (offset: number) => SourcePosition): { value: unknown } | undefined {
  let resolving: Alias | undefined;
  visit(doc, {
    Alias(_key, alias) {
      const own = alias.toJSON.bind(alias);
      alias.toJSON = (...args: Parameters<Alias['toJSON']>): unknown => {
        const outer = resolving;
        resolving = alias;
        const value = own(...args);
        resolving = outer;
        return value;
      };
    },
  });
  try {
    return { value: doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) as unknown };
  } catch (err) {
    if (!(err instanceof ReferenceError) || resolving === undefined) throw err;
    const name = `*${resolving.source}`;
    const message = /excessive alias count/i.test(err.message)
      ? `YAML alias ${name}: aliases here would expand the file more than ${MAX_ALIAS_COUNT} times (counting aliases inside aliased values), which looks like an alias bomb; write the value out or use fewer aliases`
      : `YAML alias ${name}: ${err.message}`;
    diags.error(file, posOf(resolving.range?.[0] ?? 0), 'yaml-alias', message);
    return undefined;
  }
}

/**
 * A block scalar's value is its lines with the indentation removed: line k of the value is
 * the k-th content line after the header (`|` or `>`), shifted right by the indentation.
 */
function locateInBlock(text: string, start: number, value: string, offset: number, posOf: (o: number) => SourcePosition): SourcePosition {
  const header = posOf(start);
  const before = value.slice(0, Math.max(0, Math.min(offset, value.length)));
  const lineInValue = before.split('\n').length - 1;
  const colInValue = before.length - (before.lastIndexOf('\n') + 1);
  const lines = text.split('\n');
  let indent = 0;
  for (let i = header.line; i < lines.length; i++) {
    const l = lines[i] as string;
    if (l.trim() !== '') {
      indent = l.length - l.trimStart().length;
      break;
    }
  }
  return { line: header.line + 1 + lineInValue, col: indent + colInValue + 1 };
}

function yamlMessage(code: string, message: string): string {
  // The yaml package appends a code frame after the first line; we report positions ourselves.
  const first = message.split('\n')[0] ?? message;
  const cleaned = first.replace(/ at line \d+, column \d+:?$/, '');
  return `YAML ${code.toLowerCase().replace(/_/g, ' ')}: ${cleaned}`;
}

/** Offset of the node at `path`, or of its nearest existing ancestor. */
function findNode(doc: Document.Parsed, path: Path, part: 'key' | 'value'): number | undefined {
  let node: unknown = doc.contents;
  let best: number | undefined = rangeStart(node);
  for (let i = 0; i < path.length; i++) {
    const seg = path[i];
    const last = i === path.length - 1;
    if (isMap(node) && seg !== undefined) {
      const pair = pairAt(node, seg);
      if (!pair) return best;
      if (last && part === 'key') return rangeStart(pair.key) ?? best;
      node = pair.value;
      best = rangeStart(node) ?? rangeStart(pair.key) ?? best;
    } else if (isSeq(node) && /^\d+$/.test(String(seg))) {
      node = node.items[Number(seg)];
      if (node === undefined) return best;
      best = rangeStart(node) ?? best;
    } else {
      return best;
    }
  }
  return best;
}

function rangeStart(node: unknown): number | undefined {
  if (node && typeof node === 'object' && 'range' in node) {
    const r = (node as { range?: [number, number, number] | null }).range;
    return r ? r[0] : undefined;
  }
  return undefined;
}

function resolveEnvInTree(
  doc: Document.Parsed,
  node: Node | null,
  path: (string | number)[],
  file: string,
  text: string,
  env: EnvLookup,
  diags: Diagnostics,
  found: { readonly secrets: Set<string>; readonly unset: Set<string> },
  posOf: (offset: number) => SourcePosition,
): void {
  if (node === null) return;
  if (isMap(node)) {
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : '?';
      resolveEnvInTree(doc, pair.value as Node | null, [...path, key], file, text, env, diags, found, posOf);
    }
    return;
  }
  if (isSeq(node)) {
    node.items.forEach((item, i) => resolveEnvInTree(doc, item as Node | null, [...path, i], file, text, env, diags, found, posOf));
    return;
  }
  if (!isScalar(node) || typeof node.value !== 'string' || !node.value.includes('$')) return;
  const raw = node.value;
  const result = substituteEnv(raw, env);
  if (!result.changed) return;
  const contentStart =
    node.range && (node.type === Scalar.PLAIN || node.type === Scalar.QUOTE_DOUBLE || node.type === Scalar.QUOTE_SINGLE)
      ? node.range[0] + (node.type === Scalar.PLAIN ? 0 : 1)
      : undefined;
  for (const missing of result.missing) {
    const at = contentStart !== undefined ? contentStart + missing.offset : node.range?.[0] ?? 0;
    diags.error(file, posOf(at), 'env-unset', `environment variable ${missing.name} is not set (referenced as \${${missing.name}})`);
  }
  if (result.missing.length > 0) found.unset.add(pointer(path));
  if (result.referenced) found.secrets.add(pointer(path));
  // A plain scalar that is exactly one reference takes the type the value would have had
  // if written literally (so `maxDeliver: ${MAX_DELIVER}` can be a number).
  if (node.type === Scalar.PLAIN && result.whole) {
    node.value = retype(result.value);
  } else {
    node.value = result.value;
  }
}

function retype(value: string): unknown {
  if (/^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  if (value === 'true') return true;
  if (value === 'false') return false;
  return value;
}
