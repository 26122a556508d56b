/**
 * Guards a business-key message id against becoming the same for unrelated messages. An id
 * such as `'shopify-webhook:' & $headers.'X-Shopify-Webhook-Id'` gives `shopify-webhook:`
 * for every request without the header, and the stream then drops all but the first as
 * duplicates — after the sender was told they were accepted. So an id that gives nothing, an
 * empty string, or only the literal text of its concatenation is refused.
 *
 * The shape of the expression is worked out once, from its JSONata syntax tree, so the check
 * per message is one string comparison.
 */
import { headerReads, parseAst, type AstNode } from '../../expressions/ast.ts';
import type { DegenerateId } from '../types.ts';

export interface IdShape {
  /**
   * For a top-level `&` chain with at least one part that is not a literal: what the id is when
   * every such part is empty (the literals alone). Undefined for any other expression.
   */
  readonly literalsOnly: string | undefined;
  /** Headers the expression reads (`$headers.X`, `$lookup($headers, 'X')`), to name the missing ones. */
  readonly headers: readonly string[];
}

const NO_SHAPE: IdShape = { literalsOnly: undefined, headers: [] };

export function idShape(source: string): IdShape {
  const ast = parseAst(source);
  if (!ast) return NO_SHAPE; // a syntax error is reported where the expression is compiled
  const parts: AstNode[] = [];
  concatParts(ast, parts);
  let literalsOnly: string | undefined;
  if (parts.length > 1) {
    const literals = parts.map(literalText);
    if (literals.some((l) => l === undefined)) literalsOnly = literals.filter((l) => l !== undefined).join('');
  }
  return { literalsOnly, headers: [...new Set(headerReads(ast).map((r) => r.name))] };
}

/** What is wrong with an evaluated id, or undefined when it can be a message id. */
export function degenerate(value: unknown, shape: IdShape): DegenerateId['gave'] | 'not-a-key' | undefined {
  if (typeof value === 'string') {
    if (value === shape.literalsOnly) return 'literal-only';
    // Only a string that starts with a blank can be all blanks; the common case is one compare.
    if (value.length === 0 || (value.charCodeAt(0) <= 32 && value.trim() === '')) return 'empty';
    return undefined;
  }
  if (typeof value === 'number') return undefined;
  return value === undefined ? 'nothing' : 'not-a-key';
}

/** The headers the expression reads that `headers` lacks or has empty. */
export function missingHeaders(shape: IdShape, headers: unknown): string[] {
  const record = typeof headers === 'object' && headers !== null ? (headers as Record<string, unknown>) : {};
  return shape.headers.filter((h) => {
    const v = record[h];
    return v === undefined || v === null || (typeof v === 'string' && v.trim() === '');
  });
}

/** The reason a dead letter (or lint) gives for a refused id. */
export function degenerateReason(d: DegenerateId, where: string): string {
  const gave = d.gave === 'nothing' ? 'gave nothing' : d.gave === 'empty' ? 'gave an empty string' : `gave only its literal text ${JSON.stringify(d.literalsOnly ?? '')}`;
  const missing = d.missingHeaders.length === 0 ? '' : ` (missing header${d.missingHeaders.length > 1 ? 's' : ''} ${d.missingHeaders.join(', ')})`;
  return `output ${d.output}: id expression ${d.expression} (${where}) ${gave}${missing}; every such message would share one message id and the stream would drop all but the first as duplicates`;
}

/** Flattens `a & (b & c)` into its operands; parentheses around a single expression are looked through. */
function concatParts(node: AstNode, out: AstNode[]): void {
  const inner = unwrap(node);
  // A binary operator's lhs is one node (only an object constructor's is a list of pairs).
  if (inner.type === 'binary' && inner.value === '&' && inner.lhs && !Array.isArray(inner.lhs) && inner.rhs) {
    concatParts(inner.lhs as AstNode, out);
    concatParts(inner.rhs, out);
  } else {
    out.push(inner);
  }
}

function unwrap(node: AstNode): AstNode {
  return node.type === 'block' && node.expressions?.length === 1 ? unwrap(node.expressions[0] as AstNode) : node;
}

/** The text `&` makes of a literal part, or undefined when the part is not a literal. */
function literalText(node: AstNode): string | undefined {
  if (node.type === 'string' && typeof node.value === 'string') return node.value;
  // Integers only: how `&` writes other numbers (precision, exponents) is not worth copying here.
  if (node.type === 'number' && typeof node.value === 'number' && Number.isSafeInteger(node.value)) return String(node.value);
  return undefined;
}
