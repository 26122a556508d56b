/**
 * Regular expressions and the functions that take a "matcher": $match, $contains, $split,
 * $replace. A regex value is a function returning {match, start, end, groups, next}, and the
 * library talks to any matcher only through that protocol, as the reference does.
 */
import { JErr } from '../rt/errors.ts';
import { Callable, callArg } from '../rt/functions.ts';
import { createSeq } from '../rt/sequence.ts';
import { tick } from '../rt/state.ts';
import { isFunction } from '../rt/values.ts';
import { type Library } from './shared.ts';

interface MatchResult {
  match: string;
  start: number;
  end: number;
  groups: string[];
  next: RegexNext;
}

/**
 * The value of a regex literal; a fresh one per evaluation of the literal, as in the reference.
 * They share the literal's RegExp (compiling a copy per evaluation was a tenth of some
 * mappings' time): each match sets its lastIndex first and keeps the one it leaves, so no
 * state lives in the RegExp between two calls.
 */
export class Regex extends Callable {
  readonly objectLike = false;
  override readonly isLambda = false;
  readonly arity = 2;
  private last = 0;
  constructor(
    private readonly re: RegExp,
    readonly position: number | undefined,
  ) {
    super();
    this.pos = undefined;
    this.tok = undefined;
  }
  exec(str: unknown, fromIndex: unknown): MatchResult | undefined {
    const re = this.re;
    re.lastIndex = (fromIndex as number) || 0;
    const m = re.exec(str as string);
    this.last = re.lastIndex;
    if (m === null) return undefined;
    const groups: string[] = [];
    for (let i = 1; i < m.length; i++) groups.push(m[i] as string);
    return { match: m[0], start: m.index, end: m.index + m[0].length, groups, next: new RegexNext(this, str) };
  }
  lastIndex(): number {
    return this.last;
  }
  source(): string {
    return this.re.source;
  }
  invoke(args: unknown[]): unknown {
    return this.exec(args[0], args[1]);
  }
}

export class RegexNext extends Callable {
  readonly objectLike = false;
  override readonly isLambda = false;
  readonly arity = 0;
  constructor(
    private readonly regex: Regex,
    private readonly str: unknown,
  ) {
    super();
    this.pos = undefined;
    this.tok = undefined;
  }
  invoke(): unknown {
    const from = this.regex.lastIndex();
    if (from >= (this.str as { length: number }).length) return undefined;
    const next = this.regex.exec(this.str, from);
    if (next && next.match === '') throw new JErr('D1004', this.regex.source(), this.regex.position);
    return next;
  }
}

interface Matched {
  match?: unknown;
  start?: unknown;
  end?: unknown;
  groups?: unknown;
  next?: unknown;
}

/** The reference's evaluateMatcher: call, then check the result looks like a match. */
function evaluateMatcher(matcher: unknown, str: unknown, depth: number): Matched | undefined {
  const result = callArg(matcher, [str], depth) as Matched | undefined;
  if (
    result &&
    !(typeof result.start === 'number' || (result.end as unknown) === 'number' || Array.isArray(result.groups) || isFunction(result.next))
  ) {
    throw new JErr('T1010');
  }
  return result;
}

function contains(str: string | undefined, token: unknown, depth: number): boolean | undefined {
  if (str === undefined || token === undefined) return undefined;
  if (typeof token === 'string') return str.indexOf(token) !== -1;
  return evaluateMatcher(token, str, depth) !== undefined;
}

function negativeLimit(code: string, limit: unknown, index: number): JErr {
  const e = new JErr(code, limit);
  e.index = index;
  return e;
}

function match(str: string | undefined, regex: unknown, limit: number | undefined, depth: number): unknown {
  if (str === undefined) return undefined;
  if ((limit as number) < 0) throw negativeLimit('D3040', limit, 3);
  const result = createSeq();
  if (limit === undefined || limit > 0) {
    let count = 0;
    let m = evaluateMatcher(regex, str, depth);
    while (m !== undefined && (limit === undefined || count < limit)) {
      tick();
      result.push({ match: m.match, index: m.start, groups: m.groups });
      m = evaluateMatcher(m.next, undefined, depth);
      count++;
    }
  }
  return result;
}

