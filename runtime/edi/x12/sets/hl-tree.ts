/**
 * The HL hierarchy of an 856, assembled from the flat HL loops by their parent pointers
 * (HL02), without recursion: a sender controls how deep the chain goes.
 */
import type { Json } from '../schema.ts';
import type { Segment } from '../segments.ts';
import type { SetIssue } from './module.ts';

export type HlLevel = 'shipment' | 'order' | 'tare' | 'pack' | 'item';

/**
 * How deep HL levels may nest (a root shipment level is 1). Real ASNs are five or six levels
 * deep (shipment, order, tare, pack, item); a deeper chain is a broken or hostile file, and
 * rejecting it keeps the tree, the derived views and whatever later serializes the document
 * to a depth every consumer can handle.
 */
export const MAX_HL_DEPTH = 1000;

export const LEVELS: Readonly<Record<string, HlLevel>> = { S: 'shipment', O: 'order', T: 'tare', P: 'pack', I: 'item' };

export function childrenOf(node: Json): Json[] {
  return (node.children as Json[] | undefined) ?? [];
}

/**
 * Every node reachable from `roots`, parents before children in document order, each with its
 * depth (a root is 1). Iterative, because a sender controls how deep the chain goes.
 */
export function preorder(roots: readonly Json[]): Array<{ node: Json; depth: number }> {
  const out: Array<{ node: Json; depth: number }> = [];
  const stack = [...roots].reverse().map((node) => ({ node, depth: 1 }));
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    out.push(top);
    const children = childrenOf(top.node);
    for (let i = children.length - 1; i >= 0; i--) stack.push({ node: children[i] as Json, depth: top.depth + 1 });
  }
  return out;
}

/** The tree from the HL02 parent pointers; `tooDeep` when it nests beyond MAX_HL_DEPTH. */
export function buildTree(flat: Json[], segments: readonly Segment[], issues: SetIssue[]): { roots: Json[]; tooDeep: boolean } {
  const hlSegments = segments.filter((s) => s.tag === 'HL');
  const byId = new Map<string, Json>();
  const segmentOf = new Map<Json, Segment>();
  const roots: Json[] = [];
  flat.forEach((node, i) => {
    const segment = hlSegments[i] as Segment;
    segmentOf.set(node, segment);
    const id = String(node.id);
    if (byId.has(id)) {
      issues.push({ segment, element: 1, code: 'hl-structure', ak3: '8', ak4: '7', text: `HL ID ${id} is used twice` });
      return;
    }
    byId.set(id, node);
  });
  flat.forEach((node, i) => {
    const segment = hlSegments[i] as Segment;
    if (byId.get(String(node.id)) !== node) return;
    const level = LEVELS[String(node.levelCode)];
    if (level) node.level = level;
    if (node.parentId === undefined) {
      roots.push(node);
      return;
    }
    const parent = byId.get(String(node.parentId));
    if (!parent) {
      issues.push({ segment, element: 2, code: 'hl-structure', ak3: '8', ak4: '7', text: `HL ${String(node.id)} points to parent ${String(node.parentId)}, which is not an HL in this set` });
      return;
    }
    const children = (parent.children as Json[] | undefined) ?? [];
    children.push(node);
    parent.children = children;
  });
  const reached = preorder(roots);
  // One error for the first level past the limit: one per level of an 8,000-deep chain would
  // only bury the reason under thousands of identical AK3 lines in the 997.
  const deep = reached.find((r) => r.depth > MAX_HL_DEPTH);
  if (deep) {
    issues.push({
      segment: segmentOf.get(deep.node) as Segment,
      element: 2,
      code: 'hl-structure',
      ak3: '8',
      ak4: '7',
      text: `HL ${String(deep.node.id)} is nested ${deep.depth} levels deep; at most ${MAX_HL_DEPTH} HL levels are read`,
    });
  }
  const reachedNodes = new Set(reached.map((r) => r.node));
  flat.forEach((node, i) => {
    if (byId.get(String(node.id)) === node && !reachedNodes.has(node) && byId.has(String(node.parentId))) {
      issues.push({ segment: hlSegments[i] as Segment, element: 2, code: 'hl-structure', ak3: '8', ak4: '7', text: `HL ${String(node.id)} is part of a parent cycle and has no shipment-level root` });
    }
  });
  return { roots, tooDeep: deep !== undefined };
}
