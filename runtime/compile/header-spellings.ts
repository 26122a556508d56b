/**
 * Header names are case-insensitive (HTTP says so, and partners spell them as they like:
 * WooCommerce documents `X-WC-Webhook-Topic`, Node's HTTP server hands it over as
 * `x-wc-webhook-topic`). JSONata field lookups are exact, and a Proxy cannot stand in for the
 * object (the expression worker clones bindings, which a Proxy does not survive). So the rule is:
 * `$headers` holds each received header under the spelling the pipeline itself uses for it, in
 * `$headers.'Name'`, `$headers."Name"`, `$headers.Name` or `$lookup($headers, 'Name')`. The
 * spellings are read from the expressions once, at compile time; each message then costs one
 * map lookup per header. A pipeline that spells one header two ways would find it under only
 * one of them, so that is a compile error.
 */
import { headerReads, parseAst, type AstNode } from '../expressions/ast.ts';
import type { LocatedExpression } from '../components/types.ts';
import { CORRELATION_ID } from '../components/header-names.ts';

export interface HeaderReference {
  readonly name: string;
  /** `file:line:col` of the name in the expression. */
  readonly at: string;
}

export interface SpellingConflict {
  readonly first: HeaderReference;
  readonly other: HeaderReference;
}

export interface HeaderSpellings {
  /** Lower-case name → the pipeline's spelling. */
  readonly spellings: ReadonlyMap<string, string>;
  readonly conflicts: readonly SpellingConflict[];
}

// The runner reads and writes the correlation id under this exact name, so it is the spelling
// every pipeline gets (an empty `at` marks it as the runner's).
const RUNNER_SPELLINGS: readonly HeaderReference[] = [{ name: CORRELATION_ID, at: '' }];

/** The diagnostic for a conflict: where the second spelling is, what it clashes with, the fix. */
export function conflictDiagnostic(c: SpellingConflict): { file: string; pos: { line: number; col: number }; message: string } {
  const m = /^(.*):(\d+):(\d+)$/.exec(c.other.at);
  const file = m?.[1] ?? c.other.at;
  const pos = { line: Number(m?.[2] ?? 1), col: Number(m?.[3] ?? 1) };
  const message =
    `header '${c.other.name}' is ${c.first.at ? `written '${c.first.name}' at ${c.first.at}` : `'${c.first.name}' in every pipeline (the runner sets it)`}; header names are case-insensitive and ` +
    `$headers holds each under one spelling, so this lookup would find nothing: write $headers.'${c.first.name}' here too`;
  return { file, pos, message };
}

export function headerSpellings(expressions: readonly LocatedExpression[]): HeaderSpellings {
  const first = new Map<string, HeaderReference>(RUNNER_SPELLINGS.map((r) => [r.name.toLowerCase(), r]));
  const conflicts: SpellingConflict[] = [];
  for (const e of expressions) {
    for (const ref of headerReferences(e)) {
      const key = ref.name.toLowerCase();
      const seen = first.get(key);
      if (!seen) first.set(key, ref);
      else if (seen.name !== ref.name) conflicts.push({ first: seen, other: ref });
    }
  }
  return { spellings: new Map([...first].map(([k, r]) => [k, r.name])), conflicts };
}

/** The static header names one expression reads, with where each is written. */
export function headerReferences(e: LocatedExpression): HeaderReference[] {
  const ast = parseAst(e.source);
  if (!ast) return []; // a syntax error is reported where the expression is compiled
  const out: HeaderReference[] = [];
  const add = (node: AstNode, name: string): void => {
    // JSONata positions mark the end of a token; point at its start (a quote, if quoted).
    const end = node.position ?? 0;
    const quoted = end > 0 && /['"`]/.test(e.source[end - 1] ?? '');
    out.push({ name, at: e.locate(Math.max(1, end - name.length - (quoted ? 2 : 0) + 1)) });
  };
  for (const read of headerReads(ast)) add(read.node, read.name);
  return out;
}


/**
 * Received headers keyed by the pipeline's spellings; a header the pipeline never names keeps
 * the name it arrived with. Returns a new object.
 */
export function respell(headers: Readonly<Record<string, string>>, spellings: ReadonlyMap<string, string>): Record<string, string> {
  if (spellings.size === 0) return { ...headers };
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) out[spellings.get(name.toLowerCase()) ?? name] = value;
  return out;
}
