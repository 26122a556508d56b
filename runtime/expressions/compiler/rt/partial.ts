/**
 * Function values made from other functions: partial application (`$f(?, 2)`) and composition
 * (`$f ~> $g`). The reference builds both as lambdas; their observable behaviour (no signature
 * check on a partial of a lambda, positions reported for errors in a composition, evaluation
 * depth) is reproduced here.
 */
import jsonata from 'jsonata';
import { JErr } from './errors.ts';
import { Builtin, Callable, Lambda, Thunk, apply, callAt, tailCallee, tailEscape, wrapArg } from './functions.ts';
import { bailout, depthExceeded, state, tick } from './state.ts';
import { JFunction, isForeignFunction } from './values.ts';

/** Marks an argument written as `?`. */
export const HOLE: unique symbol = Symbol('hole');

/**
 * Something a partial application can bind arguments of. (A partial is a lambda without an
 * `apply` method in the reference, so library code cannot call it unwrapped: the default
 * Callable.libraryCall behaviour.)
 */
interface Target {
  /** Applies the function to a full argument list, as the reference applies a partial. */
  callFull(args: unknown[], depth: number): unknown;
}

function lambdaTarget(l: Lambda): Target {
  return { callFull: (args, depth) => l.body(args, depth) };
}

function chainTarget(c: Chain): Target {
  return { callFull: (args, depth) => c.invoke(args, null, depth) };
}

function nativeTarget(b: Builtin): Target {
  return {
    callFull: (args, depth) => {
      // The reference calls the implementation without checking the arguments; compiled
      // implementations assume checked arguments, so anything the check would change or
      // reject is handed to the reference.
      let checked: unknown[];
      try {
        checked = b.sig.validate(args, undefined);
      } catch {
        bailout(`unchecked arguments to a partial application of $${b.name}`);
      }
      if (checked.length !== args.length || checked.some((v, i) => v !== args[i])) {
        bailout(`unchecked arguments to a partial application of $${b.name}`);
      }
      return b.impl(args, undefined, depth);
    },
  };
}

export class Partial extends Callable {
  readonly objectLike = true;
  override readonly isLambda = true;
  readonly arity: number;
  constructor(
    readonly target: Target,
    readonly bound: readonly unknown[],
  ) {
    super();
    this.pos = undefined;
    this.tok = undefined;
    this.arity = bound.filter((b) => b === HOLE).length;
  }
  invoke(args: unknown[], _input: unknown, depth: number): unknown {
    tick();
    return this.target.callFull(this.fill(args), depth);
  }
  fill(args: readonly unknown[]): unknown[] {
    let next = 0;
    return this.bound.map((b) => (b === HOLE ? args[next++] : b));
  }
}

// Parameter lists of the reference implementations that its partial application cannot parse.
const unparsable = new Map<string, unknown>();

function parseError(b: Builtin): unknown {
  if (!unparsable.has(b.name)) {
    let error: unknown = undefined;
    try {
      const params = (b.nativeParams ?? ['']).map((p) => '$' + p);
      jsonata(`function(${params.join(', ')}){ _ }`);
    } catch (e) {
      error = e;
    }
    unparsable.set(b.name, error);
  }
  return unparsable.get(b.name);
}

function bind(paramCount: number, args: readonly unknown[]): unknown[] {
  const bound: unknown[] = [];
  for (let i = 0; i < paramCount; i++) bound.push(args[i]);
  return bound;
}

/** `proc(args)` where some args are `?` (HOLE). */
export function partial(proc: unknown, args: unknown[], position: number | undefined, name: string | undefined): unknown {
  if (proc instanceof Lambda) return new Partial(lambdaTarget(proc), bind(proc.arity, args));
  if (proc instanceof Chain) return new Partial(chainTarget(proc), bind(1, args));
  if (proc instanceof Partial) {
    let next = 0;
    const bound = proc.bound.map((b) => (b === HOLE ? args[next++] : b));
    return new Partial(proc.target, bound);
  }
  if (proc instanceof Builtin) {
    if (proc.nativeParams === undefined || proc.nativeParams.length === 0) bailout(`partial application of $${proc.name}`);
    const error = parseError(proc);
    if (error !== undefined) throw Object.assign({}, error);
    return new Partial(nativeTarget(proc), bind(proc.nativeParams.length, args));
  }
  if (proc instanceof JFunction || isForeignFunction(proc)) bailout('partial application of a function value without parameter names');
  throw new JErr('T1008', undefined, position, name);
}

// ---- composition ----------------------------------------------------------------------

interface ChainPositions {
  readonly g: number | undefined;
  readonly fCall: number | undefined;
}

/** Positions in the reference's composition lambda `function($f, $g) { function($x){ $g($f($x)) } }`. */
function chainPositions(): ChainPositions {
  type N = { body?: N; procedure?: N; arguments?: N[]; position?: number };
  const ast = jsonata('function($f, $g) { function($x){ $g($f($x)) } }').ast() as unknown as N;
  const call = ast.body?.body?.body;
  return { g: call?.procedure?.position, fCall: call?.arguments?.[0]?.position };
}

const positions = chainPositions();

function checkDepth(depth: number): void {
  if (depth > state().maxDepth) depthExceeded();
}

/** `$f ~> $g` for two functions: a function applying $f, then $g. */
export class Chain extends Callable {
  readonly objectLike = true;
  override readonly isLambda = true;
  readonly arity = 1;
  readonly input = null;
  constructor(
    readonly f: unknown,
    readonly g: unknown,
  ) {
    super();
    this.pos = undefined;
    this.tok = undefined;
  }
  invoke(args: unknown[], _input: unknown, depth: number): unknown {
    tick();
    checkDepth(depth);
    let fx: unknown;
    try {
      checkDepth(depth);
      tailCallee(this.g, positions.g, 'g');
      checkDepth(depth + 1);
      checkDepth(depth + 1);
      fx = callAt(this.f, [wrapArg(args[0])], null, depth + 1, positions.fCall, 'f');
    } catch (e) {
      throw tailEscape(e);
    }
    return new Thunk(this.g, [fx], positions.g, 'g');
  }
  override libraryCall(args: unknown[], depth: number): unknown {
    return apply(this, args, null, depth);
  }
}
