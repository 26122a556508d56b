/**
 * Function values and function application, mirroring the reference's calling convention:
 * arguments that are functions are wrapped at every call site, tail calls return a thunk that
 * the caller's trampoline applies, and errors escaping a call get the call site's position
 * exactly where the reference stamps one.
 */
import { JErr } from './errors.ts';
import { type Signature } from './signature.ts';
import { bailout, tick } from './state.ts';
import { JFunction, isForeignFunction, isFunction } from './values.ts';

/** A compiled lambda body: receives the (validated) arguments and its evaluation depth. */
export type Body = (args: unknown[], depth: number) => unknown;

export abstract class Callable extends JFunction {
  /** Applies the function to already-evaluated arguments; may return a Thunk. */
  abstract invoke(args: unknown[], input: unknown, depth: number): unknown;
  /**
   * What `f.apply(this, args)` in the reference's library code does with this value: a
   * JavaScript function is simply called; a lambda object applies itself in its own context.
   */
  libraryCall(args: unknown[], depth: number): unknown {
    if (!this.objectLike) return this.invoke(args, null, depth);
    throw new TypeError('func.apply is not a function');
  }
}

/**
 * A tail call, applied by the caller's trampoline (the reference's thunk lambda). The callee
 * has been through tailCallee already, which stamps it as the reference's trampoline does
 * before evaluating the arguments.
 */
export class Thunk {
  constructor(
    readonly proc: unknown,
    readonly args: unknown[],
    readonly procPosition: number | undefined,
    /** Set only when the callee was named by a variable, as in the reference. */
    readonly procToken: string | undefined,
  ) {}
}

/**
 * The callee of a tail call, just evaluated: the reference's trampoline stamps its name and
 * position on it now (failing on values that cannot take properties), before the arguments
 * are evaluated, which may move them again.
 */
export function tailCallee(proc: unknown, position: number | undefined, token: string | undefined): unknown {
  if (proc === null || (typeof proc !== 'object' && typeof proc !== 'function')) {
    throw cannotSet(proc, token !== undefined ? 'token' : 'position');
  }
  if (isForeignFunction(proc)) bailout('tail call of a function supplied from outside the expression');
  if (proc instanceof JFunction) {
    if (token !== undefined) proc.tok = token;
    proc.pos = position;
  }
  return proc;
}

export class Lambda extends Callable {
  readonly objectLike = true;
  override readonly isLambda = true;
  constructor(
    readonly arity: number,
    readonly sig: Signature | undefined,
    /** The context the lambda was created in (its body's `$`). */
    readonly input: unknown,
    readonly body: Body,
  ) {
    super();
    this.pos = undefined;
    this.tok = undefined;
  }
  invoke(args: unknown[], input: unknown, depth: number): unknown {
    tick();
    return this.body(this.sig === undefined ? args : this.sig.validate(args, input), depth);
  }
  override libraryCall(args: unknown[], depth: number): unknown {
    return apply(this, args, this.input, depth);
  }
}

export type NativeImpl = (args: unknown[], input: unknown, depth: number) => unknown;

/** A standard-library function, as the reference's `{_jsonata_function, implementation}`. */
export class Builtin extends Callable {
  readonly objectLike = true;
  override readonly isLambda = false;
  constructor(
    readonly name: string,
    /** The reference implementation's declared parameter count (what HOFs look at). */
    readonly arity: number,
    readonly sig: Signature,
    readonly impl: NativeImpl,
    /** Parameter names of the reference implementation, for partial application. */
    readonly nativeParams: readonly string[] | undefined,
    /** One-argument shortcut (see lib/shared.ts Fast1); returns `unhandled` when it does not apply. */
    readonly fast1: ((arg: unknown) => unknown) | undefined = undefined,
    readonly unhandled: unknown = undefined,
  ) {
    super();
    this.pos = undefined;
    this.tok = undefined;
  }
  invoke(args: unknown[], input: unknown, depth: number): unknown {
    return this.impl(this.sig.validate(args, input), input, depth);
  }
}

/** What the reference passes for a function argument: a closure that applies it with no context. */
export class Wrapper extends Callable {
  readonly objectLike = false;
  override readonly isLambda = false;
  readonly arity: number;
  constructor(readonly inner: unknown) {
    super();
    this.pos = undefined;
    this.tok = undefined;
    this.arity = arityOf(inner);
  }
  invoke(args: unknown[], _input: unknown, depth: number): unknown {
    return apply(this.inner, args, null, depth);
  }
}

export function wrapArg(v: unknown): unknown {
  return isFunction(v) ? new Wrapper(v) : v;
}

