/**
 * Function signatures (`<s-nn?:s>`): argument checking, context substitution for `-` and
 * promotion of single values to arrays for `a`. The checker matches the string of argument type
 * letters against a regular expression built from the signature, which is how JSONata defines
 * it; the error index for a mismatch is found the same way.
 */
import { JErr } from './errors.ts';
import { typeSymbol } from './values.ts';

interface Param {
  regex: string;
  type: string;
  array: boolean;
  context: boolean;
  contextRegex: RegExp | undefined;
  subtype: string | undefined;
}

const pluralOf: Readonly<Record<string, string>> = {
  a: 'arrays',
  b: 'booleans',
  f: 'functions',
  n: 'numbers',
  o: 'objects',
  s: 'strings',
};

function closing(sig: string, start: number, open: string, close: string): number {
  let depth = 1;
  let pos = start;
  while (pos < sig.length) {
    pos++;
    const c = sig.charAt(pos);
    if (c === close) {
      depth--;
      if (depth === 0) break;
    } else if (c === open) {
      depth++;
    }
  }
  return pos;
}

function newParam(): Param {
  return { regex: '', type: '', array: false, context: false, contextRegex: undefined, subtype: undefined };
}

export class Signature {
  readonly params: Param[] = [];
  private readonly regex: RegExp;
  /** Validation plans keyed by the argument type string; most call sites see one or two. */
  private readonly plans = new Map<string, RegExpExecArray | null>();

  constructor(readonly definition: string) {
    let param = newParam();
    let prev = param;
    const next = (): void => {
      this.params.push(param);
      prev = param;
      param = newParam();
    };
    for (let pos = 1; pos < definition.length; pos++) {
      const symbol = definition.charAt(pos);
      if (symbol === ':') break;
      switch (symbol) {
        case 's':
        case 'n':
        case 'b':
        case 'l':
        case 'o':
          param.regex = `[${symbol}m]`;
          param.type = symbol;
          next();
          break;
        case 'a':
          param.regex = '[asnblfom]';
          param.type = symbol;
          param.array = true;
          next();
          break;
        case 'f':
          param.regex = 'f';
          param.type = symbol;
          next();
          break;
        case 'j':
          param.regex = '[asnblom]';
          param.type = symbol;
          next();
          break;
        case 'x':
          param.regex = '[asnblfom]';
          param.type = symbol;
          next();
          break;
        case '-':
          prev.context = true;
          prev.contextRegex = new RegExp(prev.regex);
          prev.regex += '?';
          break;
        case '?':
        case '+':
          prev.regex += symbol;
          break;
        case '(': {
          const end = closing(definition, pos, '(', ')');
          const choice = definition.substring(pos + 1, end);
          // Parameterised choices are rejected by the parser before we ever see them.
          param.regex = `[${choice}m]`;
          param.type = `(${choice})`;
          pos = end;
          next();
          break;
        }
        case '<': {
          const end = closing(definition, pos, '<', '>');
          prev.subtype = definition.substring(pos + 1, end);
          pos = end;
          break;
        }
        default:
          break;
      }
    }
    this.regex = new RegExp('^' + this.params.map((p) => `(${p.regex})`).join('') + '$');
  }

  validate(args: readonly unknown[], context: unknown): unknown[] {
    let supplied = '';
    for (let i = 0; i < args.length; i++) supplied += typeSymbol(args[i]);
    let match = this.plans.get(supplied);
    if (match === undefined) {
      match = this.regex.exec(supplied);
      if (this.plans.size < 64) this.plans.set(supplied, match);
    }
    if (match === null) return this.fail(args, supplied);
    const out: unknown[] = [];
    let argIndex = 0;
    for (let p = 0; p < this.params.length; p++) {
      const param = this.params[p] as Param;
      const matched = match[p + 1] as string;
      if (matched === '') {
        if (param.context && param.contextRegex) {
          if (param.contextRegex.test(typeSymbol(context))) {
            out.push(context);
          } else {
            const e = new JErr('T0411', context);
            e.index = argIndex + 1;
            throw e;
          }
        } else {
          out.push(args[argIndex]);
          argIndex++;
        }
        continue;
      }
      for (const single of matched) {
        let arg = args[argIndex];
        if (param.type === 'a') {
          if (single === 'm') {
            arg = undefined;
          } else {
            let ok = true;
            if (param.subtype !== undefined) {
              if (single !== 'a' && matched !== param.subtype) {
                ok = false;
              } else if (single === 'a') {
                const items = arg as unknown[];
                if (items.length > 0) {
                  const itemType = typeSymbol(items[0]);
                  if (itemType !== param.subtype.charAt(0)) {
                    ok = false;
                  } else {
                    for (const item of items) if (typeSymbol(item) !== itemType) ok = false;
                  }
                }
              }
            }
            if (!ok) {
              const e = new JErr('T0412', arg);
              e.index = argIndex + 1;
              e.type = pluralOf[param.subtype as string];
              throw e;
            }
            if (single !== 'a') arg = [arg];
          }
        }
        out.push(arg);
        argIndex++;
      }
    }
    return out;
  }

  private fail(args: readonly unknown[], supplied: string): never {
    let partial = '^';
    let goodTo = 0;
    for (const param of this.params) {
      partial += param.regex;
      const m = supplied.match(partial);
      if (m === null) break;
      goodTo = m[0].length;
    }
    const e = new JErr('T0410', args[goodTo]);
    e.index = goodTo + 1;
    throw e;
  }
}

const cache = new Map<string, Signature>();

export function signature(definition: string): Signature {
  let sig = cache.get(definition);
  if (sig === undefined) {
    sig = new Signature(definition);
    cache.set(definition, sig);
  }
  return sig;
}
