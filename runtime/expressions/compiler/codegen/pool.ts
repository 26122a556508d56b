/**
 * Reusable locals for the temporaries of one generated function.
 *
 * V8 gives every declared variable of a function its own register, and does not reuse the
 * registers of blocks that have ended; TurboFan's graph building, escape analysis and register
 * allocation then grow with registers times branches. A mapping compiled to thousands of
 * single-use `const`s took TurboFan seconds per function (and ran unoptimised meanwhile).
 * Temporaries therefore come from a pool of `let`s declared once at the top of the function:
 * a node's temporaries go back to the pool when the node is compiled, except its result, which
 * its parent owns until the parent is compiled (see Compiler.compile).
 *
 * Only values that no closure can capture are pooled: never a context (`$`) a nested function
 * may read later, nor a frame variable.
 */
export class Pool {
  private readonly free: string[] = [];
  private readonly live: string[] = [];
  private readonly declared: string[] = [];

  constructor(private readonly fresh: () => string) {}

  alloc(): string {
    let r = this.free.pop();
    if (r === undefined) {
      r = this.fresh();
      this.declared.push(r);
    }
    this.live.push(r);
    return r;
  }

  mark(): number {
    return this.live.length;
  }

  /** Returns the temporaries taken since `mark` to the pool, except `keep`. */
  release(mark: number, keep: string): void {
    let kept = false;
    while (this.live.length > mark) {
      const r = this.live.pop() as string;
      if (r === keep) kept = true;
      else this.free.push(r);
    }
    if (kept) this.live.push(keep);
  }

  /** The declaration of every temporary the function used (an empty string if none). */
  declaration(): string {
    return this.declared.length === 0 ? '' : `let ${this.declared.join(', ')};`;
  }
}
