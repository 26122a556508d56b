/**
 * Expressions that would never finish. jsonata 2.2.2, the reference evaluator, loops forever
 * when the left side of `?:` or `??` holds a regex literal (`$match(s, /x/) ?? "z"`), and
 * Crossdock's compiler declines such expressions, so they run on the reference. Live, each
 * evaluation would spend the whole time limit in a worker and then be dead-lettered; lint says
 * so where it is written, with the rewrite that works.
 */
import { parseAst, walkAst, type AstNode } from '../../expressions/ast.ts';
import type { LintRule } from '../rule.ts';

export const expressionsRule: LintRule = {
  name: 'expressions',
  summary: 'no expression the reference evaluator cannot finish (a regex literal left of `?:` or `??` loops forever in jsonata 2.2.2)',
  codes: ['expression-hangs'],
  check({ project, diags }) {
    const seen = new Set<string>();
    for (const pipeline of project.pipelines) {
      for (const e of pipeline.expressions) {
        if (e.engine !== 'reference') continue;
        for (const at of hangs(e.source)) {
          // JSONata positions point just past a token; both operators are two characters.
          const where = e.locate(at.position === undefined ? undefined : at.position - 1);
          if (seen.has(where)) continue; // a mapping file used by several pipelines
          seen.add(where);
          const m = /^(.*):(\d+):(\d+)$/.exec(where);
          if (!m) continue;
          diags.error(m[1]!, { line: Number(m[2]), col: Number(m[3]) }, 'expression-hangs',
            `the reference JSONata evaluator never finishes a regex literal left of \`${at.operator}\` (jsonata 2.2.2): every message would be dead-lettered at the time limit; bind the regex first (\`$re := /…/\`) or write \`$exists(x) ? x : y\``);
        }
      }
    }
  },
};

/**
 * `?:` and `??` whose left side holds a regex literal, with the operator's position. The
 * parser copies the left side into the condition through JSON, which turns each RegExp into
 * `{}`; evaluating that copy is what never returns. So: a regex node without a RegExp value,
 * under the condition of a `condition` node.
 */
export function hangs(source: string): { position: number | undefined; operator: '?:' | '??' }[] {
  const ast = parseAst(source);
  if (!ast) return []; // syntax errors are reported where the expression is compiled
  const found: { position: number | undefined; operator: '?:' | '??' }[] = [];
  walkAst(ast, (n) => {
    if (n.type !== 'condition' || n.condition === undefined || !holdsBrokenRegex(n.condition)) return;
    const coalesce = n.condition.type === 'function' && n.condition.procedure?.value === 'exists' && n.condition.position === undefined;
    found.push({ position: n.position, operator: coalesce ? '??' : '?:' });
  });
  return found.sort((a, b) => (a.position ?? 0) - (b.position ?? 0));
}

function holdsBrokenRegex(root: AstNode): boolean {
  let broken = false;
  walkAst(root, (n) => {
    if (n.type === 'regex' && !(n.value instanceof RegExp)) broken = true;
  });
  return broken;
}
