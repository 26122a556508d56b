/**
 * Function calls, lambdas, partial application and `~>`.
 *
 * A lambda compiles to a JavaScript function `(args, depth)`; its body is compiled in a frame
 * holding the parameters. A call in tail position (which the parser has already wrapped as a
 * thunk) evaluates its callee and arguments and returns a Thunk for the caller's trampoline,
 * so tail recursion runs in constant stack, as in the reference.
 */
import { builtin } from '../lib/index.ts';
import { signature } from '../rt/signature.ts';
import { inlineBuiltin } from './builtins.ts';
import { type Node, Unsupported, isPlaceholder, procedureName } from './ast.ts';
import type { Codegen, Ctx } from './context.ts';
import { Frame } from './scope.ts';
import { weight } from './analyze.ts';

/** Node types whose value is never a function (so needs no wrapping as an argument). */
const neverFunction = new Set(['string', 'number', 'value', 'binary', 'unary']);

function calleeDepth(ctx: Ctx): string {
  return ctx.fn.base === '0' ? String(ctx.depth + 1) : `${ctx.fn.base} + ${ctx.depth + 1}`;
}

/** Is `$name` (a variable) the library function itself, wherever it is used in this frame? */
function libraryFunctionAt(c: Codegen, ctx: Ctx, name: string): string | undefined {
  const b = builtin(name);
  if (b === undefined) return undefined;
  for (let f: Frame | undefined = ctx.frame; f !== undefined; f = f.parent) {
    if (f.kind !== 'root' && f.locals.has(name)) return undefined;
  }
  return c.e.k(b);
}

/** A call node; `applyTo` is the left side of `~>` (passed as the first argument, unwrapped). */
export function compileCall(c: Codegen, node: Node, ctx: Ctx, applyTo: string | undefined): string {
  const e = c.e;
  const proc = node.procedure as Node;
  const pos = e.literal(node.position);
  const name = procedureName(proc);
  const nameK = name === undefined ? 'undefined' : e.k(name);
  let p = c.compile(proc, c.child(ctx));
  if (proc.type === 'path' && name !== undefined) {
    const bound = c.variable(ctx, name);
    e.emit(`if (${p} === undefined && ${bound}) throw new (${e.rt('JErr')})('T1005', undefined, ${pos}, ${nameK});`);
  }
  const args: string[] = applyTo === undefined ? [] : [applyTo];
  for (const arg of node.arguments ?? []) {
    const v = c.compile(arg, c.child(ctx));
    args.push(
      neverFunction.has(arg.type)
        ? v
        : c.let(`((typeof ${v} === 'object' && ${v} !== null) || typeof ${v} === 'function') ? ${e.rt('wrapArg')}(${v}) : ${v}`),
    );
  }
  const list = `[${args.join(', ')}]`;
  const depth = calleeDepth(ctx);
  const lib = proc.type === 'variable' && name !== undefined ? libraryFunctionAt(c, ctx, name) : undefined;
  if (lib !== undefined && args.length === 1) {
    const general = `${e.rt('callBuiltin1')}(${lib}, ${args[0]}, ${ctx.input}, ${depth}, ${pos}, ${nameK})`;
    const inline = inlineBuiltin(e, name as string, lib, args[0] as string, pos, nameK, builtin(name as string)?.fast1 !== undefined ? general : `${e.rt('callBuiltin')}(${lib}, ${list}, ${ctx.input}, ${depth}, ${pos}, ${nameK})`);
    if (inline !== undefined) return c.let(`${p} === ${lib} ? ${inline} : ${e.rt('callAt')}(${p}, ${list}, ${ctx.input}, ${depth}, ${pos}, ${nameK})`);
  }
  if (lib !== undefined && args.length === 1 && builtin(name as string)?.fast1 !== undefined) {
    return c.let(
      `${p} === ${lib} ? ${e.rt('callBuiltin1')}(${lib}, ${args[0]}, ${ctx.input}, ${depth}, ${pos}, ${nameK}) : ` +
        `${e.rt('callAt')}(${p}, ${list}, ${ctx.input}, ${depth}, ${pos}, ${nameK})`,
    );
  }
  if (lib !== undefined) {
    return c.let(
      `${p} === ${lib} ? ${e.rt('callBuiltin')}(${lib}, ${list}, ${ctx.input}, ${depth}, ${pos}, ${nameK}) : ` +
        `${e.rt('callAt')}(${p}, ${list}, ${ctx.input}, ${depth}, ${pos}, ${nameK})`,
    );
  }
  return c.let(`${e.rt('callLambda')}(${p}, ${list}, ${ctx.input}, ${depth}, ${pos}, ${nameK})`);
}

