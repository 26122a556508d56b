/**
 * Differences between two JSON values, for reviewers: as a list of changed fields (for
 * configuration, where each field has a meaning), and as a unified diff of the pretty-printed
 * documents (for message bodies, where the shape around a change matters).
 */

export interface FieldChange {
  /** Dotted path with [index] for arrays: `input.jetstream.durable`, `steps[2].map`. */
  readonly path: string;
  /** Absent when the field was added. */
  readonly before?: unknown;
  /** Absent when the field was removed. */
  readonly after?: unknown;
}

export function fieldChanges(before: unknown, after: unknown, prefix = ''): FieldChange[] {
  const out: FieldChange[] = [];
  diffInto(before, after, prefix, out);
  return out;
}

function diffInto(a: unknown, b: unknown, path: string, out: FieldChange[]): void {
  if (sameJson(a, b)) return;
  if (isObj(a) && isObj(b)) {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const p = path ? `${path}.${k}` : k;
      if (!(k in b)) out.push({ path: p, before: a[k] });
      else if (!(k in a)) out.push({ path: p, after: b[k] });
      else diffInto(a[k], b[k], p, out);
    }
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      const p = `${path}[${i}]`;
      if (i >= b.length) out.push({ path: p, before: a[i] });
      else if (i >= a.length) out.push({ path: p, after: b[i] });
      else diffInto(a[i], b[i], p, out);
    }
    return;
  }
  out.push({ path: path || '(value)', before: a, after: b });
}

/**
 * Paths of object fields present in `before` and missing in `after`, array items matched by
 * index, as JSON pointers with `*` for the index (`/lines/*\/sku`): what a consumer of the
 * message would no longer find.
 */
export function removedFields(before: unknown, after: unknown, path = ''): string[] {
  const out = new Set<string>();
  const walk = (a: unknown, b: unknown, p: string): void => {
    if (isObj(a) && isObj(b)) {
      for (const k of Object.keys(a)) {
        if (!(k in b) || b[k] === undefined) out.add(`${p}/${k}`);
        else walk(a[k], b[k], `${p}/${k}`);
      }
    } else if (Array.isArray(a) && Array.isArray(b)) {
      for (let i = 0; i < Math.min(a.length, b.length); i++) walk(a[i], b[i], `${p}/*`);
    }
  };
  walk(before, after, path);
  return [...out];
}

export function sameJson(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

/** JSON with object keys sorted, so key order never counts as a difference. */
export function canonical(v: unknown): string {
  return JSON.stringify(sortKeys(v)) ?? 'undefined';
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (isObj(v)) return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys(v[k])]));
  return v;
}

// Past this many lines per side, an LCS table costs more than a reviewer gains from it.
const MAX_LINES = 3000;

/**
 * A unified diff (`-`/`+`/` ` lines, `@@` between hunks) of the two values pretty-printed with
 * sorted keys; empty when they are equal.
 */
export function unifiedJsonDiff(before: unknown, after: unknown, context = 3): string[] {
  const a = pretty(before);
  const b = pretty(after);
  if (a.join('\n') === b.join('\n')) return [];
  if (a.length > MAX_LINES || b.length > MAX_LINES) {
    return fieldChanges(before, after).map((c) => `~ ${c.path}: ${show(c.before)} → ${show(c.after)}`);
  }
  const ops = lineOps(a, b);
  const keep = ops.map((op, i) => op.kind !== ' ' || ops.slice(Math.max(0, i - context), i + context + 1).some((o) => o.kind !== ' '));
  const out: string[] = [];
  let skipped = false;
  ops.forEach((op, i) => {
    if (!keep[i]) {
      skipped = true;
      return;
    }
    if (skipped && out.length > 0) out.push('@@');
    skipped = false;
    out.push(`${op.kind} ${op.line}`);
  });
  return out;
}

function pretty(v: unknown): string[] {
  return v === undefined ? [] : JSON.stringify(sortKeys(v), null, 2).split('\n');
}

function show(v: unknown): string {
  return v === undefined ? '(none)' : JSON.stringify(v);
}

interface LineOp {
  readonly kind: ' ' | '-' | '+';
  readonly line: string;
}

function lineOps(a: readonly string[], b: readonly string[]): LineOp[] {
  const n = a.length;
  const m = b.length;
  // lcs[i][j]: length of the longest common subsequence of a[i..] and b[j..].
  const lcs: Uint16Array[] = Array.from({ length: n + 1 }, () => new Uint16Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const ops: LineOp[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      ops.push({ kind: ' ', line: a[i]! });
      i++;
      j++;
    } else if (lcs[i + 1]![j]! >= lcs[i]![j + 1]!) {
      ops.push({ kind: '-', line: a[i++]! });
    } else {
      ops.push({ kind: '+', line: b[j++]! });
    }
  }
  while (i < n) ops.push({ kind: '-', line: a[i++]! });
  while (j < m) ops.push({ kind: '+', line: b[j++]! });
  return ops;
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
