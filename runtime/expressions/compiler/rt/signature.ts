/**
 * Function signatures (`<s-nn?:s>`): argument checking, context substitution for `-` and
 * promotion of single values to arrays for `a`. The checker matches the string of argument type
 * letters against a regular expression built from the signature, which is how JSONata defines
 * it; the error index for a mismatch is found the same way.
 */
import { JErr } from './errors.ts';
import { isFunction, typeSymbol } from './values.ts';

interface Param {
  regex: string;
  type: string;
  array: boolean;
  context: boolean;
  contextRegex: RegExp | undefined;
  subtype: string | undefined;
}

interface Op {
  readonly kind: 'context' | 'pass' | 'wrap' | 'missing';
  readonly param: number;
  readonly argIndex: number;
  /** Item-type check of an array argument, made just before the argument is taken. */
  readonly check: SubtypeCheck | undefined;
}

interface SubtypeCheck {
  readonly argIndex: number;
  readonly single: string;
  readonly matched: string;
  readonly param: number;
}

interface Plan {
  readonly supplied: string;
  readonly fail: boolean;
  identity: boolean;
  readonly ops: Op[];
  readonly subtypeChecks: SubtypeCheck[];
}

/** typeSymbol as a number 1-8 (s n b l o a f m), without building a string. */
function symbolCode(v: unknown): number {
  switch (typeof v) {
    case 'string':
      return 1;
    case 'number':
      return 2;
    case 'boolean':
      return 3;
    case 'undefined':
      return 8;
    case 'function':
      return 7;
    case 'object':
      if (v === null) return 4;
      if (isFunction(v)) return 7;
      return Array.isArray(v) ? 6 : 5;
    default:
      return 8;
  }
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

/** Keys of up to three argument type codes (9^3). */
const SMALL_KEYS = 729;

export class Signature {
  readonly params: Param[] = [];
  private readonly regex: RegExp;
  /** Validation plans keyed by the argument types; most call sites see one or two. */
  private readonly plans = new Map<number, Plan>();
  private readonly plans1: (Plan | undefined)[] = new Array<Plan | undefined>(9).fill(undefined);
  private plansSmall: (Plan | undefined)[] | undefined = undefined;

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
    // Plans are cached per combination of argument types, encoded as a number.
    let plan: Plan | undefined;
    let key = 0;
    if (args.length === 1) {
      key = symbolCode(args[0]);
      plan = this.plans1[key];
    } else {
      for (let i = 0; i < args.length; i++) key = key * 9 + symbolCode(args[i]);
      // Up to three arguments (codes are 1-8, so keys of different lengths never meet), an
      // array lookup; a Map lookup cost more than the rest of a typical call.
      plan = key < SMALL_KEYS ? this.plansSmall?.[key] : this.plans.get(key);
    }
    if (plan === undefined) {
      let supplied = '';
      for (let i = 0; i < args.length; i++) supplied += typeSymbol(args[i]);
      plan = this.plan(supplied);
      if (args.length === 1) this.plans1[key] = plan;
      else if (key < SMALL_KEYS) (this.plansSmall ??= new Array<Plan | undefined>(SMALL_KEYS).fill(undefined))[key] = plan;
      else if (this.plans.size < 64) this.plans.set(key, plan);
    }
    if (plan.fail) return this.fail(args, plan.supplied);
    if (plan.identity) {
      for (const check of plan.subtypeChecks) this.checkItems(args, check);
      return args as unknown[];
    }
    const out: unknown[] = [];
    for (const op of plan.ops) {
      if (op.check !== undefined) this.checkItems(args, op.check);
      switch (op.kind) {
        case 'context':
          if ((this.params[op.param] as Param).contextRegex?.test(typeSymbol(context))) {
            out.push(context);
          } else {
            const e = new JErr('T0411', context);
            e.index = op.argIndex + 1;
            throw e;
          }
          break;
        case 'pass':
          out.push(args[op.argIndex]);
          break;
        case 'wrap':
          out.push([args[op.argIndex]]);
          break;
        case 'missing':
          out.push(undefined);
          break;
      }
    }
    return out;
  }

  /** How arguments with these type letters are validated (the regex work, done once). */
  private plan(supplied: string): Plan {
    const match = this.regex.exec(supplied);
    const plan: Plan = { supplied, fail: match === null, identity: true, ops: [], subtypeChecks: [] };
    if (match === null) return plan;
    let argIndex = 0;
    for (let p = 0; p < this.params.length; p++) {
      const param = this.params[p] as Param;
      const matched = match[p + 1] as string;
      if (matched === '') {
        if (param.context && param.contextRegex) {
          plan.ops.push({ kind: 'context', param: p, argIndex, check: undefined });
          plan.identity = false;
        } else {
          plan.ops.push({ kind: 'pass', param: p, argIndex, check: undefined });
          argIndex++;
        }
        continue;
      }
      for (const single of matched) {
        let kind: Op['kind'] = 'pass';
        let check: SubtypeCheck | undefined;
        if (param.type === 'a' && single === 'm') {
          kind = 'missing';
        } else if (param.type === 'a') {
          if (param.subtype !== undefined) {
            check = { argIndex, single, matched, param: p };
            plan.subtypeChecks.push(check);
          }
          if (single !== 'a') kind = 'wrap';
        }
        if (kind === 'wrap') plan.identity = false;
        plan.ops.push({ kind, param: p, argIndex, check });
        argIndex++;
      }
    }
    // Identity also needs one argument per op in order (no holes left by context substitution).
    if (plan.identity && plan.ops.length !== supplied.length) plan.identity = false;
    return plan;
  }

  private checkItems(args: readonly unknown[], check: SubtypeCheck): void {
    const param = this.params[check.param] as Param;
    const subtype = param.subtype as string;
    const arg = args[check.argIndex];
    let ok = true;
    if (check.single !== 'a' && check.matched !== subtype) {
      ok = false;
    } else if (check.single === 'a') {
      const items = arg as unknown[];
      if (items.length > 0) {
        const itemType = typeSymbol(items[0]);
        if (itemType !== subtype.charAt(0)) {
          ok = false;
        } else {
          for (const item of items) if (typeSymbol(item) !== itemType) ok = false;
        }
      }
    }
    if (!ok) {
      const e = new JErr('T0412', arg);
      e.index = check.argIndex + 1;
      e.type = pluralOf[subtype];
      throw e;
    }
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

/** A signature that was lost in the parser's JSON copy of part of the AST (see calls.ts). */
export const brokenSignature = {
  validate(): never {
    throw new TypeError('signature.validate is not a function');
  },
} as unknown as Signature;
