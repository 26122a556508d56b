/**
 * JSON.parse, with the offset of the mistake when there is one. V8's messages name a
 * position only for some mistakes (`Unexpected token '}', "..." is not valid JSON` has none),
 * so a failed parse is scanned again by a small checker that knows where it stopped.
 */

export type JsonParse = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly offset: number; readonly message: string };

export function parseJson(text: string): JsonParse {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const shift = body === text ? 0 : 1;
  try {
    return { ok: true, value: JSON.parse(body) as unknown };
  } catch (err) {
    const found = findMistake(body);
    if (found) return { ok: false, offset: found.offset + shift, message: found.message };
    return { ok: false, offset: 0, message: (err as Error).message };
  }
}

class Mistake extends Error {
  constructor(
    readonly offset: number,
    message: string,
  ) {
    super(message);
  }
}

function findMistake(s: string): { offset: number; message: string } | undefined {
  let i = 0;
  const ws = (): void => {
    while (i < s.length && ' \t\n\r'.includes(s[i] as string)) i++;
  };
  const describe = (): string => (i >= s.length ? 'the end of the file' : `'${s[i]}'`);
  const fail = (message: string, at = i): never => {
    throw new Mistake(at, message);
  };
  // Where the last comma was: a trailing comma is reported there, where it has to be deleted.
  let comma = 0;
  const string = (): void => {
    i++; // opening quote
    while (i < s.length) {
      const c = s.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return;
      }
      if (c < 0x20) fail('a control character (such as a line break) inside a string; write it as an escape');
      if (c === 0x5c) {
        const e = s[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(s.slice(i + 2, i + 6))) fail('a \\u escape needs four hexadecimal digits');
          i += 6;
          continue;
        }
        if (e === undefined || !'"\\/bfnrt'.includes(e)) fail(`unknown escape \\${e ?? ''} in a string`);
        i += 2;
        continue;
      }
      i++;
    }
    fail('a string that is never closed');
  };
  const number = (): void => {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(s.slice(i));
    if (!m || m[0] === '-') fail(`${describe()} cannot start a value`);
    i += (m as RegExpExecArray)[0].length;
  };
  const value = (): void => {
    ws();
    const c = s[i];
    if (c === '{') return object();
    if (c === '[') return array();
    if (c === '"') return string();
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return number();
    for (const word of ['true', 'false', 'null']) {
      if (s.startsWith(word, i)) {
        i += word.length;
        return;
      }
    }
    if (c === "'") fail('strings need double quotes');
    fail(i >= s.length ? 'the file ends where a value was expected' : `${describe()} cannot start a value`);
  };
  const object = (): void => {
    i++;
    ws();
    if (s[i] === '}') {
      i++;
      return;
    }
    for (;;) {
      ws();
      if (s[i] === '}' && comma > 0) fail('a comma before } (trailing commas are not allowed)', comma);
      if (s[i] !== '"') fail(`expected a property name in double quotes, found ${describe()}`);
      string();
      ws();
      if (s[i] !== ':') fail(`expected ':' after the property name, found ${describe()}`);
      i++;
      value();
      ws();
      if (s[i] === ',') {
        comma = i++;
        continue;
      }
      if (s[i] === '}') {
        i++;
        return;
      }
      fail(`expected ',' or '}' after a property value, found ${describe()}`);
    }
  };
  const array = (): void => {
    i++;
    ws();
    if (s[i] === ']') {
      i++;
      return;
    }
    for (;;) {
      ws();
      if (s[i] === ']' && comma > 0) fail('a comma before ] (trailing commas are not allowed)', comma);
      value();
      ws();
      if (s[i] === ',') {
        comma = i++;
        continue;
      }
      if (s[i] === ']') {
        i++;
        return;
      }
      fail(`expected ',' or ']' after an array item, found ${describe()}`);
    }
  };
  try {
    value();
    ws();
    if (i < s.length) fail(`more text after the JSON value: ${describe()}`);
  } catch (err) {
    if (err instanceof Mistake) return { offset: err.offset, message: err.message };
    throw err;
  }
  return undefined;
}
