/**
 * Output subjects are JSONata expressions, but most are "literal-ish": a quoted subject, a
 * prefix joined to a field (`'erp.salesorders.' & channel`), a `$lookup` over a table of
 * subjects, a condition between such forms. Those are turned into the subject patterns they
 * can produce, without a message, so lint can check capture and consumption for every branch
 * and not only the ones a fixture happens to reach.
 */
import { parseAst, type AstNode } from '../expressions/ast.ts';
import { subjectContains } from '../config/subjects.ts';

export interface StaticSubjects {
  /** Patterns the expression can produce; a value computed from the message is one `*` token. */
  readonly patterns: readonly string[];
  /** False when some branch is computed entirely from the message (nothing can be said about it). */
  readonly complete: boolean;
}

/** One possible value: literal text and holes for values computed from the message. */
type Alternative = readonly (string | typeof HOLE)[];
const HOLE = Symbol('hole');
// Past this many alternatives the expression is not literal-ish; give up rather than explode.
const MAX_ALTERNATIVES = 64;

/** Patterns for a subject expression, or undefined when it does not parse. */
export function staticSubjects(expression: string): StaticSubjects | undefined {
  const ast = parseAst(expression);
  if (!ast) return undefined;
  const alternatives = alternativesOf(ast);
  if (alternatives === undefined) return { patterns: [], complete: false };
  const patterns: string[] = [];
  let complete = true;
  for (const alt of alternatives) {
    const pattern = toPattern(alt);
    if (pattern === undefined) complete = false;
    else patterns.push(pattern);
  }
  return { patterns: dropContained(unique(patterns)), complete };
}

/**
 * The text of a subject written without quotes (`erp.salesorders.woo`): JSONata reads it as a
 * path of field names into the message, which gives nothing. Undefined for anything else, and
 * for one bare name (`subject: target` may well be a field holding the subject).
 */
export function unquotedPath(expression: string): string | undefined {
  const ast = parseAst(expression);
  if (!ast) return undefined;
  const steps = ast.type === 'path' ? ast.steps : undefined;
  // A plain field step carries nothing but its name: no predicate, focus or grouping.
  const plain = (n: AstNode): boolean => n.type === 'name' && typeof n.value === 'string' && Object.keys(n).every((k) => k === 'type' || k === 'value' || k === 'position');
  if (!steps || steps.length < 2 || !steps.every(plain)) return undefined;
  return steps.map((n) => String(n.value)).join('.');
}

function alternativesOf(node: AstNode): Alternative[] | undefined {
  switch (node.type) {
    case 'string':
      return [[String(node.value)]];
    case 'number':
      return [[String(node.value)]];
    case 'binary':
      if (node.value !== '&' || !node.rhs || !node.lhs || Array.isArray(node.lhs)) return [[HOLE]];
      return concat(alternativesOf(node.lhs as AstNode), alternativesOf(node.rhs));
    case 'condition': {
      const then = node.then ? alternativesOf(node.then) : [];
      // Without an else branch the expression can give nothing: that is a run-time failure, not a subject.
      const otherwise = node.else ? alternativesOf(node.else) : [];
      return limit([...(then ?? [[HOLE]]), ...(otherwise ?? [[HOLE]])]);
    }
    case 'block': {
      const last = node.expressions?.at(-1);
      return last ? alternativesOf(last) : [];
    }
    case 'function':
      if (node.procedure?.type === 'variable' && node.procedure.value === 'lookup') return lookupAlternatives(node.arguments ?? []);
      return [[HOLE]];
    default:
      return [[HOLE]];
  }
}

/** `$lookup({...}, key)` over an object of literal subjects gives one of its values. */
function lookupAlternatives(args: readonly AstNode[]): Alternative[] {
  const table = args[0];
  if (!table || table.type !== 'unary' || table.value !== '{' || !Array.isArray(table.lhs)) return [[HOLE]];
  const out: Alternative[] = [];
  for (const [, value] of table.lhs as readonly (readonly [AstNode, AstNode])[]) {
    out.push(...(alternativesOf(value) ?? [[HOLE]]));
  }
  return limit(out) ?? [[HOLE]];
}

function concat(a: Alternative[] | undefined, b: Alternative[] | undefined): Alternative[] | undefined {
  const left = a ?? [[HOLE]];
  const right = b ?? [[HOLE]];
  const out: Alternative[] = [];
  for (const x of left) for (const y of right) out.push([...x, ...y]);
  return limit(out);
}

function limit(list: Alternative[]): Alternative[] | undefined {
  return list.length > MAX_ALTERNATIVES ? undefined : list;
}

/**
 * Holes are assumed to fill whole tokens (`'erp.orders.' & channel`); a hole inside a token
 * makes that token `*` too. An alternative that is only a hole says nothing.
 */
function toPattern(alt: Alternative): string | undefined {
  if (!alt.some((p) => p !== HOLE && p !== '')) return undefined;
  const text = alt.map((p) => (p === HOLE ? '\u0000' : p)).join('');
  const tokens = text.split('.').map((t) => (t.includes('\u0000') ? '*' : t));
  // Only wildcards left: the literal parts were decoration (`$x & '-orders'`), not structure.
  if (tokens.some((t) => t === '') || tokens.every((t) => t === '*')) return undefined;
  return tokens.join('.');
}

function unique(list: readonly string[]): string[] {
  return [...new Set(list)];
}

/** `x.*` already says everything `x.unknown` does. */
function dropContained(patterns: readonly string[]): string[] {
  return patterns.filter((p, i) => !patterns.some((q, j) => j !== i && q !== p && subjectContains(q, p)));
}
