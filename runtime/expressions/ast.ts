/**
 * The parsed form of a JSONata expression, for the tools that read expressions rather than
 * run them (message-id shapes, header spellings, subject patterns, lint). One type (the
 * compiler's) and one walk, so none of them keeps a partial copy of the AST's shape.
 */
import jsonata from 'jsonata';
import type { Node } from './compiler/codegen/ast.ts';

export type AstNode = Node;

/** The AST after jsonata's post-parse stage, or undefined for a syntax error (compile reports it). */
export function parseAst(source: string): AstNode | undefined {
  try {
    return jsonata(source).ast() as unknown as AstNode;
  } catch {
    return undefined;
  }
}

/**
 * Visits every node under `root` once, depth first. The parser shares nodes between slots
 * (`a ?: b` uses `a` twice), and RegExp values are data, not nodes.
 */
export function walkAst(root: AstNode, visit: (node: AstNode) => void): void {
  const seen = new Set<object>();
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (typeof node !== 'object' || node === null || node instanceof RegExp || seen.has(node)) continue;
    seen.add(node);
    if (!Array.isArray(node)) visit(node as AstNode);
    for (const value of Object.values(node)) if (typeof value === 'object' && value !== null) stack.push(value);
  }
}

/**
 * The header names an expression reads by a name written in it: `$headers.X`,
 * `$headers.'X-Y'` and `$lookup($headers, 'X')`, each with the node that holds the name (for
 * its position). Names computed at run time cannot be known here.
 */
export function headerReads(root: AstNode): { readonly name: string; readonly node: AstNode }[] {
  const out: { name: string; node: AstNode }[] = [];
  walkAst(root, (node) => {
    const steps = node.steps;
    if (node.type === 'path' && steps?.[0]?.type === 'variable' && steps[0].value === 'headers' && steps[1]?.type === 'name' && typeof steps[1].value === 'string') {
      out.push({ name: steps[1].value, node: steps[1] });
    }
    const args = node.arguments;
    if (node.type === 'function' && node.procedure?.value === 'lookup' && args?.[0]?.type === 'variable' && args[0].value === 'headers' && args[1]?.type === 'string' && typeof args[1].value === 'string') {
      out.push({ name: args[1].value, node: args[1] });
    }
  });
  return out;
}
