/**
 * Location paths: each step is evaluated for every item of the previous step's result and the
 * results are flattened one level (arrays built by an array constructor stay whole; a single
 * plain array produced by the last step is the result itself). A path stops at the first step
 * that produces nothing. Paths with `@`/`#` bindings carry tuples instead (see tuples.ts).
 */
import { type Node, type SortTermSpec, type Stage, Unsupported } from './ast.ts';
import type { Codegen, Ctx } from './context.ts';
import { compileGroupOver } from './constructs.ts';
import { Frame } from './scope.ts';
import { weight } from './analyze.ts';
import { bare, compileNamePath } from './names.ts';
import { Layout, tupleFrame, type TupleFrameSpec } from './tuples.ts';

/** `[pred]` applied to the value in `v`; ctx is the predicate's own depth. */
export function compileFilter(c: Codegen, pred: Node, v: string, ctx: Ctx): string {
  const e = c.e;
  if (pred.type === 'number') return c.let(`${e.rt('filterIndex')}(${v}, ${e.literal(pred.value)})`);
  const items = c.let(`Array.isArray(${v}) ? ${v} : ${e.rt('seqOf')}(${v})`);
  const out = c.let(`${e.rt('createSeq')}()`);
  const i = c.temp();
  e.block(`for (${i} = 0; ${i} < ${items}.length; ${i}++)`, () => {
    const item = c.let(`${items}[${i}]`, 'x');
    c.tick();
    const res = c.compile(pred, { ...ctx, input: item });
    // A boolean keeps or drops the item; numbers select by index (see filterTimes).
    e.emit(`if (${res} === true) ${out}.push(${item});`);
    e.emit(`else if (${res} !== false) for (let n = ${e.rt('filterTimes')}(${res}, ${i}, ${items}.length); n > 0; n--) ${out}.push(${item});`);
  });
  return out;
}

export function compilePath(c: Codegen, node: Node, ctx: Ctx): string {
  const steps = node.steps ?? [];
  if (steps.some((s) => s.tuple)) return compileTuplePath(c, node, ctx);
  const named = compileNamePath(c, node, ctx);
  if (named !== undefined) return named;
  return finishPath(c, node, generalPath(c, node, ctx), ctx);
}

/** The path algorithm in full: every step over every item. Returns its (uncollapsed) result. */
function generalPath(c: Codegen, node: Node, ctx: Ctx): string {
  const steps = node.steps ?? [];
  const e = c.e;
  const inSeq = e.id('s');
  const first = steps[0] as Node;
  e.emit(
    first.type === 'variable'
      ? `let ${inSeq} = ${e.rt('seqOf')}(${ctx.input});`
      : `let ${inSeq} = Array.isArray(${ctx.input}) ? ${ctx.input} : ${e.rt('seqOf')}(${ctx.input});`,
  );
  const rs = c.temp();
  const label = e.id('p');
  e.block(`${label}:`, () => {
    for (let i = 0; i < steps.length; i++) {
      const step = steps[i] as Node;
      const last = i === steps.length - 1;
      if (i === 0 && step.consarray) {
        e.emit(`${rs} = ${c.compile(step, c.child(ctx, inSeq))};`);
        if (!last) e.emit(`if (${rs} === undefined || ${rs}.length === 0) break ${label};`);
      } else if (i === 0 && !last && bare(step) && step.type === 'variable' && (steps[1] as Node).type !== 'sort') {
        // A leading variable is evaluated once (its input sequence is the one context item).
        // Its items are only read by the next step, so an array value is used as it is.
        const v = c.compile(step, c.child(ctx));
        e.emit(`${rs} = (!Array.isArray(${v}) || ${v}.cons) ? ${e.rt('seqOf')}(${v}) : ${v};`);
        // Nothing (or an empty array) ends the path with the empty sequence.
        e.emit(`if (${v} === undefined || ${rs}.length === 0) { ${rs} = ${e.rt('createSeq')}(); break ${label}; }`);
      } else {
        compileStep(c, step, inSeq, rs, last, ctx);
        if (!last) e.emit(`if (${rs}.length === 0) break ${label};`);
      }
      if (!last) e.emit(`${inSeq} = ${rs};`);
    }
  });
  return rs;
}

function finishPath(c: Codegen, node: Node, rs: string, ctx: Ctx): string {
  const e = c.e;
  if (node.keepSingletonArray) {
    e.emit(`if (Array.isArray(${rs}) && ${rs}.cons && !${rs}.sequence) ${rs} = ${e.rt('seqOf')}(${rs});`);
    e.emit(`${rs}.keepSingleton = true;`);
  }
  if (node.group) return compileGroupOver(c, node.group, rs, ctx, false);
  return rs;
}

