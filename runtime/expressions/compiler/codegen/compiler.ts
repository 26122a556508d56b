/**
 * Turns an AST node into JavaScript statements plus the identifier holding its value.
 *
 * Every node is compiled as the reference's `evaluate` treats it: the node's own work, then
 * its predicates, its grouping, and the collapse of sequences (empty to nothing, singletons to
 * their item). Evaluation depth is tracked statically: each node knows its nesting depth below
 * the start of the enclosing function body, and the nodes that evaluate nothing before doing
 * their own work (leaves) compare base + depth with the limit, which is where the reference's
 * per-node check would first fail.
 */
import { type Node, Unsupported } from './ast.ts';
import type { Codegen, Ctx } from './context.ts';
import { compileApply, compileCall, compileLambda, compilePartial, compileTransform } from './calls.ts';
import { compileArray, compileGroupOver, compileObject } from './constructs.ts';
import { Emitter } from './emitter.ts';
import { compileBinary } from './operators.ts';
import { compileFilter, compilePath } from './paths.ts';
import { ownField } from './names.ts';
import { Frame, RootNames, bindTarget, resolve } from './scope.ts';
import { Pool } from './pool.ts';
import { weight } from './analyze.ts';

/**
 * Nodes (see weight) from which an object value, array item or block expression gets a
 * function of its own; or from OUTLINE_PART when it is one of parts weighing OUTLINE_WEIGHT
 * together (a big object of small values is as slow to optimise as one big value).
 */
const OUTLINE_WEIGHT = 40;
const OUTLINE_PART = 8;
/**
 * Functions this light are left whole: TurboFan handles them quickly, and a part compiled
 * apart costs a closure and a call every time it runs (in a lambda: per item).
 */
const FUNCTION_WEIGHT = 120;

/** Node types whose own value can never be a sequence (so need no collapsing). */
const neverSequence = new Set(['string', 'number', 'value', 'lambda', 'regex', 'unary', 'partial', 'condition', 'block', 'bind', 'transform']);

export class Compiler implements Codegen {
  readonly e = new Emitter();
  readonly root = new RootNames(this.e);
  readonly unbound: string;
  /** Identifiers whose values are known to be collapsed already (no sequence to collapse). */
  readonly collapsed = new Set<string>();

  constructor() {
    this.unbound = this.e.rt('UNBOUND');
  }

  /** A context for a child evaluated one level deeper. */
  child(ctx: Ctx, input = ctx.input): Ctx {
    return { frame: ctx.frame, input, depth: ctx.depth + 1, fn: ctx.fn };
  }

  leaf(ctx: Ctx): void {
    if (this.e.depthPassed(ctx.fn.base, ctx.depth)) return;
    if (ctx.fn.base === '0') this.e.emit(`if (LIM < ${ctx.depth}) ${this.e.rt('depthExceeded')}();`);
    else this.e.emit(`if (${ctx.fn.base} + ${ctx.depth} > LIM) ${this.e.rt('depthExceeded')}();`);
    this.e.depthChecked(ctx.fn.base, ctx.depth);
  }

  tick(): void {
    this.e.emit(`if (++S.ticks >= 256) ${this.e.rt('checkClock')}();`);
  }

  /** Temporaries of the generated function being emitted (see pool.ts). */
  pool = new Pool(() => this.e.id('t'));

  /**
   * Stores `expr` in a temporary and returns its name: a pooled one by default, a fresh
   * `const` with `prefix` for values a nested function may capture (contexts, loop items).
   */
  let(expr: string, prefix = 't'): string {
    if (prefix === 't') {
      const t = this.temp();
      this.e.emit(`${t} = ${expr};`);
      return t;
    }
    const t = this.e.id(prefix);
    this.e.emit(`const ${t} = ${expr};`);
    return t;
  }

  /** A pooled temporary (assign it before use). */
  temp(): string {
    const t = this.pool.alloc();
    // A reused temporary holds a new value: whatever was known about the old one is gone.
    this.collapsed.delete(t);
    return t;
  }

