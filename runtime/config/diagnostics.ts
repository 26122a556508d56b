/**
 * User mistakes are data: each one names a file, a line and a column, and a run collects all
 * of them before reporting, so one lint pass shows everything that is wrong.
 */
import { redactText } from './redact.ts';

export type Severity = 'error' | 'warning';

export interface Diagnostic {
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  /** 1-based. */
  readonly col: number;
  readonly message: string;
  readonly severity: Severity;
  /** A short stable identifier of the rule, for `--format json` and for tests. */
  readonly code: string;
}

export interface SourcePosition {
  readonly line: number;
  readonly col: number;
}

export function formatDiagnostic(d: Diagnostic): string {
  const prefix = d.severity === 'warning' ? 'warning: ' : '';
  return `${d.file}:${d.line}:${d.col}: ${prefix}${d.message}`;
}

/** Collects diagnostics across files; the compile entry point returns it whole. */
export class Diagnostics {
  readonly items: Diagnostic[] = [];
  // A mapping used by two pipelines must not report its syntax error twice.
  private readonly seen = new Set<string>();

  error(file: string, pos: SourcePosition, code: string, message: string): void {
    this.add({ file, line: pos.line, col: pos.col, message, severity: 'error', code });
  }

  warn(file: string, pos: SourcePosition, code: string, message: string): void {
    this.add({ file, line: pos.line, col: pos.col, message, severity: 'warning', code });
  }

  add(diagnostic: Diagnostic): void {
    // A message may quote configuration, which may hold a value from the environment.
    const d = { ...diagnostic, message: redactText(diagnostic.message) };
    const key = formatDiagnostic(d);
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.items.push(d);
  }

  get errorCount(): number {
    return this.items.filter((d) => d.severity === 'error').length;
  }

  get hasErrors(): boolean {
    return this.items.some((d) => d.severity === 'error');
  }

  sorted(): Diagnostic[] {
    return [...this.items].sort(
      (a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col || a.message.localeCompare(b.message),
    );
  }
}

/** Thrown by entry points that cannot continue; carries every diagnostic found. */
export class SpecError extends Error {
  readonly diagnostics: readonly Diagnostic[];
  constructor(diagnostics: readonly Diagnostic[]) {
    super(diagnostics.map(formatDiagnostic).join('\n'));
    this.name = 'SpecError';
    this.diagnostics = diagnostics;
  }
}

/** Line and column (1-based) of a character offset in a text. */
export function positionAt(text: string, offset: number): SourcePosition {
  let line = 1;
  let lineStart = 0;
  const end = Math.max(0, Math.min(offset, text.length));
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, col: end - lineStart + 1 };
}
