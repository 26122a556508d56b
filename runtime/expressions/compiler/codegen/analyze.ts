/**
 * Constructs the compiler declines before generating anything, with the reason reported to the
 * caller. (Code generation itself also declines a few shapes it meets deeper down.)
 */
import { type Node, Unsupported, pairsOf } from './ast.ts';
import { unsupportedBuiltin } from '../lib/index.ts';
import { collectBinds } from './scope.ts';


/** Every sub-node of `node`, in all positions (steps, stages, terms, groups, bodies...). */
export function allChildren(node: Node): Node[] {
  const out: Node[] = [];
  const add = (n: Node | undefined): void => {
    if (n !== undefined && typeof n === 'object') out.push(n);
  };
  (node.steps ?? []).forEach(add);
  for (const s of node.stages ?? []) add(s.expr);
  for (const p of node.predicate ?? []) add(p.expr);
  for (const t of node.terms ?? []) add(t.expression);
  if (node.group) for (const [k, v] of node.group.lhs) (add(k), add(v));
  (node.expressions ?? []).forEach(add);
  if (node.type === 'unary' && node.value === '{') for (const [k, v] of pairsOf(node)) (add(k), add(v));
  else if (node.lhs !== undefined && !Array.isArray(node.lhs)) add(node.lhs as Node);
  add(node.rhs);
  add(node.expression);
  add(node.condition);
  add(node.then);
  add(node.else);
  add(node.procedure);
  if (node.type !== 'lambda') (node.arguments ?? []).forEach(add);
  add(node.body);
  add(node.pattern);
  add(node.update);
  add(node.delete);
  return out;
}

function noBinds(parts: readonly Node[], what: string): void {
  for (const part of parts) {
    const names = new Set<string>();
    collectBinds(part, names);
    if (names.size > 0) {
      throw new Unsupported(`variable binding inside ${what} is not compiled (the reference evaluates them concurrently)`, part.position);
    }
  }
}

export function analyze(node: Node): void {
  switch (node.type) {
    case 'parent':
      throw new Unsupported('parent operator % is not compiled', node.position);
    case 'transform':
      noBinds([node.pattern, node.update, node.delete].filter((n): n is Node => n !== undefined), 'a transform');
      break;
    case 'variable': {
      // Conservative: any variable of that name, even one the expression binds itself.
      const reason = unsupportedBuiltin(node.value as string);
      if (reason !== undefined) throw new Unsupported(reason, node.position);
      break;
    }
    case 'unary':
      if (node.value === '[' && (node.expressions ?? []).length > 1) noBinds(node.expressions ?? [], 'array constructor items');
      if (node.value === '{') noBinds(pairsOf(node).map(([, v]) => v), 'object constructor values');
      break;
    default:
      break;
  }
  if (node.seekingParent !== undefined || node.ancestor !== undefined) {
    throw new Unsupported('parent operator % is not compiled', node.position);
  }
  if (node.group) noBinds(node.group.lhs.map(([, v]) => v), 'grouping values');
  for (const child of allChildren(node)) analyze(child);
}

const weights = new WeakMap<Node, number>();

/**
 * Roughly how much code `node` compiles to in the function it is compiled in: its nodes, not
 * counting the bodies of lambdas (each is a function of its own).
 */
export function weight(node: Node): number {
  let w = weights.get(node);
  if (w === undefined) {
    w = 1;
    if (node.type === 'lambda' && !node.thunk) {
      for (const a of node.arguments ?? []) w += weight(a);
    } else {
      for (const child of allChildren(node)) w += weight(child);
    }
    weights.set(node, w);
  }
  return w;
}
