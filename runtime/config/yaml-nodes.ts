/**
 * Walking a parsed YAML document in time linear in its size.
 *
 * The yaml package finds a map's key by scanning the map, and checks each new key for a
 * duplicate by scanning the keys before it. Both are fine for the usual ten-key map and
 * quadratic for a generated one (a `headers` step with 20,000 keys took 26 s to lint): every
 * expression is located by path, and every key was compared with every other. Here a map's
 * keys are indexed once, on first lookup, and duplicates are found with one pass and a set.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, type Document, type Pair, type YAMLMap } from 'yaml';

/** Per map: its pairs by key text (the first pair with that key), built on first lookup. */
const pairIndex = new WeakMap<YAMLMap, Map<string, Pair>>();

function pairsOf(map: YAMLMap): Map<string, Pair> {
  let index = pairIndex.get(map);
  if (index === undefined) {
    index = new Map();
    for (const pair of map.items) {
      if (!isPair(pair) || !isScalar(pair.key)) continue;
      const key = String(pair.key.value);
      if (!index.has(key)) index.set(key, pair);
    }
    pairIndex.set(map, index);
  }
  return index;
}

/** The pair of `map` whose key reads as `key`. */
export function pairAt(map: YAMLMap, key: string | number): Pair | undefined {
  return pairsOf(map).get(String(key));
}

/** The child of a map (by key) or a sequence (by index); undefined for anything else. */
export function childAt(node: unknown, segment: string | number): unknown {
  if (isMap(node)) return pairAt(node, segment)?.value ?? undefined;
  if (isSeq(node) && /^\d+$/.test(String(segment))) return node.items[Number(segment)];
  return undefined;
}

/** The node at `path`, or undefined when some step of it does not exist. */
export function nodeAt(doc: Document.Parsed, path: readonly (string | number)[]): unknown {
  let node: unknown = doc.contents;
  for (const segment of path) {
    node = childAt(node, segment);
    if (node === undefined || node === null) return undefined;
  }
  return node;
}

/**
 * Offsets of keys that repeat an earlier key of the same map, in document order. Keys are
 * equal as the yaml package's own check has them: scalars with the same value. Aliases are
 * not followed, so an alias bomb costs no more here than its text.
 */
export function duplicateKeyOffsets(doc: Document.Parsed): number[] {
  const offsets: number[] = [];
  const stack: unknown[] = [doc.contents];
  while (stack.length > 0) {
    const node = stack.pop();
    if (isAlias(node)) continue;
    if (isMap(node)) {
      const seen = new Set<unknown>();
      for (const pair of node.items) {
        const key = pair.key;
        if (isScalar(key) && !Number.isNaN(key.value)) {
          if (seen.has(key.value)) offsets.push(key.range?.[0] ?? 0);
          else seen.add(key.value);
        }
        stack.push(key, pair.value);
      }
    } else if (isSeq(node)) {
      for (const item of node.items) stack.push(item);
    }
  }
  return offsets.sort((a, b) => a - b);
}