/** One ordinary step over `inSeq`, result assigned to `rs`. ctx is the path's. */
function compileStep(c: Codegen, step: Node, inSeq: string, rs: string, last: boolean, ctx: Ctx): void {
  const e = c.e;
  const stepCtx = c.child(ctx);
  if (step.type === 'sort') {
    e.emit(`${rs} = ${compileSortCall(c, step, inSeq, stepCtx)};`);
    for (const stage of step.stages ?? []) {
      if (stage.type === 'filter') e.emit(`${rs} = ${compileFilter(c, stage.expr as Node, rs, stepCtx)};`);
    }
    return;
  }
  const out = c.temp();
  // Only the last step's result depends on how many values the step produced.
  const n = last ? c.temp() : '';
  const firstV = last ? c.temp() : '';
  const i = c.temp();
  e.emit(last ? `${out} = ${e.rt('createSeq')}(); ${n} = 0; ${firstV} = undefined;` : `${out} = ${e.rt('createSeq')}();`);
  e.block(`for (${i} = 0; ${i} < ${inSeq}.length; ${i}++)`, () => {
    const item = c.let(`${inSeq}[${i}]`, 'x');
    c.tick();
    let v = c.compile(step, { ...stepCtx, input: item });
    for (const stage of step.stages ?? []) {
      if (stage.type !== 'filter') throw new Unsupported('index binding stage outside a tuple path', stage.position);
      v = compileFilter(c, stage.expr as Node, v, stepCtx);
    }
    e.block(`if (${v} !== undefined)`, () => {
      if (last) e.emit(`if (${n}++ === 0) ${firstV} = ${v};`);
      // A loop of its own here would be one more loop for TurboFan to optimise per step.
      e.emit(`if (!Array.isArray(${v}) || ${v}.cons) ${out}.push(${v}); else ${e.rt('pushItems')}(${out}, ${v});`);
    });
  });
  e.emit(
    last
      ? `${rs} = (${n} === 1 && Array.isArray(${firstV}) && ${firstV}.sequence !== true) ? ${firstV} : ${out};`
      : `${rs} = ${out};`,
  );
}

/** Closures for sort terms; `frameFor` (tuple mode) supplies the frame each term sees. */
function sortTerms(c: Codegen, terms: readonly SortTermSpec[], ctx: Ctx, tuple: TupleFrameSpec | undefined): string {
  const e = c.e;
  const list = e.id('st');
  e.emit(`const ${list} = [];`);
  for (const term of terms) {
    const arg = e.id('x');
    e.block(`${list}.push({ descending: ${term.descending ? 'true' : 'false'}, expr: (${arg}) =>`, () => c.inFunction(weight(term.expression), () => {
      if (tuple) {
        tupleFrame(c, tuple, arg, term.expression, ctx, (inner) => e.emit(`return ${c.compile(term.expression, inner)};`));
      } else {
        e.emit(`return ${c.compile(term.expression, { ...ctx, input: arg })};`);
      }
    }), '} });');
  }
  return list;
}

function compileSortCall(c: Codegen, step: Node, inSeq: string, stepCtx: Ctx): string {
  const terms = sortTerms(c, step.terms ?? [], stepCtx, undefined);
  return c.let(`${c.e.rt('sortSeq')}(${inSeq}, ${terms}, ${c.e.literal(step.position)})`);
}

// ---- tuple streams -------------------------------------------------------------------

function snapshot(layout: Layout, bound: Set<string>): TupleFrameSpec {
  const names = new Map<string, number>();
  for (const name of bound) names.set(name, layout.slot(name));
  return { names };
}

function compileTuplePath(c: Codegen, node: Node, ctx: Ctx): string {
  const e = c.e;
  const steps = node.steps ?? [];
  const layout = new Layout();
  const bound = new Set<string>();
  const inSeq = e.id('s');
  const first = steps[0] as Node;
  if (first.consarray && first.tuple) {
    throw new Unsupported('a context or position binding on a leading array constructor is not compiled', first.position);
  }
  e.emit(
    first.type === 'variable'
      ? `let ${inSeq} = ${e.rt('seqOf')}(${ctx.input});`
      : `let ${inSeq} = Array.isArray(${ctx.input}) ? ${ctx.input} : ${e.rt('seqOf')}(${ctx.input});`,
  );
  const rs = c.temp();
  const tb = c.temp();
  e.emit(`${rs} = undefined; ${tb} = undefined;`);
  const label = e.id('p');
  const stepCtx = c.child(ctx);
  let tupleMode = false;
  e.block(`${label}:`, () => {
    for (let i = 0; i < steps.length; i++) {
      const step = steps[i] as Node;
      const last = i === steps.length - 1;
      const hadTuples = tupleMode;
      if (step.tuple) tupleMode = true;
      if (i === 0 && step.consarray) {
        e.emit(`${rs} = ${c.compile(step, c.child(ctx, inSeq))};`);
      } else if (tupleMode) {
        compileTupleStep(c, step, inSeq, tb, hadTuples, layout, bound, stepCtx, last && node.group !== undefined);
      } else {
        compileStep(c, step, inSeq, rs, last, ctx);
      }
      if (!tupleMode && !last) e.emit(`if (${rs} === undefined || ${rs}.length === 0) break ${label};`);
      if (step.focus === undefined && !last) e.emit(`${inSeq} = ${rs};`);
    }
  });
  // The tuple stream exists only if the path got as far as its first binding step.
  e.emit(`if (${tb} !== undefined) ${rs} = ${e.rt('tupleValues')}(${tb});`);
  if (node.keepSingletonArray) {
    e.emit(`if (Array.isArray(${rs}) && ${rs}.cons && !${rs}.sequence) ${rs} = ${e.rt('seqOf')}(${rs});`);
    e.emit(`${rs}.keepSingleton = true;`);
  }
  if (!node.group) return rs;
  const g = c.temp();
  const spec = node.group;
  e.block(`if (${tb} !== undefined)`, () => e.emit(`${g} = ${compileGroupOver(c, spec, tb, ctx, layout)};`));
  e.block('else', () => e.emit(`${g} = ${compileGroupOver(c, spec, rs, ctx, false)};`));
  return g;
}