export function compileLambda(c: Codegen, node: Node, ctx: Ctx): string {
  if (node.thunk) return compileTailCall(c, node, ctx);
  const e = c.e;
  c.leaf(ctx);
  const params = (node.arguments ?? []).map((a) => a.value as string);
  if (new Set(params).size !== params.length) throw new Unsupported('lambda with a repeated parameter name is not compiled', node.position);
  const def = node.signature?.definition;
  // Inside the left operand of ?: and ?? the parser works on a JSON copy of the AST, whose
  // signatures have lost their checking function: calling such a lambda fails.
  const broken = node.signature !== undefined && typeof (node.signature as { validate?: unknown }).validate !== 'function';
  const sig = node.signature === undefined ? 'undefined' : broken ? e.rt('brokenSignature') : e.k(signature(def as string));
  const t = e.id('l');
  e.block(`const ${t} = new (${e.rt('Lambda')})(${params.length}, ${sig}, ${ctx.input}, function ${t}_body(A, D)`, () => c.inFunction(weight(node.body as Node), () => {
    const frame = new Frame('lambda', ctx.frame);
    params.forEach((name, i) => {
      const local = e.id('v');
      e.emit(`let ${local} = A[${i}];`);
      frame.defineDefinite(name, local);
    });
    frame.declareBinds(e, node.body as Node, c.unbound);
    const body = c.compile(node.body as Node, { frame, input: ctx.input, depth: 0, fn: { base: 'D' } });
    e.emit(`return ${body};`);
  }), '});');
  return t;
}

/**
 * A call in tail position. The reference returns the thunk, then its trampoline evaluates the
 * callee and arguments at the depth the body started at, outside the callee's error handler.
 */
function compileTailCall(c: Codegen, node: Node, ctx: Ctx): string {
  const e = c.e;
  c.leaf(ctx);
  const call = node.body as Node;
  const proc = call.procedure as Node;
  const tailCtx: Ctx = { frame: ctx.frame, input: ctx.input, depth: 0, fn: ctx.fn };
  const p = c.temp();
  const a = c.temp();
  const tok = proc.type === 'variable' ? e.k(proc.value) : 'undefined';
  const procPos = e.literal(proc.position);
  e.block('try', () => {
    e.emit(`${p} = ${e.rt('tailCallee')}(${c.compile(proc, tailCtx)}, ${procPos}, ${tok});`);
    const args = (call.arguments ?? []).map((arg) => c.compile(arg, tailCtx));
    e.emit(`${a} = [${args.join(', ')}];`);
  });
  e.block('catch (err)', () => e.emit(`throw ${e.rt('tailEscape')}(err);`));
  return c.let(`new (${e.rt('Thunk')})(${p}, ${a}, ${procPos}, ${tok})`);
}

export function compilePartial(c: Codegen, node: Node, ctx: Ctx): string {
  const e = c.e;
  const proc = node.procedure as Node;
  const pos = e.literal(node.position);
  const name = procedureName(proc);
  const nameK = name === undefined ? 'undefined' : e.k(name);
  const args = (node.arguments ?? []).map((arg) => (isPlaceholder(arg) ? e.rt('HOLE') : c.compile(arg, c.child(ctx))));
  const p = c.compile(proc, c.child(ctx));
  if (proc.type === 'path' && name !== undefined) {
    const bound = c.variable(ctx, name);
    e.emit(`if (${p} === undefined && ${bound}) throw new (${e.rt('JErr')})('T1007', undefined, ${pos}, ${nameK});`);
  }
  return c.let(`${e.rt('partial')}(${p}, [${args.join(', ')}], ${pos}, ${nameK})`);
}

export function compileApply(c: Codegen, node: Node, ctx: Ctx): string {
  const e = c.e;
  const lhs = c.compile(node.lhs as Node, c.child(ctx));
  const rhs = node.rhs as Node;
  if (rhs.type === 'function') return compileCall(c, rhs, ctx, lhs);
  const fn = c.compile(rhs, c.child(ctx));
  e.emit(`if (!${e.rt('isFunction')}(${fn})) throw new (${e.rt('JErr')})('T2006', ${fn}, ${e.literal(node.position)});`);
  const t = c.temp();
  e.block(`if (${e.rt('isFunction')}(${lhs}))`, () => {
    // Composition: the reference evaluates its composition lambda, then applies it.
    c.leaf(c.child(ctx));
    c.leaf(c.child(ctx));
    e.emit(`${t} = new (${e.rt('Chain')})(${lhs}, ${fn});`);
  });
  e.block('else', () => e.emit(`${t} = ${e.rt('apply')}(${fn}, [${lhs}], null, ${calleeDepth(ctx)});`));
  return t;
}

/**
 * `|pattern|update, delete|`. Its parts run when the transform is applied, with the copy (or
 * each match) as context, at the depth the callee's body would start at, in the frame where
 * the transform was written.
 */
export function compileTransform(c: Codegen, node: Node, ctx: Ctx): string {
  const e = c.e;
  c.leaf(ctx);
  const part = (n: Node | undefined): string => {
    if (n === undefined) return 'undefined';
    const t = e.id('tf');
    const x = e.id('x');
    e.block(`const ${t} = function (${x}, D)`, () => c.inFunction(weight(n), () => {
      e.emit(`return ${c.compile(n, { frame: ctx.frame, input: x, depth: 0, fn: { base: 'D' } })};`);
    }), '};');
    return t;
  };
  const pattern = part(node.pattern);
  const update = part(node.update);
  const remove = part(node.delete);
  const clone = e.id('tf');
  e.emit(`const ${clone} = () => ${c.variable(ctx, 'clone')};`);
  return c.let(
    `new (${e.rt('Transform')})(${e.literal(node.position)}, ${clone}, ${pattern}, ${update}, ${e.literal(node.update?.position)}, ${remove}, ${e.literal(node.delete?.position)})`,
  );
}