export function arityOf(func: unknown): number {
  if (func instanceof JFunction) return func.arity;
  const f = func as { arity?: unknown; implementation?: unknown; length?: unknown; arguments?: { length: number } };
  if (typeof f.arity === 'number') return f.arity;
  if (typeof f.implementation === 'function') return (f.implementation as (...a: unknown[]) => unknown).length;
  if (typeof f.length === 'number') return f.length;
  return (f.arguments as { length: number }).length;
}

function cannotSet(value: unknown, prop: string): TypeError {
  const what = value === null ? 'null' : value === undefined ? 'undefined' : `${typeof value} '${String(value)}'`;
  return value === null || value === undefined
    ? new TypeError(`Cannot set properties of ${what} (setting '${prop}')`)
    : new TypeError(`Cannot create property '${prop}' on ${what}`);
}

interface Annotatable {
  position?: unknown;
  token?: unknown;
  tail?: boolean;
}

/** What the reference's applyInner does to an error escaping the application of `proc`. */
function stampFromCallee(e: unknown, proc: unknown, objPos?: number, objTok?: string): void {
  if (typeof e !== 'object' || e === null) return;
  const a = e as Annotatable;
  if (a.tail) {
    // Thrown while evaluating this callee's tail call, which the reference does outside
    // the callee's application.
    a.tail = false;
  } else if (proc instanceof JFunction) {
    if (a.token === undefined && proc.tok !== undefined) a.token = proc.tok;
    a.position = proc.pos || a.position;
  } else if (typeof proc === 'object' && proc !== null) {
    if (a.token === undefined && objTok !== undefined) a.token = objTok;
    a.position = objPos || a.position;
  }
}

/** The reference's applyInner: validate and apply, then stamp the callee's last call site. */
function applyInner(proc: unknown, args: unknown[], input: unknown, depth: number, objPos?: number, objTok?: string): unknown {
  try {
    if (proc instanceof Callable) return proc.invoke(args, input, depth);
    if (isForeignFunction(proc)) bailout('call of a function supplied from outside the expression');
    if (typeof proc === 'object' && proc !== null && (proc as { signature?: unknown }).signature !== undefined) {
      bailout('call of a data object that has a signature field');
    }
    throw new JErr('T1006');
  } catch (e) {
    stampFromCallee(e, proc, objPos, objTok);
    throw e;
  }
}

/** The reference's trampoline: applies the tail calls `first` (a function's result) asks for. */
export function trampoline(first: unknown, input: unknown, depth: number): unknown {
  let result = first;
  while (result instanceof Thunk) {
    tick();
    const next = result.proc;
    let objTok: string | undefined;
    if (!(next instanceof JFunction)) {
      const existing = (next as { token?: unknown }).token;
      objTok = result.procToken ?? (typeof existing === 'string' ? existing : undefined);
    }
    result = applyInner(next, result.args, input, depth, result.procPosition, objTok);
  }
  return result;
}

/** The reference's apply: applyInner plus the trampoline for tail calls. */
export function apply(proc: unknown, args: unknown[], input: unknown, depth: number): unknown {
  return trampoline(applyInner(proc, args, input, depth), input, depth);
}

/** What the reference's evaluateFunction does to an error escaping a call written at `position`. */
function stampCallSite(e: unknown, position: number | undefined, name: string | undefined): void {
  if (typeof e !== 'object' || e === null) return;
  const a = e as Annotatable;
  if (!a.position) a.position = position;
  if (!a.token) a.token = name;
}

/**
 * callAt, shortened for the usual callee, a lambda without a signature: its body is applied
 * right here, with what callAt → apply → Lambda.invoke would do around it (stamp, tick,
 * error annotation, tail calls). Out of line rather than written at every call site: the
 * handler and branches made the functions that call lambdas slow for TurboFan to optimise.
 */
export function callLambda(proc: unknown, args: unknown[], input: unknown, depth: number, position: number | undefined, name: string | undefined): unknown {
  if (!(proc instanceof Lambda) || proc.sig !== undefined) return callAt(proc, args, input, depth, position, name);
  proc.tok = name;
  proc.pos = position;
  let r: unknown;
  try {
    tick();
    r = proc.body(args, depth);
  } catch (e) {
    throw lambdaFailed(e, proc, position, name);
  }
  return r instanceof Thunk ? tailCallsAt(r, input, depth, position, name) : r;
}

/**
 * What callAt would have done after a lambda's body, for callers that apply the body
 * directly: the annotation of an error escaping it (applyInner's, then the call site's), and
 * the tail calls it returned.
 */
export function lambdaFailed(e: unknown, l: Lambda, position: number | undefined, name: string | undefined): unknown {
  stampFromCallee(e, l);
  stampCallSite(e, position, name);
  return e;
}