  /**
   * Emits a JavaScript function's body: its temporaries come from a pool of its own (a
   * closure must not share them with the code around it), declared at its top.
   */
  inFunction(weight: number, body: () => void): void {
    const outer = this.pool;
    const outerWeight = this.functionWeight;
    const outerChecks = this.e.enterFunction();
    this.pool = new Pool(() => this.e.id('t'));
    this.functionWeight = weight;
    const at = this.e.placeholder();
    body();
    this.e.fill(at, this.pool.declaration());
    this.pool = outer;
    this.functionWeight = outerWeight;
    this.e.leaveFunction(outerChecks);
  }

  /** Weight (see analyze.ts) of the generated function being emitted. */
  functionWeight = 0;

  variable(ctx: Ctx, name: string): string {
    return resolve(ctx.frame, name, this.root, this.unbound);
  }

  /**
   * compile(), as a function of its own when the node is big. TurboFan's escape analysis and
   * register allocation grow faster than the size of the function they work on: a mapping
   * compiled into one function took it seconds (the mapping running unoptimised meanwhile);
   * the call costs a closure and a call.
   */
  compileApart(node: Node, ctx: Ctx, siblings: number): string {
    const w = weight(node);
    if (this.functionWeight <= FUNCTION_WEIGHT || (w < OUTLINE_WEIGHT && (siblings < OUTLINE_WEIGHT || w < OUTLINE_PART))) {
      return this.compile(node, ctx);
    }
    const r = this.temp();
    this.e.block(`${r} = (() =>`, () => this.inFunction(w, () => {
      const v = this.compile(node, ctx);
      this.e.emit(`return ${v};`);
    }), '})();');
    return r;
  }

  compile(node: Node, ctx: Ctx): string {
    const mark = this.pool.mark();
    const pool = this.pool;
    const result = this.finish(node, this.raw(node, ctx), ctx);
    pool.release(mark, result);
    return result;
  }

  finish(node: Node, raw: string, ctx: Ctx): string {
    let v = raw;
    let mayBeSeq = !neverSequence.has(node.type) && !(node.type === 'binary' && node.value !== '..');
    for (const p of node.predicate ?? []) {
      v = compileFilter(this, p.expr as Node, v, this.child(ctx));
      mayBeSeq = true;
    }
    if (node.type !== 'path' && node.group) {
      v = compileGroupOver(this, node.group, v, ctx, false);
      mayBeSeq = false;
    }
    if (node.keepArray) {
      v = this.let(`${this.e.rt('normKeep')}(${v})`);
    } else if (mayBeSeq && !this.collapsed.has(v)) {
      v = this.let(`Array.isArray(${v}) ? ${this.e.rt('norm')}(${v}) : ${v}`);
    }
    return v;
  }

  private raw(node: Node, ctx: Ctx): string {
    switch (node.type) {
      case 'path':
        return compilePath(this, node, ctx);
      case 'binary':
        return compileBinary(this, node, ctx);
      case 'unary':
        return this.unary(node, ctx);
      case 'name': {
        this.leaf(ctx);
        // Read inline for a single object (an inline cache per site); arrays map through lookup.
        const x = ctx.input;
        const k = this.e.k(node.value);
        const t = this.temp();
        this.e.emit(
          `if (typeof ${x} === 'object' && ${x} !== null && !Array.isArray(${x})) ${t} = ${ownField(this, x, node.value as string)}; ` +
            `else ${t} = ${this.e.rt('lookup')}(${x}, ${k});`,
        );
        return t;
      }
      case 'string':
      case 'number':
      case 'value':
        this.leaf(ctx);
        return this.e.literal(node.value);
      case 'wildcard':
        this.leaf(ctx);
        return this.let(`${this.e.rt('wildcard')}(${ctx.input})`);
      case 'descendant':
        this.leaf(ctx);
        return this.let(`${this.e.rt('descendants')}(${ctx.input})`);
      case 'variable':
        this.leaf(ctx);
        return this.variableNode(node, ctx);
      case 'regex':
        if (!(node.value instanceof RegExp)) {
          // The JSON copy of the AST the parser makes for ?: and ?? turns regexes into {}.
          throw new Unsupported('regular expression inside the left operand of ?: or ?? is not compiled', node.position);
        }
        this.leaf(ctx);
        return this.let(`new (${this.e.rt('Regex')})(${this.e.k(node.value)}, ${this.e.literal(node.position)})`);
      case 'condition':
        return this.condition(node, ctx);
      case 'block':
        return this.block(node, ctx);
      case 'bind':
        return this.bind(node, ctx);
      case 'function':
        return compileCall(this, node, ctx, undefined);
      case 'lambda':
        return compileLambda(this, node, ctx);
      case 'partial':
        return compilePartial(this, node, ctx);
      case 'apply':
        return compileApply(this, node, ctx);
      case 'parent':
        throw new Unsupported('parent operator % is not compiled', node.position);
      case 'transform':
        return compileTransform(this, node, ctx);
      default:
        throw new Unsupported(`expression type ${node.type} is not compiled`, node.position);
    }
  }

