/**
 * Paths made only of field names (`a.b.c`, `$v.b.c`) and single field reads: read inline while
 * every step meets a single plain object, so that each read gets an inline cache of its own.
 */
import { type Node } from './ast.ts';
import type { Codegen, Ctx } from './context.ts';
import { compileGroupOver } from './constructs.ts';

/** A step that is nothing but itself: no predicates, grouping, bindings or `[]`. */
export function bare(step: Node): boolean {
  return !step.stages && !step.predicate && !step.group && !step.keepArray && !step.tuple && step.focus === undefined && step.index === undefined;
}

/**
 * `a.b.c` or `$v.b.c`, read inline while every step meets a single object (each read gets its
 * own inline cache that way); the name-path helpers take over when an array turns up.
 */
export function compileNamePath(c: Codegen, node: Node, ctx: Ctx): string | undefined {
  const steps = node.steps ?? [];
  if (node.keepSingletonArray || !steps.every(bare)) return undefined;
  const first = steps[0] as Node;
  const rest = first.type === 'variable' ? steps.slice(1) : steps;
  if (rest.length === 0 || !rest.every((s) => s.type === 'name')) return undefined;
  const e = c.e;
  const isVariable = first.type === 'variable';
  const start = isVariable ? c.compile(first, c.child(ctx)) : ctx.input;
  const result = c.temp();
  const label = e.id('w');
  // Anything but single objects all the way (an array on the way, a sequence stored in the data)
  // takes the runtime's general version, out of line and from the beginning (lookups have no
  // effects): inline copies of it made programs too large for V8 to optimise.
  const keys = e.k(Object.freeze(rest.map((step) => step.value as string)));
  const depth = ctx.fn.base === '0' ? String(ctx.depth + 1) : `${ctx.fn.base} + ${ctx.depth + 1}`;
  const generalLabel = e.id('g');
  const general = `break ${generalLabel};`;
  const nothing = `{ ${result} = undefined; break ${label}; }`;
  e.block(`${label}:`, () => {
    // Every way off the fast path leads to the one general call at the end of the block.
    e.block(`${generalLabel}:`, () => {
      // A value that is no object has no fields; the first step is still evaluated (and checks
      // its depth) on a context, not on a variable (whose own node has checked that depth).
      const check = isVariable ? '' : `${leafCheck(c, c.child(ctx))} `;
      e.emit(`if (typeof ${start} !== 'object' || ${start} === null) { ${check}${result} = undefined; break ${label}; }`);
      e.emit(`if (Array.isArray(${start})) ${general}`);
      if (!isVariable) c.leaf(c.child(ctx));
      let o = start;
      rest.forEach((step, i) => {
        const last = i === rest.length - 1;
        const w = c.temp();
        e.emit(`${w} = ${ownField(c, o, step.value as string)};`);
        e.emit(`if (${w} === undefined) ${nothing}`);
        if (last) {
          // A plain array met by the last step is the value itself.
          e.emit(`if (Array.isArray(${w}) && ${w}.sequence === true) ${general}`);
        } else {
          e.emit(`if (Array.isArray(${w})) ${general}`);
          e.emit(`if (typeof ${w} !== 'object' || ${w} === null) ${nothing}`);
        }
        o = w;
      });
      e.emit(`${result} = ${o};`);
      e.emit(`break ${label};`);
    });
    e.emit(`${result} = ${e.rt('namePathGeneral')}(${start}, ${keys}, ${isVariable}, ${depth});`);
  });
  c.collapsed.add(result);
  // Grouping sees the same items whether the path value is collapsed or not (a lone item is
  // wrapped, nothing becomes one undefined item), so the collapsed value can be grouped.
  if (node.group) return compileGroupOver(c, node.group, result, ctx, false);
  return result;
}

/** The depth check of a leaf at ctx, as one statement. */
function leafCheck(c: Codegen, ctx: Ctx): string {
  if (c.e.depthPassed(ctx.fn.base, ctx.depth)) return '';
  const lim = c.e.rt('depthExceeded');
  return ctx.fn.base === '0' ? `if (LIM < ${ctx.depth}) ${lim}();` : `if (${ctx.fn.base} + ${ctx.depth} > LIM) ${lim}();`;
}

/**
 * JavaScript expression: field `name` of the (non-array) object `o` as JSONata sees it: own
 * properties only (never reading inherited ones), and nothing of function values.
 *
 * Data objects (JSON, or made by expressions) inherit from Object.prototype alone. For those,
 * while Object.prototype has no property of that name, any value the read finds is the
 * object's own, so no hasOwnProperty call is needed (it cost more than the rest of the read);
 * function values never have that prototype. The prototype test reads `__proto__`, which V8
 * turns into a map check; anything else takes ownField in the runtime. The read itself is a
 * named access, so that it gets an inline cache of its own.
 */
export function ownField(c: Codegen, o: string, name: string): string {
  const e = c.e;
  const op = e.rt('ObjectPrototype');
  const prop = e.prop(name);
  return (
    `(${o}.__proto__ === ${op} && !(${prop} in ${op}) ? ` +
    `(${o}._jsonata_function !== true && ${o}._jsonata_lambda !== true ? ${o}[${prop}] : undefined) : ` +
    `${e.rt('ownField')}(${o}, ${e.k(name)}))`
  );
}
