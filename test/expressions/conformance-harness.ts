/**
 * Runs the JSONata conformance suite (test/fixtures/jsonata-test-suite) through the reference
 * evaluator and through compiled code, and classifies every case:
 *
 *   identical  compiled code gave the expected result / error code
 *   bailout    compiled code handed this evaluation to the reference at run time (and agreed)
 *   fallback   the compiler declined the expression (reason recorded)
 *   syntax     the expression does not parse (one shared parser: nothing to compile)
 *   different  compiled code disagreed (must never happen)
 *
 * The reference is checked against the suite's expectations too, with the suite's own
 * depth/time guard (`timelimit`, `depth`, error code U1001), so that agreement with the
 * expectation means agreement with the reference. For those cases the compiled code runs with
 * the same limits as its guardrails, whose errors (D1011, D1012) stand for U1001.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import jsonata from 'jsonata';
import { ExpressionError, isPromiseLike } from '../../runtime/expressions/jsonata.ts';
import { tryCompile } from '../../runtime/expressions/compiler/index.ts';
import { sameValue } from './same-value.ts';

const suiteDir = new URL('../fixtures/jsonata-test-suite/', import.meta.url).pathname;

export interface SuiteCase {
  readonly id: string;
  readonly expr: string;
  readonly input: unknown;
  readonly bindings: Record<string, unknown> | undefined;
  readonly expectResult?: { readonly value: unknown };
  readonly expectUndefined?: boolean;
  readonly expectError?: Readonly<Record<string, unknown>>;
  readonly timelimit?: number;
  readonly depth?: number;
  readonly unordered: boolean;
}

interface RawCase {
  expr?: string;
  'expr-file'?: string;
  data?: unknown;
  dataset?: string | null;
  bindings?: Record<string, unknown>;
  result?: unknown;
  undefinedResult?: boolean;
  code?: string;
  token?: string;
  error?: Record<string, unknown>;
  timelimit?: number;
  depth?: number;
  unordered?: boolean;
}

export function loadSuite(): SuiteCase[] {
  const datasets = new Map<string, unknown>();
  for (const f of readdirSync(join(suiteDir, 'datasets'))) {
    if (f.endsWith('.json')) datasets.set(f.slice(0, -5), JSON.parse(readFileSync(join(suiteDir, 'datasets', f), 'utf8')));
  }
  const cases: SuiteCase[] = [];
  for (const group of readdirSync(join(suiteDir, 'groups')).sort()) {
    const dir = join(suiteDir, 'groups', group);
    for (const file of readdirSync(dir).sort()) {
      if (!file.endsWith('.json')) continue;
      const parsed = JSON.parse(readFileSync(join(dir, file), 'utf8')) as RawCase | RawCase[];
      const list = Array.isArray(parsed) ? parsed : [parsed];
      list.forEach((raw, i) => {
        const expr = raw['expr-file'] !== undefined ? readFileSync(join(dir, raw['expr-file']), 'utf8') : (raw.expr as string);
        const input = 'data' in raw ? raw.data : raw.dataset == null ? undefined : datasets.get(raw.dataset);
        const expectError =
          raw.error !== undefined
            ? raw.error
            : raw.code !== undefined
              ? { code: raw.code, ...(raw.token !== undefined ? { token: raw.token } : {}) }
              : undefined;
        cases.push({
          id: `${group}/${file}${Array.isArray(parsed) ? `#${i}` : ''}`,
          expr,
          input,
          bindings: raw.bindings,
          ...('result' in raw ? { expectResult: { value: raw.result } } : {}),
          ...(raw.undefinedResult ? { expectUndefined: true } : {}),
          ...(expectError !== undefined ? { expectError } : {}),
          ...(raw.timelimit !== undefined ? { timelimit: raw.timelimit } : {}),
          ...(raw.depth !== undefined ? { depth: raw.depth } : {}),
          unordered: raw.unordered === true,
        });
      });
    }
  }
  return cases;
}

type Outcome = { readonly value: unknown } | { readonly error: Record<string, unknown> };

/** What an error exposes: the reference throws plain objects with all its fields. */
function errorFields(e: unknown): Record<string, unknown> {
  const o = (e ?? {}) as Record<string, unknown>;
  return { ...o, code: o['code'], token: o['token'], position: o['position'], message: o['message'] };
}

