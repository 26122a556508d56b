/**
 * Binary operators. Errors raised while applying an operator get its position and token (for
 * `and`/`or` this includes everything raised while evaluating the right-hand side, because the
 * reference evaluates it inside the operator's error handler).
 */
import { type Node, Unsupported } from './ast.ts';
import type { Codegen, Ctx } from './context.ts';

export function compileBinary(c: Codegen, node: Node, ctx: Ctx): string {
  const op = node.value as string;
  const e = c.e;
  const pos = e.literal(node.position);
  const tok = e.k(op);
  const lhs = c.compile(node.lhs as Node, c.child(ctx));
  if (op === 'and' || op === 'or') {
    const t = c.temp();
    e.block('try', () => {
      e.emit(`${t} = typeof ${lhs} === 'boolean' ? ${lhs} : ${e.rt('truthy')}(${lhs});`);
      e.block(op === 'and' ? `if (${t})` : `if (!${t})`, () => {
        const rhs = c.compile(node.rhs as Node, c.child(ctx));
        e.emit(`${t} = typeof ${rhs} === 'boolean' ? ${rhs} : ${e.rt('truthy')}(${rhs});`);
      });
    });
    e.block('catch (err)', () => e.emit(`throw ${e.rt('atOperator')}(err, ${pos}, ${tok});`));
    return t;
  }
  const rhs = c.compile(node.rhs as Node, c.child(ctx));
  switch (op) {
    case '+':
    case '-':
    case '*':
    case '/':
    case '%':
      // Finite numbers on both sides (x - x === 0 rules out NaN and infinities) need no checks.
      return c.let(
        `(typeof ${lhs} === 'number' && typeof ${rhs} === 'number' && ${lhs} - ${lhs} === 0 && ${rhs} - ${rhs} === 0) ` +
          `? ${lhs} ${op} ${rhs} : ${e.rt('arithAt')}(${lhs}, ${rhs}, ${tok}, ${pos})`,
      );
    case '=':
      // Against a string, number, boolean or null literal, deep equality is ===.
      if (scalarLiteral(node.lhs as Node) || scalarLiteral(node.rhs as Node)) return c.let(`${lhs} === ${rhs}`);
      return c.let(`${e.rt('equals')}(${lhs}, ${rhs})`);
    case '!=':
      if (scalarLiteral(node.lhs as Node)) return c.let(`(${rhs} !== undefined && ${lhs} !== ${rhs})`);
      if (scalarLiteral(node.rhs as Node)) return c.let(`(${lhs} !== undefined && ${lhs} !== ${rhs})`);
      return c.let(`(${lhs} !== undefined && ${rhs} !== undefined && !${e.rt('deepEqual')}(${lhs}, ${rhs}))`);
    case '<':
    case '<=':
    case '>':
    case '>=':
      return c.let(
        `(typeof ${lhs} === 'number' && typeof ${rhs} === 'number') ? ${lhs} ${op} ${rhs} : ${e.rt('compareAt')}(${lhs}, ${rhs}, ${tok}, ${pos})`,
      );
    case '&':
      return c.let(
        `(typeof ${lhs} === 'string' && typeof ${rhs} === 'string') ? ${lhs} + ${rhs} : ${e.rt('concatAt')}(${lhs}, ${rhs}, ${pos})`,
      );
    case '..':
      return c.let(`${e.rt('rangeAt')}(${lhs}, ${rhs}, ${pos})`);
    case 'in':
      return c.let(`${e.rt('includes')}(${lhs}, ${rhs})`);
    default:
      throw new Unsupported(`operator ${op} is not compiled`, node.position);
  }
}

/** A literal whose value is never undefined, never an object and never NaN. */
function scalarLiteral(node: Node): boolean {
  if (node.predicate || node.group || node.keepArray) return false;
  if (node.type === 'string') return true;
  if (node.type === 'number') return typeof node.value === 'number' && !Number.isNaN(node.value);
  return node.type === 'value' && (node.value === true || node.value === false || node.value === null);
}
