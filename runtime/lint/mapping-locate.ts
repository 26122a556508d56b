/**
 * Finds where a mapping builds a field. When a mapping's result fails its schema at
 * `/lines/0/sku`, the line to edit is the `"sku":` key of the object constructor under
 * `"lines":`, so lint points there rather than at the `map:` step. Object constructors with
 * literal keys are matched against the JSON path from the end; the deepest, best-matching key
 * wins, and a field the mapping never writes falls back to its nearest written parent.
 */
import jsonata from 'jsonata';

interface KeyAt {
  readonly key: string;
  /** Keys of the enclosing constructors, outermost first. */
  readonly chain: readonly string[];
  /** Offset of the key's opening quote in the expression. */
  readonly offset: number;
}

/** Offset in `expression` of the key that builds the field at `pointer` (a JSON pointer), if any. */
export function locateField(expression: string, pointer: string): number | undefined {
  let ast: unknown;
  try {
    ast = jsonata(expression).ast();
  } catch {
    return undefined;
  }
  const keys: KeyAt[] = [];
  collect(ast, [], keys);
  const segments = pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .filter((s) => !/^\d+$/.test(s));
  for (let end = segments.length; end > 0; end--) {
    const wanted = segments.slice(0, end);
    const last = wanted[end - 1];
    let best: KeyAt | undefined;
    let bestScore = -1;
    for (const k of keys) {
      if (k.key !== last) continue;
      const score = commonSuffix([...k.chain, k.key], wanted);
      if (score > bestScore) {
        best = k;
        bestScore = score;
      }
    }
    if (best) return best.offset;
  }
  return undefined;
}

function commonSuffix(a: readonly string[], b: readonly string[]): number {
  let n = 0;
  while (n < a.length && n < b.length && a[a.length - 1 - n] === b[b.length - 1 - n]) n++;
  return n;
}

function collect(node: unknown, chain: readonly string[], out: KeyAt[]): void {
  if (Array.isArray(node)) {
    for (const item of node) collect(item, chain, out);
    return;
  }
  if (typeof node !== 'object' || node === null) return;
  const n = node as { type?: unknown; value?: unknown; lhs?: unknown; position?: unknown };
  if (n.type === 'unary' && n.value === '{' && Array.isArray(n.lhs)) {
    for (const pair of n.lhs as unknown[]) {
      if (!Array.isArray(pair) || pair.length !== 2) continue;
      const [k, v] = pair as [{ type?: unknown; value?: unknown; position?: unknown }, unknown];
      if (k.type === 'string' && typeof k.value === 'string' && typeof k.position === 'number') {
        // JSONata gives the offset just past the closing quote.
        out.push({ key: k.value, chain, offset: Math.max(0, k.position - k.value.length - 2) });
        collect(v, [...chain, k.value], out);
      } else {
        collect(k, chain, out);
        collect(v, chain, out);
      }
    }
    return;
  }
  for (const [prop, value] of Object.entries(n)) {
    if (prop === 'position' || prop === 'value' || prop === 'type') continue;
    collect(value, chain, out);
  }
}
