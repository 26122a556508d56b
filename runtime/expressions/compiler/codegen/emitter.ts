/**
 * Accumulates generated JavaScript. Every value that comes from the expression (names,
 * strings, numbers, regexes) becomes a captured constant `kN`; the generated text itself only
 * ever contains identifiers this module makes up, keywords and operators, so nothing from the
 * expression can be read as code.
 */
export class Emitter {
  private lines: string[] = [];
  private depth = 1;
  private counter = 0;
  readonly constants: unknown[] = [];
  private readonly constantIndex = new Map<unknown, string>();
  private readonly helpers = new Set<string>();

  emit(line: string): void {
    const indented = '  '.repeat(this.depth) + line;
    // The same depth check twice in a row can only fail the first time.
    if (line.includes('depthExceeded') && this.lines[this.lines.length - 1] === indented) return;
    this.lines.push(indented);
  }

  /** Emits an empty line to be filled in later (see fill), returning its index. */
  placeholder(): number {
    this.lines.push('');
    return this.lines.length - 1;
  }

  fill(index: number, line: string): void {
    this.lines[index] = line === '' ? '' : '  '.repeat(this.depth) + line;
  }

  /** Emits `header {`, the body one level deeper, then `footer`. */
  block(header: string, body: () => void, footer = '}'): void {
    this.emit(header + ' {');
    this.depth++;
    body();
    this.depth--;
    this.emit(footer);
  }

  /** A fresh identifier. */
  id(prefix = 't'): string {
    return `${prefix}${this.counter++}`;
  }

  /** A captured constant holding `value`. */
  k(value: unknown): string {
    const reusable = typeof value === 'string' || typeof value === 'number';
    if (reusable) {
      const key = `${typeof value}:${String(value)}`;
      const existing = this.constantIndex.get(key);
      if (existing !== undefined) return existing;
      const name = `k${this.constants.length}`;
      this.constants.push(value);
      this.constantIndex.set(key, name);
      return name;
    }
    const name = `k${this.constants.length}`;
    this.constants.push(value);
    return name;
  }

  /**
   * A property name as a string literal, every character written as a \u escape: V8 compiles
   * `o["\u0061"]` as a named access (an inline cache per site, as for `o.a`), and text made only
   * of escapes cannot be read as anything but that one string.
   */
  prop(name: string): string {
    let out = '"';
    for (let i = 0; i < name.length; i++) out += '\\u' + name.charCodeAt(i).toString(16).padStart(4, '0');
    return out + '"';
  }

  /** A JavaScript literal for simple values (they are produced here, not copied from source). */
  literal(value: unknown): string {
    if (value === null) return 'null';
    if (value === true) return 'true';
    if (value === false) return 'false';
    if (value === undefined) return 'undefined';
    if (typeof value === 'number' && Number.isInteger(value) && Math.abs(value) < 1e9 && !Object.is(value, -0)) {
      return String(value);
    }
    return this.k(value);
  }

  /** The local name of runtime helper `name` (all helpers are bound once per program). */
  rt(name: string): string {
    this.helpers.add(name);
    return `$${name}`;
  }

  /** The complete program: helper and constant bindings, then the body. */
  program(body: string[]): string {
    const out: string[] = ['"use strict";'];
    for (const h of this.helpers) out.push(`const $${h} = R.${h};`);
    for (let i = 0; i < this.constants.length; i++) out.push(`const k${i} = K[${i}];`);
    return out.concat(body).join('\n');
  }

  /** Takes the lines emitted so far (used to build the program once compilation is done). */
  take(): string[] {
    const l = this.lines;
    this.lines = [];
    return l;
  }
}
