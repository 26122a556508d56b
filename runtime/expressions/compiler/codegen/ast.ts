/**
 * The shape of the AST `jsonata(src).ast()` returns after its post-parse stage (paths
 * flattened into steps, predicates turned into stages, tail calls into thunk lambdas). The
 * package types it loosely; this is the part the compiler reads. The AST is shared with the
 * reference evaluator and must never be modified.
 */
export interface Node {
  readonly type: string;
  readonly value?: unknown;
  readonly position?: number;
  readonly steps?: readonly Node[];
  readonly stages?: readonly Stage[];
  readonly predicate?: readonly Stage[];
  readonly group?: GroupSpec;
  readonly expressions?: readonly Node[];
  readonly lhs?: Node | readonly (readonly [Node, Node])[];
  readonly rhs?: Node;
  readonly expression?: Node;
  readonly condition?: Node;
  readonly then?: Node;
  readonly else?: Node;
  readonly procedure?: Node;
  readonly arguments?: readonly Node[];
  readonly body?: Node;
  readonly signature?: { readonly definition?: string };
  readonly thunk?: boolean;
  readonly terms?: readonly SortTermSpec[];
  readonly keepArray?: boolean;
  readonly keepSingletonArray?: boolean;
  readonly consarray?: boolean;
  readonly tuple?: boolean;
  readonly focus?: string;
  readonly index?: string;
  readonly ancestor?: unknown;
  readonly seekingParent?: unknown;
  readonly slot?: unknown;
  readonly pattern?: Node;
  readonly update?: Node;
  readonly delete?: Node;
}

export interface Stage {
  readonly type: string;
  readonly expr?: Node;
  readonly value?: string;
  readonly position?: number;
}

export interface GroupSpec {
  readonly lhs: readonly (readonly [Node, Node])[];
  readonly position?: number;
}

export interface SortTermSpec {
  readonly descending: boolean;
  readonly expression: Node;
}

export function pairsOf(node: Node): readonly (readonly [Node, Node])[] {
  return (node.lhs ?? []) as readonly (readonly [Node, Node])[];
}

export function isPlaceholder(node: Node): boolean {
  return node.type === 'operator' && node.value === '?';
}

/** The reference's name for the callee of a call: a path's first step, or the node's value. */
export function procedureName(proc: Node): string | undefined {
  if (proc.type === 'path') return (proc.steps?.[0]?.value as string | undefined) ?? undefined;
  return proc.value as string | undefined;
}

/** Thrown by code generation when it meets a construct it does not compile. */
export class Unsupported extends Error {
  constructor(
    readonly reason: string,
    readonly position: number | undefined,
  ) {
    super(reason);
  }
}