/** ExpressionError carries code, message, position and token; other fields are not compared. */
const expressionErrorFields = new Set(['code', 'message', 'position', 'token']);

/** The jsonata repository's own depth/time guard for its suite (error code U1001). */
function timebox(expr: jsonata.Expression, timeout: number, maxDepth: number): void {
  let depth = 0;
  const start = Date.now();
  const check = (): void => {
    if (depth > maxDepth) throw { code: 'U1001', message: 'Stack overflow error' };
    if (Date.now() - start > timeout) throw { code: 'U1001', message: 'Expression evaluation timeout' };
  };
  type Env = { isParallelCall?: boolean };
  const assign = expr.assign as unknown as (name: symbol, value: unknown) => void;
  assign(Symbol.for('jsonata.__evaluate_entry'), (_e: unknown, _i: unknown, env: Env) => {
    if (env.isParallelCall) return;
    depth++;
    check();
  });
  assign(Symbol.for('jsonata.__evaluate_exit'), (_e: unknown, _i: unknown, env: Env) => {
    if (env.isParallelCall) return;
    depth--;
    check();
  });
}

function fresh<T>(v: T): T {
  return v === undefined ? v : structuredClone(v);
}

/** Does the outcome meet the case's expectation? Returns a description of the mismatch, if any. */
function check(c: SuiteCase, outcome: Outcome, guardrailCodes: readonly string[], compiled = false): string | undefined {
  if ('error' in outcome) {
    const err = outcome.error;
    if (c.expectError === undefined) return `unexpected error ${String(err['code'])}: ${String(err['message'])}`;
    for (const [k, v] of Object.entries(c.expectError)) {
      if (compiled && !expressionErrorFields.has(k)) continue;
      const actual = err[k];
      const ok = k === 'code' && v === 'U1001' ? guardrailCodes.includes(actual as string) : actual === v;
      if (!ok) return `error ${k}: expected ${JSON.stringify(v)}, got ${JSON.stringify(actual)}`;
    }
    return undefined;
  }
  const v = outcome.value;
  if (c.expectError !== undefined) return `expected error ${String(c.expectError['code'])}, got ${safeJson(v)}`;
  if (c.expectUndefined) return v === undefined ? undefined : `expected undefined, got ${safeJson(v)}`;
  if (c.expectResult !== undefined) {
    const expected = c.expectResult.value;
    const same = c.unordered ? sameMembers(v, expected) : sameValue(v, expected);
    return same ? undefined : `expected ${safeJson(expected)}, got ${safeJson(v)}`;
  }
  return undefined;
}

function sameMembers(a: unknown, b: unknown): boolean {
  if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return sameValue(a, b);
  const rest = [...b];
  for (const item of a) {
    const i = rest.findIndex((r) => sameValue(item, r));
    if (i < 0) return false;
    rest.splice(i, 1);
  }
  return true;
}

export function safeJson(v: unknown): string {
  try {
    const s = JSON.stringify(v);
    return s === undefined ? String(v) : s.length > 300 ? s.slice(0, 300) + '…' : s;
  } catch {
    return String(v);
  }
}

async function runReference(c: SuiteCase, expr: jsonata.Expression): Promise<Outcome> {
  if (c.timelimit !== undefined && c.depth !== undefined) timebox(expr, c.timelimit, c.depth);
  try {
    return { value: await expr.evaluate(fresh(c.input), fresh(c.bindings)) };
  } catch (e) {
    return { error: errorFields(e) };
  } finally {
    // Let concurrent parts of a failed evaluation finish before the next case (see differential.ts).
    await new Promise((resolve) => setImmediate(resolve));
  }
}

async function runCompiled(evaluate: (i: unknown, b?: Record<string, unknown>) => unknown, c: SuiteCase): Promise<{ outcome: Outcome; redone: boolean }> {
  try {
    const r = evaluate(fresh(c.input), fresh(c.bindings));
    if (isPromiseLike(r)) return { outcome: { value: await r }, redone: true };
    return { outcome: { value: r }, redone: false };
  } catch (e) {
    if (!(e instanceof ExpressionError)) return { outcome: { error: { code: 'NOT-AN-EXPRESSION-ERROR', message: String(e) } }, redone: false };
    return { outcome: { error: errorFields(e) }, redone: false };
  }
}