export function tailCallsAt(result: Thunk, input: unknown, depth: number, position: number | undefined, name: string | undefined): unknown {
  try {
    return trampoline(result, input, depth);
  } catch (e) {
    stampCallSite(e, position, name);
    throw e;
  }
}

/**
 * A call written in the expression (`$f(a, b)`): the reference's evaluateFunction after the
 * procedure and arguments are evaluated.
 */
export function callAt(proc: unknown, args: unknown[], input: unknown, depth: number, position: number | undefined, name: string | undefined): unknown {
  try {
    if (proc instanceof JFunction) {
      if (proc.objectLike) {
        proc.tok = name;
        proc.pos = position;
      }
    } else if (proc === null) {
      throw cannotSet(null, 'token');
    }
    return apply(proc, args, input, depth);
  } catch (e) {
    stampCallSite(e, position, name);
    throw e;
  }
}

/** Marks an error raised while evaluating a tail call's callee or arguments. */
export function tailEscape(e: unknown): unknown {
  if (typeof e === 'object' && e !== null) (e as Annotatable).tail = true;
  return e;
}

/** `fn.apply(this, args)` in library code: how the reference calls function arguments. */
export function callArg(fn: unknown, args: unknown[], depth: number): unknown {
  if (fn instanceof Wrapper && fn.inner instanceof Lambda && fn.inner.sig === undefined) {
    // The usual case (`$map(xs, function($x) {...})`), as Wrapper.invoke → apply would do it.
    const l = fn.inner;
    let result: unknown;
    try {
      tick();
      result = l.body(args, depth);
    } catch (e) {
      stampFromCallee(e, l);
      throw e;
    }
    return result instanceof Thunk ? trampoline(result, null, depth) : result;
  }
  if (fn instanceof Callable) return fn.libraryCall(args, depth);
  if (isForeignFunction(fn)) bailout('library call of a function supplied from outside the expression');
  if (fn === null || fn === undefined) throw new TypeError(`Cannot read properties of ${String(fn)} (reading 'apply')`);
  throw new TypeError('func.apply is not a function');
}

/** `fn(args)` in library code (the comparator of $sort): only JavaScript functions work. */
export function callArgDirect(fn: unknown, args: unknown[], depth: number): unknown {
  if (fn instanceof Callable && !fn.objectLike) return fn.invoke(args, null, depth);
  if (isForeignFunction(fn)) bailout('library call of a function supplied from outside the expression');
  throw new TypeError('comp is not a function');
}

/** The argument list the reference's HOFs pass: value, then index and whole if the function takes them. */
export function hofArgs(fn: unknown, value: unknown, key: unknown, whole: unknown): unknown[] {
  const arity = arityOf(fn);
  if (arity >= 3) return [value, key, whole];
  if (arity >= 2) return [value, key];
  return [value];
}

/**
 * `$name(args)` where `$name` is the standard-library function itself (the common case): the
 * same as callAt, without the dispatch and trampoline a library function never needs.
 */
export function callBuiltin(b: Builtin, args: unknown[], input: unknown, depth: number, position: number | undefined, name: string): unknown {
  b.tok = name;
  b.pos = position;
  try {
    return b.impl(b.sig.validate(args, input), input, depth);
  } catch (e) {
    if (typeof e === 'object' && e !== null) {
      // The position is read back from the (shared) function object: a nested call of the
      // same function in between has moved it, exactly as in the reference.
      const a = e as Annotatable;
      if (a.token === undefined && b.tok !== undefined) a.token = b.tok;
      a.position = b.pos || a.position;
      if (!a.position) a.position = position;
      if (!a.token) a.token = name;
    }
    throw e;
  }
}

/** callBuiltin for a one-argument call, trying the function's shortcut first. */
export function callBuiltin1(b: Builtin, arg: unknown, input: unknown, depth: number, position: number | undefined, name: string): unknown {
  b.tok = name;
  b.pos = position;
  try {
    if (b.fast1 !== undefined) {
      const r = b.fast1(arg);
      if (r !== b.unhandled) return r;
    }
    return b.impl(b.sig.validate([arg], input), input, depth);
  } catch (e) {
    if (typeof e === 'object' && e !== null) {
      // The position is read back from the (shared) function object: a nested call of the
      // same function in between has moved it, exactly as in the reference.
      const a = e as Annotatable;
      if (a.token === undefined && b.tok !== undefined) a.token = b.tok;
      a.position = b.pos || a.position;
      if (!a.position) a.position = position;
      if (!a.token) a.token = name;
    }
    throw e;
  }
}
