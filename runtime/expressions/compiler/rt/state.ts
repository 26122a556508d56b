/**
 * Per-evaluation state and guardrails. Compiled evaluation is synchronous and never re-enters
 * itself (a call into foreign code bails out first), so the current evaluation lives in a module
 * variable that helpers read without it being threaded through every call.
 */
import { JErr } from './errors.ts';

export interface CompilerLimits {
  /**
   * Maximum evaluation depth, counted as the reference counts it for its `stack` option: one
   * level per nested sub-expression, so recursion adds the depth of each call site. Exceeding
   * it throws D1011. Running out of JavaScript stack first also gives D1011.
   */
  readonly maxDepth: number;
  /** Wall-clock budget of one evaluation in milliseconds; exceeding it throws D1012. 0 disables. */
  readonly timeoutMs: number;
}

export const DEFAULT_LIMITS: CompilerLimits = { maxDepth: 10_000, timeoutMs: 5_000 };

export interface EvalState {
  maxDepth: number;
  timeoutMs: number;
  /** When the time budget runs out; set at the first clock reading of the evaluation. */
  deadline: number;
  /** The evaluation's `$now()`/`$millis()` instant, read on first use (0 until then). */
  time: number;
  ticks: number;
  /**
   * How many constructors whose parts the reference evaluates concurrently are being
   * evaluated (see codegen/constructs.ts): above 0 when an error escapes, one of those parts
   * failed, and which error the reference reports depends on how its promises interleave.
   */
  concurrent: number;
}

function freshState(): EvalState {
  return { maxDepth: Infinity, timeoutMs: 0, deadline: NaN, time: 0, ticks: 0, concurrent: 0 };
}

let current: EvalState = freshState();

/** A state object an expression can reuse for each of its evaluations. */
export function newState(): EvalState {
  return freshState();
}

/**
 * Starts an evaluation. The clock is not read here (that costs as much as a small expression):
 * the time budget starts at the first clock check, a few hundred calls or iterations in.
 */
export function enter(limits: CompilerLimits, reuse: EvalState): { state: EvalState; previous: EvalState } {
  const state = reuse === current ? freshState() : reuse;
  state.maxDepth = limits.maxDepth > 0 ? limits.maxDepth : Infinity;
  state.timeoutMs = limits.timeoutMs;
  state.deadline = NaN;
  state.time = 0;
  state.ticks = 0;
  state.concurrent = 0;
  const previous = current;
  current = state;
  return { state, previous };
}

export function leave(previous: EvalState): void {
  current = previous;
}

export function state(): EvalState {
  return current;
}

/** The evaluation's fixed instant for `$now()` and `$millis()`. */
export function timestamp(): number {
  if (current.time === 0) current.time = Date.now();
  return current.time;
}

// Reading the clock costs more than the work between two ticks, so look only now and then.
const TICKS_PER_CLOCK_READ = 256;

/** Called at every function call and loop iteration of compiled code. */
export function tick(): void {
  if (++current.ticks >= TICKS_PER_CLOCK_READ) checkClock();
}

export function checkClock(): void {
  current.ticks = 0;
  if (current.timeoutMs <= 0) return;
  const now = Date.now();
  if (current.deadline !== current.deadline) current.deadline = now + current.timeoutMs;
  else if (now > current.deadline) throw new JErr('D1012', current.timeoutMs);
}

export function depthExceeded(): never {
  throw new JErr('D1011', current.maxDepth);
}

/**
 * Thrown (as itself) when evaluation reaches something compiled code must not do or cannot
 * reproduce exactly: calling a function that came from outside, or a reference behaviour that
 * depends on the scheduling of its promises. Nothing observable has happened yet at that point,
 * so the evaluation is redone by the reference evaluator.
 */
export class Bailout {
  constructor(readonly reason: string) {}
}

export function bailout(reason: string): never {
  throw new Bailout(reason);
}

export function isStackOverflow(e: unknown): boolean {
  return e instanceof RangeError && /call stack/i.test(e.message);
}
