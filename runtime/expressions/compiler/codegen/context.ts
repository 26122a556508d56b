/**
 * What the node compilers (calls, constructs, names, operators, paths, tuples) see of the
 * compiler: compiler.ts dispatches to them and they compile their children through this
 * interface, so they depend on it rather than on the class (which would make each a cycle).
 */
import type { Node } from './ast.ts';
import type { Emitter } from './emitter.ts';
import type { Frame } from './scope.ts';

export interface FnInfo {
  /** Identifier (or literal) of the evaluation depth the current function body starts at. */
  readonly base: string;
}

export interface Ctx {
  readonly frame: Frame;
  /** Identifier holding the context value (`$`). */
  readonly input: string;
  /** Nesting depth of the node being compiled, relative to `fn.base`. */
  readonly depth: number;
  readonly fn: FnInfo;
}

export interface Codegen {
  readonly e: Emitter;
  /** The identifier of the runtime's "unbound variable" marker. */
  readonly unbound: string;
  /** Identifiers whose values are known to be collapsed already (no sequence to collapse). */
  readonly collapsed: Set<string>;
  /** A context for a child evaluated one level deeper. */
  child(ctx: Ctx, input?: string): Ctx;
  /** Emits the evaluation-depth check of a node that evaluates nothing before its own work. */
  leaf(ctx: Ctx): void;
  /** Emits a clock check (a loop's iteration). */
  tick(): void;
  /** Stores `expr` in a temporary and returns its name (see Compiler.let). */
  let(expr: string, prefix?: string): string;
  /** A pooled temporary (assign it before use). */
  temp(): string;
  /** Emits a JavaScript function's body with temporaries of its own. */
  inFunction(weight: number, body: () => void): void;
  variable(ctx: Ctx, name: string): string;
  /** compile(), as a function of its own when the node is big. */
  compileApart(node: Node, ctx: Ctx, siblings: number): string;
  compile(node: Node, ctx: Ctx): string;
}