export type Classification = 'identical' | 'bailout' | 'fallback' | 'syntax' | 'different';

export interface CaseReport {
  readonly id: string;
  readonly expr: string;
  readonly classification: Classification;
  /** Fallback reason, or what differed. */
  readonly detail?: string;
  /** Set when the reference itself does not meet the suite's expectation. */
  readonly referenceMismatch?: string;
}

export interface ConformanceReport {
  readonly total: number;
  readonly compiledIdentical: number;
  readonly bailout: number;
  readonly fallback: number;
  readonly syntaxErrors: number;
  readonly different: number;
  readonly referenceMismatches: readonly CaseReport[];
  readonly differences: readonly CaseReport[];
  readonly fallbackReasons: readonly { readonly reason: string; readonly cases: number }[];
  readonly cases: readonly CaseReport[];
}

export async function runConformance(filter?: (c: SuiteCase) => boolean): Promise<ConformanceReport> {
  const cases = loadSuite().filter((c) => (filter ? filter(c) : true));
  const reports: CaseReport[] = [];
  for (const c of cases) reports.push(await runCase(c));
  const count = (k: Classification): number => reports.filter((r) => r.classification === k).length;
  const reasons = new Map<string, number>();
  for (const r of reports) if (r.classification === 'fallback') reasons.set(r.detail ?? '', (reasons.get(r.detail ?? '') ?? 0) + 1);
  return {
    total: reports.length,
    compiledIdentical: count('identical'),
    bailout: count('bailout'),
    fallback: count('fallback'),
    syntaxErrors: count('syntax'),
    different: count('different'),
    referenceMismatches: reports.filter((r) => r.referenceMismatch !== undefined),
    differences: reports.filter((r) => r.classification === 'different'),
    fallbackReasons: [...reasons].map(([reason, n]) => ({ reason, cases: n })).sort((a, b) => b.cases - a.cases),
    cases: reports,
  };
}

async function runCase(c: SuiteCase): Promise<CaseReport> {
  const base = { id: c.id, expr: c.expr };
  let expr: jsonata.Expression;
  try {
    expr = jsonata(c.expr);
  } catch (e) {
    const mismatch = check(c, { error: errorFields(e) }, []);
    return { ...base, classification: 'syntax', ...(mismatch ? { referenceMismatch: mismatch } : {}) };
  }
  const reference = await runReference(c, expr);
  const referenceMismatch = check(c, reference, ['U1001']);
  const limits = c.depth !== undefined && c.timelimit !== undefined ? { maxDepth: c.depth, timeoutMs: c.timelimit } : {};
  const compiled = tryCompile(jsonata(c.expr).ast(), c.expr, { limits });
  const withMismatch = referenceMismatch ? { referenceMismatch } : {};
  if (!compiled.ok) return { ...base, classification: 'fallback', detail: compiled.reason, ...withMismatch };
  const { outcome, redone } = await runCompiled(compiled.evaluate, c);
  // Compiled code must agree with the expectation, or, where the reference itself does not
  // meet it, with the reference.
  const problem = referenceMismatch === undefined ? check(c, outcome, ['D1011', 'D1012'], true) : compareOutcomes(reference, outcome);
  if (problem !== undefined) return { ...base, classification: 'different', detail: problem, ...withMismatch };
  return { ...base, classification: redone ? 'bailout' : 'identical', ...withMismatch };
}

function compareOutcomes(reference: Outcome, compiled: Outcome): string | undefined {
  if ('error' in reference || 'error' in compiled) {
    const rc = 'error' in reference ? reference.error['code'] : undefined;
    const cc = 'error' in compiled ? compiled.error['code'] : undefined;
    return rc === cc && rc !== undefined ? undefined : `reference ${String(rc ?? 'value')}, compiled ${String(cc ?? 'value')}`;
  }
  return sameValue(reference.value, compiled.value) ? undefined : `reference ${safeJson(reference.value)}, compiled ${safeJson(compiled.value)}`;
}