  private variableNode(node: Node, ctx: Ctx): string {
    const name = node.value as string;
    if (name === '') return this.let(`(${ctx.input} && ${ctx.input}.outerWrapper ? ${ctx.input}[0] : ${ctx.input})`);
    return this.let(this.variable(ctx, name));
  }

  private unary(node: Node, ctx: Ctx): string {
    switch (node.value) {
      case '-': {
        const v = this.compile(node.expression as Node, this.child(ctx));
        return this.let(`${this.e.rt('negate')}(${v}, ${this.e.literal(node.position)})`);
      }
      case '[':
        return compileArray(this, node, ctx);
      case '{':
        return compileObject(this, node, ctx);
      default:
        throw new Unsupported(`unary operator ${String(node.value)} is not compiled`, node.position);
    }
  }

  private condition(node: Node, ctx: Ctx): string {
    const c = this.compile(node.condition as Node, this.child(ctx));
    const t = this.temp();
    this.e.emit(`${t} = undefined;`);
    this.e.block(`if (${c} === true || (${c} !== false && ${this.e.rt('truthy')}(${c})))`, () => {
      this.e.emit(`${t} = ${this.compile(node.then as Node, this.child(ctx))};`);
    });
    if (node.else !== undefined) {
      this.e.block('else', () => {
        this.e.emit(`${t} = ${this.compile(node.else as Node, this.child(ctx))};`);
      });
    }
    return t;
  }

  private block(node: Node, ctx: Ctx): string {
    const exprs = node.expressions ?? [];
    if (exprs.length === 0) {
      this.leaf(ctx);
      return 'undefined';
    }
    const t = this.temp();
    this.e.block('', () => {
      const frame = new Frame('block', ctx.frame);
      frame.declareBinds(this.e, exprs, this.unbound);
      const inner: Ctx = { frame, input: ctx.input, depth: ctx.depth + 1, fn: ctx.fn };
      const total = exprs.reduce((s, x) => s + weight(x), 0);
      for (const expr of exprs) {
        this.e.emit(`${t} = ${this.compileApart(expr, inner, total)};`);
        // A bind at the top level of a block has certainly happened for the expressions after it.
        for (let b: Node | undefined = expr; b?.type === 'bind'; b = b.rhs) frame.definite.add((b.lhs as Node).value as string);
      }
    });
    return t;
  }

  private bind(node: Node, ctx: Ctx): string {
    const v = this.compile(node.rhs as Node, this.child(ctx));
    const target = bindTarget(ctx.frame, (node.lhs as Node).value as string, this.root);
    this.e.emit(`${target} = ${v};`);
    return v;
  }

  /** Temporarily rebinds `ctx.frame` while compiling. */
  withFrame<T>(ctx: Ctx, frame: Frame, body: (inner: Ctx) => T): T {
    return body({ frame, input: ctx.input, depth: ctx.depth, fn: ctx.fn });
  }
}
