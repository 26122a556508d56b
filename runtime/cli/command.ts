/**
 * The shape of a CLI command and its argument parsing. Options are declared once and give
 * both the parser and the --help text.
 */
import { parseArgs } from 'node:util';

export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
  readonly multiple?: boolean;
  readonly value?: string;
  readonly description: string;
  readonly default?: string | boolean;
}

export interface CommandSpec {
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  readonly details?: string;
  readonly options: Readonly<Record<string, OptionSpec>>;
  readonly positionals?: { readonly min?: number; readonly max?: number };
  /** Exit code for a usage mistake (default 2); a command whose 2 means something else picks another. */
  readonly usageExitCode?: number;
  run(args: ParsedArgs): Promise<number>;
}

export interface ParsedArgs {
  readonly values: Readonly<Record<string, string | boolean | string[] | undefined>>;
  readonly positionals: readonly string[];
}

/** A mistake in how the command was called: printed with a pointer to --help, exit 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** A failure to report without a stack trace (the user can act on the message). */
export class CommandError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode = 1) {
    super(message);
    this.name = 'CommandError';
    this.exitCode = exitCode;
  }
}

export function parse(spec: CommandSpec, argv: readonly string[]): ParsedArgs {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = {};
  for (const [name, o] of Object.entries(spec.options)) {
    options[name] = { type: o.type, ...(o.short ? { short: o.short } : {}), ...(o.multiple ? { multiple: true } : {}) };
  }
  let parsed: ReturnType<typeof parseArgs> & { tokens: Token[] };
  try {
    parsed = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true, tokens: true });
  } catch (err) {
    throw new UsageError((err as Error).message.replace(/^TypeError \[[A-Z_]+\]: /, ''));
  }
  const values: Record<string, string | boolean | string[] | undefined> = { ...(parsed.values as Record<string, string | boolean | string[] | undefined>) };
  for (const [name, o] of Object.entries(spec.options)) {
    if (values[name] === undefined && o.default !== undefined) values[name] = o.default;
  }
  const min = spec.positionals?.min ?? 0;
  const max = spec.positionals?.max ?? 0;
  if (parsed.positionals.length < min) throw new UsageError(`missing argument: ${spec.usage}`);
  if (max >= 0 && parsed.positionals.length > max) {
    throw new UsageError(`unexpected argument '${parsed.positionals[max]}'${listHint(spec, parsed.tokens, max)}`);
  }
  return { values, positionals: parsed.positionals };
}

/** The parts of node:util's parseArgs tokens that listHint reads. */
type Token =
  | { readonly kind: 'positional'; readonly value: string }
  | { readonly kind: 'option'; readonly name: string; readonly value?: string | undefined }
  | { readonly kind: 'option-terminator' };

/**
 * `--only a b` reads naturally but gives --only one value and leaves `b` over; when the extra
 * argument follows a repeatable option's value, say how lists are written.
 */
function listHint(spec: CommandSpec, tokens: readonly Token[], extra: number): string {
  const at = tokens.filter((t) => t.kind === 'positional')[extra];
  if (!at) return '';
  const before = tokens.slice(0, tokens.indexOf(at)).reverse().find((t) => t.kind !== 'positional');
  if (before?.kind !== 'option' || !spec.options[before.name]?.multiple) return '';
  const name = before.name;
  return `: --${name} takes one value; repeat --${name} or comma-separate (--${name} ${before.value ?? ''},${at.value})`;
}

export function helpText(spec: CommandSpec): string {
  const lines = [`crossdock ${spec.name} — ${spec.summary}`, '', `Usage: ${spec.usage}`];
  if (spec.details) lines.push('', spec.details);
  const entries = Object.entries(spec.options);
  if (entries.length > 0) {
    lines.push('', 'Options:');
    const rows = entries.map(([name, o]) => {
      const flag = `${o.short ? `-${o.short}, ` : '    '}--${name}${o.type === 'string' ? ` ${o.value ?? 'VALUE'}` : ''}`;
      const dflt = o.default !== undefined && o.default !== false ? ` (default: ${String(o.default)})` : '';
      return [flag, o.description + dflt] as const;
    });
    const width = Math.max(...rows.map(([f]) => f.length)) + 2;
    for (const [f, d] of rows) lines.push(`  ${f.padEnd(width)}${d}`);
  }
  lines.push(`  ${'    --help'.padEnd(Math.max(12, 0))}  Show this help`);
  return lines.join('\n');
}

export function str(args: ParsedArgs, name: string): string | undefined {
  const v = args.values[name];
  return typeof v === 'string' ? v : undefined;
}

export function list(args: ParsedArgs, name: string): string[] {
  const v = args.values[name];
  if (Array.isArray(v)) return v.flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean);
  if (typeof v === 'string') return v.split(',').map((s) => s.trim()).filter(Boolean);
  return [];
}

export function flag(args: ParsedArgs, name: string): boolean {
  return args.values[name] === true;
}

/** Options shared by every command that needs the project or a running system. */
export const commonOptions = {
  pipelines: { type: 'string', value: 'DIR', description: 'Folder of pipeline YAML files (mappings/ and schemas/ beside it)', default: 'pipelines' },
  nats: { type: 'string', value: 'URL', description: 'NATS server URL (or NATS_URL); default: the embedded server of a running `crossdock run`' },
  data: { type: 'string', value: 'DIR', description: 'Data folder: embedded NATS store and runtime info', default: '.crossdock' },
} as const satisfies Record<string, OptionSpec>;
