/** String functions: $string, $substring*, case, $length, $trim, $pad, $join, encodings. */
import { Buffer } from 'node:buffer';
import { JErr } from '../rt/errors.ts';
import { codePointCount, codePoints, stringify } from '../rt/values.ts';
import { type Library, UNHANDLED, round } from './shared.ts';

export function substring(str: string, start: number, length?: number): string {
  const chars = codePoints(str);
  let from = start;
  if (chars.length + from < 0) from = 0;
  if (length !== undefined) {
    if (length <= 0) return '';
    const end = from >= 0 ? from + length : chars.length + from + length;
    return chars.slice(from, end).join('');
  }
  return chars.slice(from).join('');
}

function trim(str: string): string {
  let result = str.replace(/[ \t\n\r]+/gm, ' ');
  if (result.charAt(0) === ' ') result = result.substring(1);
  if (result.charAt(result.length - 1) === ' ') result = result.substring(0, result.length - 1);
  return result;
}

function pad(str: string, width: number, char: string | undefined): string {
  const padChar = char === undefined || char.length === 0 ? ' ' : char;
  const w = Math.trunc(width);
  const padLength = Math.abs(w) - codePointCount(str);
  if (!(padLength > 0)) return str;
  let padding = new Array(padLength + 1).join(padChar);
  if (padChar.length > 1) padding = substring(padding, 0, padLength);
  return w > 0 ? str + padding : padding + str;
}

function uri(name: string, str: string, codec: (s: string) => string): string {
  try {
    return codec(str);
  } catch {
    const e = new JErr('D3140', str);
    e.functionName = name;
    throw e;
  }
}

function formatBase(value: number, radix: number | undefined): string {
  const v = round(value) as number;
  const r = radix === undefined ? 10 : (round(radix) as number);
  if (r < 2 || r > 36) throw new JErr('D3100', r);
  return v.toString(r);
}

type S = string | undefined;

/** Unary string function: undefined in, undefined out. */
function onString(f: (s: string) => unknown): (a: unknown[]) => unknown {
  return (a) => (a[0] === undefined ? undefined : f(a[0] as string));
}

/** Its one-argument shortcut: strings and undefined need no signature check. */
function onString1(f: (s: string) => unknown): (a: unknown) => unknown {
  return (a) => (typeof a === 'string' ? f(a) : a === undefined ? undefined : UNHANDLED);
}

export const stringLibrary: Library = {
  string: ['<x-b?:s>', 1, 'arg, prettify = false', (a) => stringify(a[0], a[1] === true ? true : false), (a) => stringify(a)],
  substring: [
    '<s-nn?:s>',
    3,
    'str, start, length',
    (a) => (a[0] === undefined ? undefined : substring(a[0] as string, a[1] as number, a[2] as number | undefined)),
  ],
  substringBefore: [
    '<s-s:s>',
    2,
    'str, chars',
    (a) => {
      const str = a[0] as S;
      if (str === undefined) return undefined;
      const chars = a[1] as string;
      const pos = str.indexOf(chars);
      return pos > -1 ? str.substr(0, pos) : str;
    },
  ],
  substringAfter: [
    '<s-s:s>',
    2,
    'str, chars',
    (a) => {
      const str = a[0] as S;
      if (str === undefined) return undefined;
      const chars = a[1] as string;
      const pos = str.indexOf(chars);
      return pos > -1 ? str.substr(pos + chars.length) : str;
    },
  ],
  lowercase: ['<s-:s>', 1, 'str', onString((s) => s.toLowerCase()), onString1((s) => s.toLowerCase())],
  uppercase: ['<s-:s>', 1, 'str', onString((s) => s.toUpperCase()), onString1((s) => s.toUpperCase())],
  length: ['<s-:n>', 1, 'str', onString(codePointCount), onString1(codePointCount)],
  trim: ['<s-:s>', 1, 'str', onString(trim), onString1(trim)],
  pad: [
    '<s-ns?:s>',
    3,
    'str, width, char',
    (a) => (a[0] === undefined ? undefined : pad(a[0] as string, a[1] as number, a[2] as S)),
  ],
  join: [
    '<a<s>s?:s>',
    2,
    'strs, separator',
    (a) => (a[0] === undefined ? undefined : (a[0] as string[]).join(a[1] === undefined ? '' : (a[1] as string))),
  ],
  formatBase: [
    '<n-n?:s>',
    2,
    'value, radix',
    (a) => (a[0] === undefined ? undefined : formatBase(a[0] as number, a[1] as number | undefined)),
  ],
  base64encode: ['<s-:s>', 1, 'str', onString((s) => Buffer.from(s, 'binary').toString('base64'))],
  base64decode: ['<s-:s>', 1, 'str', onString((s) => Buffer.from(s, 'base64').toString('binary'))],
  encodeUrlComponent: ['<s-:s>', 1, 'str', onString((s) => uri('encodeUrlComponent', s, encodeURIComponent))],
  encodeUrl: ['<s-:s>', 1, 'str', onString((s) => uri('encodeUrl', s, encodeURI))],
  decodeUrlComponent: ['<s-:s>', 1, 'str', onString((s) => uri('decodeUrlComponent', s, decodeURIComponent))],
  decodeUrl: ['<s-:s>', 1, 'str', onString((s) => uri('decodeUrl', s, decodeURI))],
};
