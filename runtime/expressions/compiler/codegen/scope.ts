/**
 * Variable frames. The reference creates a frame per block evaluation, per function call, per
 * tuple of a path with `@`/`#` bindings, and one per evaluation (holding the bindings and `$$`).
 * `$x := v` binds in the innermost frame; a lookup walks outwards and finds a name only once it
 * has been bound at run time. Compiled code gives each frame's names JavaScript locals (fresh
 * per evaluation of the frame, so closures capture them as the reference's lambdas capture
 * frames); a local that may not be bound yet starts as the UNBOUND sentinel.
 */
import { type Node, pairsOf } from './ast.ts';
import { type Emitter } from './emitter.ts';

export type FrameKind = 'root' | 'block' | 'lambda' | 'tuple';

export class Frame {
  readonly locals = new Map<string, string>();
  /** Names certainly bound in this frame at the point being compiled. */
  readonly definite = new Set<string>();
  constructor(
    readonly kind: FrameKind,
    readonly parent: Frame | undefined,
  ) {}

  /** Declares locals for the names `node` may bind in this frame (see collectBinds). */
  declareBinds(e: Emitter, node: Node | readonly Node[], unbound: string): void {
    const names = new Set<string>();
    for (const n of Array.isArray(node) ? (node as readonly Node[]) : [node as Node]) collectBinds(n, names);
    for (const name of names) {
      if (this.locals.has(name)) continue;
      const local = e.id('v');
      this.locals.set(name, local);
      e.emit(`let ${local} = ${unbound};`);
    }
  }

  /** A name bound for the whole life of the frame (parameter, tuple binding). */
  defineDefinite(name: string, local: string): void {
    this.locals.set(name, local);
    this.definite.add(name);
  }
}

/** Root-frame locals, declared in the program prologue from the bindings and the library. */
export class RootNames {
  readonly locals = new Map<string, string>();
  constructor(private readonly e: Emitter) {}
  local(name: string): string {
    let l = this.locals.get(name);
    if (l === undefined) {
      l = this.e.id('r');
      this.locals.set(name, l);
    }
    return l;
  }
}

/** JavaScript expression reading variable `name` as seen from `frame`. */
export function resolve(frame: Frame, name: string, root: RootNames, unbound: string): string {
  const maybe: string[] = [];
  let found: string | undefined;
  for (let f: Frame | undefined = frame; f !== undefined; f = f.parent) {
    if (f.kind === 'root') {
      found = root.local(name);
      break;
    }
    const local = f.locals.get(name);
    if (local === undefined) continue;
    if (f.definite.has(name)) {
      found = local;
      break;
    }
    maybe.push(local);
  }
  let expr = found ?? 'undefined';
  for (let i = maybe.length - 1; i >= 0; i--) expr = `(${maybe[i]} !== ${unbound} ? ${maybe[i]} : ${expr})`;
  return expr;
}

/** The local a `:=` in `frame` assigns to. */
export function bindTarget(frame: Frame, name: string, root: RootNames): string {
  if (frame.kind === 'root') return root.local(name);
  const local = frame.locals.get(name);
  if (local === undefined) throw new Error(`internal: no local for $${name}`);
  return local;
}

/**
 * Names bound by `:=` that land in the frame evaluating `node`: it does not look inside nodes
 * that evaluate in frames of their own (blocks, lambda bodies, the tuple-stream part of paths).
 */
export function collectBinds(node: Node | undefined, out: Set<string>): void {
  if (node === undefined) return;
  switch (node.type) {
    case 'bind':
      out.add((node.lhs as Node).value as string);
      collectBinds(node.rhs, out);
      return;
    case 'block':
      return;
    case 'lambda':
      // A tail call (thunk) is evaluated by the caller's trampoline in this same frame.
      if (node.thunk) collectBinds(node.body, out);
      return;
    case 'path': {
      const steps = node.steps ?? [];
      let tuple = false;
      for (let i = 0; i < steps.length; i++) {
        const step = steps[i] as Node;
        if (step.tuple) tuple = true;
        if (tuple && !(i === 0 && step.consarray)) break;
        collectStep(step, out);
      }
      if (!tuple && node.group) for (const [k, v] of node.group.lhs) (collectBinds(k, out), collectBinds(v, out));
      return;
    }
    default:
      for (const child of children(node)) collectBinds(child, out);
  }
}

function collectStep(step: Node, out: Set<string>): void {
  if (step.type === 'sort') {
    for (const term of step.terms ?? []) collectBinds(term.expression, out);
  } else {
    collectBinds(step, out);
  }
  for (const stage of step.stages ?? []) collectBinds(stage.expr, out);
}

/** Sub-expressions evaluated in the same frame as `node` (for nodes other than paths/binds). */
export function children(node: Node): Node[] {
  const out: Node[] = [];
  const add = (n: Node | undefined): void => {
    if (n !== undefined) out.push(n);
  };
  switch (node.type) {
    case 'binary':
    case 'apply':
      add(node.lhs as Node);
      add(node.rhs);
      break;
    case 'unary':
      if (node.value === '[') (node.expressions ?? []).forEach(add);
      else if (node.value === '{') for (const [k, v] of pairsOf(node)) (add(k), add(v));
      else add(node.expression);
      break;
    case 'function':
    case 'partial':
      add(node.procedure);
      (node.arguments ?? []).forEach(add);
      break;
    case 'condition':
      add(node.condition);
      add(node.then);
      add(node.else);
      break;
    default:
      break;
  }
  for (const p of node.predicate ?? []) add(p.expr);
  if (node.type !== 'path' && node.group) for (const [k, v] of node.group.lhs) (add(k), add(v));
  return out;
}
