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
    this.passed.push(new Map());
    body();
    this.passed.pop();
    this.depth--;
    this.emit(footer);
  }

  /**
   * Depth checks that have certainly passed at the point being emitted, per block: for each
   * base (`D` or `0`), the deepest level checked by a statement of that block or of a block
   * around it. The base and the limit do not change within a function, so a check of that
   * level or less cannot fail there any more.
   */
  private passed: Map<string, number>[] = [new Map()];

  /** Is a depth check of `base + depth` certain to pass here? */
  depthPassed(base: string, depth: number): boolean {
    for (const scope of this.passed) if ((scope.get(base) ?? -1) >= depth) return true;
    return false;
  }

  /** Records a depth check emitted as a statement of the current block. */
  depthChecked(base: string, depth: number): void {
    const scope = this.passed[this.passed.length - 1] as Map<string, number>;
    if ((scope.get(base) ?? -1) < depth) scope.set(base, depth);
  }

  /** Starts the body of a new JavaScript function, where no depth check has happened yet. */
  enterFunction(): Map<string, number>[] {
    const outer = this.passed;
    this.passed = [new Map()];
    return outer;
  }

  leaveFunction(outer: Map<string, number>[]): void {
    this.passed = outer;
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
