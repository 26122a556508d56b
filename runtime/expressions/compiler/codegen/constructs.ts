/**
 * Array and object constructors and grouping. The reference evaluates array items and object
 * values concurrently; compiled code evaluates them in order, which gives the same values
 * because binding variables inside them is refused at compile time. When one of several such
 * parts fails, the reference's error depends on the interleaving, so that evaluation is handed
 * to the reference (see concurrent).
 */
import { type GroupSpec, type Node } from './ast.ts';
import type { Codegen, Ctx } from './context.ts';
import { type Layout, tupleFrame } from './tuples.ts';
import { weight } from './analyze.ts';

/** True when evaluating `node` cannot raise an error other than a guardrail (depth, time). */
export function quiet(node: Node): boolean {
  if (node.predicate || node.group) return false;
  switch (node.type) {
    case 'string':
    case 'number':
    case 'value':
    case 'variable':
    case 'lambda':
      return !node.thunk;
    case 'path':
      return (node.steps ?? []).every(
        (s) => s.type === 'name' && !s.stages && !s.tuple && !s.group && !s.predicate,
      ) && !node.keepSingletonArray;
    default:
      return false;
  }
}

/**
 * Evaluates `parts`, which the reference evaluates concurrently: returns the identifiers of
 * their values. A failure in one of several parts that can fail hands the evaluation to the
 * reference. `emitPart` compiles one part and returns its value.
 *
 * The parts run between `S.concurrent++` and `S.concurrent--`: an error that leaves them
 * leaves the count raised, and evaluate (index.ts) then redoes the evaluation by the
 * reference. No error is ever dropped on its way out, so the count says where it came from.
 * (A try/catch around the parts did the same, but made every call inside them, and inside
 * the helpers TurboFan inlined there, an edge to the handler: the functions holding object
 * constructors took it twice as long to optimise.)
 */
function concurrent(c: Codegen, parts: readonly Node[], emitPart: (part: Node, index: number) => string): string[] {
  const e = c.e;
  const guarded = parts.length > 1 && parts.filter((p) => !quiet(p)).length > 1;
  if (!guarded) return parts.map((p, i) => emitPart(p, i));
  const values = parts.map(() => c.temp());
  e.emit('S.concurrent++;');
  parts.forEach((p, i) => e.emit(`${values[i] as string} = ${emitPart(p, i)};`));
  e.emit('S.concurrent--;');
  return values;
}

export function compileArray(c: Codegen, node: Node, ctx: Ctx): string {
  const e = c.e;
  const items = node.expressions ?? [];
  if (items.length === 0) c.leaf(ctx);
  const total = items.reduce((s, item) => s + weight(item), 0);
  const values = concurrent(c, items, (item) => c.compileApart(item, c.child(ctx), total));
  const result = c.temp();
  e.emit(`${result} = [];`);
  items.forEach((item, i) => {
    const v = values[i] as string;
    if (item.value === '[') {
      e.emit(`if (${v} !== undefined) ${result}.push(${v});`);
    } else {
      e.emit(`if (${v} !== undefined) { if (Array.isArray(${v})) ${e.rt('pushItems')}(${result}, ${v}); else ${result}.push(${v}); }`);
    }
  });
  if (node.consarray) e.emit(`${e.rt('markCons')}(${result});`);
  return result;
}

export function compileObject(c: Codegen, node: Node, ctx: Ctx): string {
  const spec: GroupSpec = { lhs: (node.lhs ?? []) as readonly (readonly [Node, Node])[], position: node.position };
  if (spec.lhs.length === 0) c.leaf(ctx);
  return compileGroupOver(c, spec, ctx.input, ctx, false);
}

const reservedKeys = new Set(['_jsonata_lambda', '_jsonata_function', '__proto__']);

/** Literal keys with no duplicates: the common `{"a": ..., "b": ...}` shape. */
function literalKeys(spec: GroupSpec): string[] | undefined {
  const keys: string[] = [];
  for (const [k] of spec.lhs) {
    if (k.type !== 'string' || k.predicate || k.group || k.keepArray) return undefined;
    const key = k.value as string;
    if (reservedKeys.has(key) || keys.includes(key)) return undefined;
    keys.push(key);
  }
  return keys;
}

/**
 * Grouping `{key: value}` over the value in `input`. ctx belongs to the node that owns the
 * group; keys and values are one level deeper. With a layout the input is a tuple stream.
 */
export function compileGroupOver(c: Codegen, spec: GroupSpec, input: string, ctx: Ctx, layout: Layout | false): string {
  const e = c.e;
  const inner = c.child(ctx);
  const pos = e.literal(spec.position);
  if (layout !== false) return groupTuples(c, spec, input, inner, layout);
  const result = c.temp();
  const keys = literalKeys(spec);
  if (keys !== undefined && spec.lhs.length > 0) {
    // Literal keys, all different: every input item lands in every pair's group, so each value
    // is evaluated once, on all the items together (one item: the item itself). The keys
    // themselves are constants; evaluating them can only fail the depth check.
    const data = c.let(`Array.isArray(${input}) ? ${e.rt('groupData')}(${input}) : ${input}`, 'd');
    for (const [k] of spec.lhs) c.compile(k, { ...inner, input: data });
    const obj = c.let('{}');
    const total = spec.lhs.reduce((s, [, v]) => s + weight(v), 0);
    const values = concurrent(c, spec.lhs.map(([, v]) => v), (v) => c.compileApart(v, { ...inner, input: data }, total));
    keys.forEach((key, i) => e.emit(`if (${values[i]} !== undefined) ${obj}[${e.prop(key)}] = ${values[i]};`));
    e.emit(`${result} = ${obj};`);
  } else {
    e.emit(`${result} = ${genericGroup(c, spec, input, inner, pos)};`);
  }
  return result;
}

function genericGroup(c: Codegen, spec: GroupSpec, input: string, inner: Ctx, pos: string): string {
  const e = c.e;
  const pairs = e.id('gp');
  e.emit(`const ${pairs} = [];`);
  for (const [k, v] of spec.lhs) {
    const x = e.id('x');
    const y = e.id('x');
    e.block(`${pairs}.push({ key: (${x}) =>`, () => c.inFunction(weight(k), () => e.emit(`return ${c.compile(k, { ...inner, input: x })};`)), '},');
    e.block(`  value: (${y}) =>`, () => c.inFunction(weight(v), () => e.emit(`return ${c.compile(v, { ...inner, input: y })};`)), '} });');
  }
  return c.let(`${e.rt('group')}(${input}, ${pairs}, ${pos})`);
}

function groupTuples(c: Codegen, spec: GroupSpec, tb: string, inner: Ctx, layout: Layout): string {
  const e = c.e;
  const names = { names: new Map(layout.slots) };
  const pairs = e.id('gp');
  e.emit(`const ${pairs} = [];`);
  for (const [k, v] of spec.lhs) {
    const x = e.id('u');
    const ctxVar = e.id('x');
    const merged = e.id('u');
    e.block(`${pairs}.push({ key: (${x}) =>`, () => c.inFunction(weight(k), () => {
      tupleFrame(c, names, x, k, inner, (f) => e.emit(`return ${c.compile(k, f)};`));
    }), '},');
    e.block(`  value: (${ctxVar}, ${merged}) =>`, () => c.inFunction(weight(v), () => {
      tupleFrame(c, names, merged, v, inner, (f) => e.emit(`return ${c.compile(v, f)};`), ctxVar);
    }), '} });');
  }
  return c.let(`${e.rt('groupTuples')}(${tb}, ${pairs}, ${layout.size}, ${e.literal(spec.position)})`);
}
