/**
 * Tuple streams (paths with `@` and `#` bindings, grouped constructs): the slot layout of a
 * tuple, and the frame that binds a tuple's names. Shared by paths.ts and constructs.ts.
 */
import type { Node } from './ast.ts';
import type { Codegen, Ctx } from './context.ts';
import { Frame } from './scope.ts';

export class Layout {
  readonly slots = new Map<string, number>();
  slot(name: string): number {
    let s = this.slots.get(name);
    if (s === undefined) {
      s = this.slots.size + 1;
      this.slots.set(name, s);
    }
    return s;
  }
  get size(): number {
    return this.slots.size + 1;
  }
}

/** Which tuple slots a frame built from a tuple binds (names bound so far in the path). */
export interface TupleFrameSpec {
  readonly names: ReadonlyMap<string, number>;
}

/**
 * Emits a frame built from the tuple in `tup` (the reference's createFrameFromTuple): the
 * bound names are definite locals, and `:=` inside lands in this frame.
 */
export function tupleFrame(c: Codegen, spec: TupleFrameSpec, tup: string, body: Node | readonly Node[], ctx: Ctx, emitBody: (inner: Ctx) => void, context?: string): void {
  const e = c.e;
  const frame = new Frame('tuple', ctx.frame);
  for (const [name, slot] of spec.names) {
    const local = e.id('v');
    e.emit(`let ${local} = ${tup}[${slot}];`);
    frame.defineDefinite(name, local);
  }
  frame.declareBinds(e, body, c.unbound);
  emitBody({ frame, input: context ?? c.let(`${tup}[0]`, 'x'), depth: ctx.depth, fn: ctx.fn });
}