function dollarSubstitute(replacement: string, m: Matched): string {
  const groups = m.groups as string[];
  let substitute = '';
  let position = 0;
  let index = replacement.indexOf('$', position);
  while (index !== -1 && position < replacement.length) {
    substitute += replacement.substring(position, index);
    position = index + 1;
    const dollarVal = replacement.charAt(position);
    if (dollarVal === '$') {
      substitute += '$';
      position++;
    } else if (dollarVal === '0') {
      substitute += m.match as string;
      position++;
    } else {
      const maxDigits = groups.length === 0 ? 1 : Math.floor(Math.log(groups.length) * Math.LOG10E) + 1;
      index = parseInt(replacement.substring(position, position + maxDigits), 10);
      if (maxDigits > 1 && index > groups.length) index = parseInt(replacement.substring(position, position + maxDigits - 1), 10);
      if (!isNaN(index)) {
        if (groups.length > 0) {
          const submatch = groups[index - 1];
          if (submatch !== undefined) substitute += submatch;
        }
        position += index.toString().length;
      } else {
        substitute += '$';
      }
    }
    index = replacement.indexOf('$', position);
  }
  return substitute + replacement.substring(position);
}

function replace(str: string | undefined, pattern: unknown, replacement: unknown, limit: number | undefined, depth: number): unknown {
  if (str === undefined) return undefined;
  if (pattern === '') {
    const e = new JErr('D3010', pattern);
    e.index = 2;
    throw e;
  }
  if ((limit as number) < 0) throw negativeLimit('D3011', limit, 4);
  if (!(limit === undefined || limit > 0)) return str;
  let result = '';
  let position = 0;
  let count = 0;
  if (typeof pattern === 'string') {
    let index = str.indexOf(pattern, position);
    while (index !== -1 && (limit === undefined || count < limit)) {
      tick();
      result += str.substring(position, index);
      result += replacement as string;
      position = index + pattern.length;
      count++;
      index = str.indexOf(pattern, position);
    }
    return result + str.substring(position);
  }
  let m = evaluateMatcher(pattern, str, depth);
  if (m === undefined) return str;
  while (m !== undefined && (limit === undefined || count < limit)) {
    tick();
    result += str.substring(position, m.start as number);
    const replacedWith = typeof replacement === 'string' ? dollarSubstitute(replacement, m) : callArg(replacement, [m], depth);
    if (typeof replacedWith !== 'string') throw new JErr('D3012', replacedWith);
    result += replacedWith;
    position = (m.start as number) + (m.match as string).length;
    count++;
    m = evaluateMatcher(m.next, undefined, depth);
  }
  return result + str.substring(position);
}

function split(str: string | undefined, separator: unknown, limit: number | undefined, depth: number): unknown {
  if (str === undefined) return undefined;
  if ((limit as number) < 0) throw negativeLimit('D3020', limit, 3);
  const result: string[] = [];
  if (!(limit === undefined || limit > 0)) return result;
  if (typeof separator === 'string') return str.split(separator, limit);
  let count = 0;
  let m = evaluateMatcher(separator, str, depth);
  if (m === undefined) {
    result.push(str);
    return result;
  }
  let start = 0;
  while (m !== undefined && (limit === undefined || count < limit)) {
    tick();
    result.push(str.substring(start, m.start as number));
    start = m.end as number;
    m = evaluateMatcher(m.next, undefined, depth);
    count++;
  }
  if (limit === undefined || count < limit) result.push(str.substring(start));
  return result;
}

type S = string | undefined;
type N = number | undefined;

export const regexLibrary: Library = {
  match: ['<s-f<s:o>n?:a<o>>', 3, 'str, regex, limit', (a, _i, d) => match(a[0] as S, a[1], a[2] as N, d)],
  contains: ['<s-(sf):b>', 2, 'str, token', (a, _i, d) => contains(a[0] as S, a[1], d)],
  replace: [
    '<s-(sf)(sf)n?:s>',
    4,
    'str, pattern, replacement, limit',
    (a, _i, d) => replace(a[0] as S, a[1], a[2], a[3] as N, d),
  ],
  split: ['<s-(sf)n?:a<s>>', 3, 'str, separator, limit', (a, _i, d) => split(a[0] as S, a[1], a[2] as N, d)],
};
