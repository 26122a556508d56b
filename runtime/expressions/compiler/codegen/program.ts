/**
 * Builds the JavaScript function for a whole expression:
 *   run(input, bindings, state) → value
 * The function is created once per expression with `new Function`; it receives the runtime
 * helpers and the expression's constants as arguments and reaches nothing else (no globals).
 */
import { type Node } from './ast.ts';
import { analyze, weight } from './analyze.ts';
import { Compiler } from './compiler.ts';
import type { Ctx } from './context.ts';
import { Frame } from './scope.ts';
import { builtin } from '../lib/index.ts';

export interface Program {
  readonly text: string;
  readonly constants: readonly unknown[];
}

export function generate(ast: Node): Program {
  analyze(ast);
  const c = new Compiler();
  const e = c.e;
  const root = new Frame('root', undefined);
  const input = 'input';
  const ctx: Ctx = { frame: root, input, depth: 1, fn: { base: '0' } };
  c.functionWeight = weight(ast);
  const result = c.compile(ast, ctx);
  e.emit(`return ${result};`);
  const body = e.take();
  const temporaries = c.pool.declaration();
  // Root names: an own enumerable property of the bindings, else the library function of that
  // name (a constant), resolved once per evaluation; `in` first, because it is free once
  // optimised for a name the bindings do not have, which is nearly always.
  const bound = e.rt('propertyIsEnumerable');
  for (const [name, local] of c.root.locals) {
    if (name === '$') {
      e.emit(`let ${local} = I;`);
      continue;
    }
    const k = e.k(name);
    const lib = builtin(name);
    e.emit(`let ${local} = (typeof B === 'object' && B !== null && ${k} in B && ${bound}.call(B, ${k})) ? B[${k}] : ${lib === undefined ? 'undefined' : e.k(lib)};`);
  }
  const prologue = e.take();
  const lines = [
    'return function run(I, B, S) {',
    '  const LIM = S.maxDepth;',
    '  let input = I;',
    `  if (Array.isArray(input) && input.sequence !== true) { input = ${e.rt('seqOf')}(input); input.outerWrapper = true; }`,
    ...(temporaries === '' ? [] : ['  ' + temporaries]),
    ...prologue,
    ...body,
    '};',
  ];
  return { text: e.program(lines), constants: e.constants };
}
