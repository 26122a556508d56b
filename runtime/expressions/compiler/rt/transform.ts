/**
 * The transform operator `| pattern | update [, delete] |`: a function that deep-copies its
 * argument (with whatever `$clone` means where the transform was written), then merges `update`
 * into, and removes `delete` from, everything `pattern` selects in the copy.
 */
import { JErr } from './errors.ts';
import { Callable, apply } from './functions.ts';
import { signature } from './signature.ts';
import { tick } from './state.ts';
import { isArrayOfStrings, isFunction } from './values.ts';

/** A compiled part of the transform, evaluated with its own context at the callee's depth. */
export type Part = (context: unknown, depth: number) => unknown;

const transformSignature = signature('<(oa):o>');

export class Transform extends Callable {
  /** The reference defines it as a library-style function object. */
  readonly objectLike = true;
  override readonly isLambda = false;
  readonly arity = 1;
  constructor(
    private readonly position: number | undefined,
    private readonly cloneFunction: () => unknown,
    private readonly pattern: Part,
    private readonly update: Part,
    private readonly updatePosition: number | undefined,
    private readonly remove: Part | undefined,
    private readonly removePosition: number | undefined,
  ) {
    super();
    this.pos = undefined;
    this.tok = undefined;
  }

  invoke(args: unknown[], input: unknown, depth: number): unknown {
    return this.run(transformSignature.validate(args, input)[0], depth);
  }

  private run(obj: unknown, depth: number): unknown {
    if (obj === undefined) return undefined;
    const clone = this.cloneFunction();
    if (!isFunction(clone)) throw new JErr('T2013', undefined, this.position);
    const result = apply(clone, [obj], null, depth);
    let matches = this.pattern(result, depth);
    if (matches === undefined) return result;
    if (!Array.isArray(matches)) matches = [matches];
    for (const match of matches as unknown[]) {
      tick();
      const update = this.update(match, depth);
      if (update !== undefined) {
        if (typeof update !== 'object' || update === null || Array.isArray(update)) throw new JErr('T2011', update, this.updatePosition);
        const target = match as Record<string, unknown>;
        const source = update as Record<string, unknown>;
        // Plain assignment, as in the reference (a __proto__ key re-parents the copied match).
        for (const prop of Object.keys(source)) target[prop] = source[prop];
      }
      if (this.remove !== undefined) {
        const deletions = this.remove(match, depth);
        if (deletions !== undefined) {
          const names = Array.isArray(deletions) ? deletions : [deletions];
          if (!isArrayOfStrings(names)) throw new JErr('T2012', deletions, this.removePosition);
          for (const name of names as string[]) {
            if (typeof match === 'object' && match !== null) delete (match as Record<string, unknown>)[name];
          }
        }
      }
    }
    return result;
  }
}