function compileTupleStep(
  c: Codegen,
  step: Node,
  inSeq: string,
  tb: string,
  hasTuples: boolean,
  layout: Layout,
  bound: Set<string>,
  stepCtx: Ctx,
  groupFollows: boolean,
): void {
  const e = c.e;
  if (step.ancestor !== undefined) throw new Unsupported('parent operator % is not compiled', step.position);
  if (step.type === 'sort') {
    const indexSlot = layout.slot(step.index ?? 'undefined');
    if (!hasTuples) {
      const sorted = compileSortCall(c, step, inSeq, stepCtx);
      e.emit(`${tb} = ${e.rt('sortedToTuples')}(${sorted}, ${indexSlot});`);
    } else {
      // Sorting a tuple stream returns a plain array, which later predicates and grouping
      // no longer treat as tuples; index predicates work the same on both, the rest is left
      // to the reference.
      const onlyIndexes = (step.stages ?? []).every((st) => st.type === 'filter' && st.expr?.type === 'number');
      if (!onlyIndexes || groupFollows) {
        throw new Unsupported('order-by over a tuple stream followed by a predicate or grouping is not compiled', step.position);
      }
      const terms = sortTerms(c, step.terms ?? [], stepCtx, snapshot(layout, bound));
      e.emit(`${tb} = ${e.rt('sortTuples')}(${tb}, ${terms}, ${e.literal(step.position)});`);
    }
    bound.add(step.index ?? 'undefined');
    compileTupleStages(c, step.stages ?? [], tb, layout, bound, stepCtx);
    return;
  }
  const before = snapshot(layout, bound);
  const focusSlot = step.focus !== undefined ? layout.slot(step.focus) : 0;
  const indexSlot = step.index !== undefined ? layout.slot(step.index) : 0;
  const out = e.id('o');
  e.emit(`const ${out} = ${e.rt('tupleSeq')}();`);
  if (!hasTuples) e.emit(`${tb} = ${e.rt('tuplesOf')}(${inSeq});`);
  const j = e.id('j');
  e.block(`for (let ${j} = 0; ${j} < ${tb}.length; ${j}++)`, () => {
    const tup = c.let(`${tb}[${j}]`, 'u');
    c.tick();
    const res = c.temp();
    e.block('', () => {
      tupleFrame(c, before, tup, step, stepCtx, (inner) => e.emit(`${res} = ${c.compile(step, inner)};`));
    });
    e.block(`if (${res} !== undefined)`, () => {
      const arr = c.let(`Array.isArray(${res}) ? ${res} : [${res}]`, 'a');
      const b = e.id('b');
      e.block(`for (let ${b} = 0; ${b} < ${arr}.length; ${b}++)`, () => {
        const nt = c.let(`${tup}.slice()`, 'w');
        if (step.focus !== undefined) e.emit(`${nt}[${focusSlot}] = ${arr}[${b}];`);
        else e.emit(`${nt}[0] = ${arr}[${b}];`);
        if (step.index !== undefined) e.emit(`${nt}[${indexSlot}] = ${b};`);
        e.emit(`${out}.push(${nt});`);
      });
    });
  });
  e.emit(`${tb} = ${out};`);
  if (step.focus !== undefined) bound.add(step.focus);
  if (step.index !== undefined) bound.add(step.index);
  compileTupleStages(c, step.stages ?? [], tb, layout, bound, stepCtx);
}

function compileTupleStages(c: Codegen, stages: readonly Stage[], tb: string, layout: Layout, bound: Set<string>, stepCtx: Ctx): void {
  const e = c.e;
  for (const stage of stages) {
    if (stage.type === 'index') {
      const slot = layout.slot(stage.value as string);
      const k = e.id('i');
      e.emit(`for (let ${k} = 0; ${k} < ${tb}.length; ${k}++) ${tb}[${k}][${slot}] = ${k};`);
      bound.add(stage.value as string);
      continue;
    }
    const pred = stage.expr as Node;
    if (pred.type === 'number') {
      e.emit(`${tb} = ${e.rt('tupleFilterIndex')}(${tb}, ${e.literal(pred.value)});`);
      continue;
    }
    const spec = snapshot(layout, bound);
    const arg = e.id('u');
    e.block(`${tb} = ${e.rt('tupleFilter')}(${tb}, (${arg}) =>`, () => c.inFunction(weight(pred), () => {
      tupleFrame(c, spec, arg, pred, stepCtx, (inner) => e.emit(`return ${c.compile(pred, inner)};`));
    }), '});');
  }
}
