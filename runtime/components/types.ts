/**
 * The contract every component kind (input, step, output) fulfils. A kind is one module that
 * exports a spec: its name, its documentation, the JSON Schema of its configuration, and a
 * compile function. The pipeline schema, the linter and the docs are all derived from these
 * specs, so adding a kind means adding one file and one line in the registry.
 */
import type { Expression } from '../expressions/jsonata.ts';
import type { SchemaValidator } from './schema-validator.ts';
import type { Path } from '../config/yaml-source.ts';
import type { JsonSchema } from '../config/json-schema.ts';
import type { RuntimeServices } from './services.ts';
import type { DeliverPolicy } from './deliver-policy.ts';

export type { DeliverPolicy } from './deliver-policy.ts';

/** What a component may ask of the compiler: resolved resources, with errors reported at the right place. */
export interface CompileContext {
  readonly pipeline: string;
  /** Path of this component's configuration inside the YAML document. */
  readonly path: Path;
  /** Names of the pipeline's outputs (for route targets). */
  readonly outputNames: readonly string[];
  /** Business key fields (canonical schemas' `x-crossdock-trace-key`) outputs name in their `Crossdock-Trace-Keys` header. */
  readonly traceKeys?: readonly string[];
  /** Compiles an inline JSONata expression found at `at` (relative to this component). */
  expression(source: string, at?: Path): LocatedExpression | undefined;
  /** Loads and compiles a `.jsonata` file from mappings/. */
  mapping(relativeFile: string, at?: Path): LocatedExpression | undefined;
  /** Loads and compiles a JSON Schema file from schemas/. */
  schema(relativeFile: string, at?: Path): SchemaValidator | undefined;
  /** Reports a problem at `at` (relative to this component). */
  error(message: string, at?: Path, code?: string): void;
  warn(message: string, at?: Path, code?: string): void;
}

/** An expression that knows where it was written, so run-time errors can point there too. */
export interface LocatedExpression extends Expression {
  /** `file:line:col` of the character at `position` (an offset into the expression), or of its start. */
  locate(position?: number): string;
}

/** Metadata about the message being processed, fixed at receipt. */
export interface MessageMeta {
  readonly pipeline: string;
  readonly subject: string;
  readonly stream: string;
  readonly streamSeq: number;
  readonly deliveryCount: number;
  /** Epoch ms at which the runner received the message. */
  readonly receivedAt: number;
  /**
   * Identifies this inbound message across redeliveries (`STREAM:SEQ` for JetStream, the
   * partner's delivery id for HTTP, name and digest for files); default message ids derive from it.
   */
  readonly key: string;
}

/**
 * One message on its way through a pipeline (Camel calls this an exchange). Steps replace
 * `body`, add to `headers` and choose `route`; outputs read the result.
 */
export interface Exchange {
  body: unknown;
  /** Headers carried to every output: the input's headers plus those set by steps. */
  readonly headers: Record<string, string>;
  /** Outputs chosen by a route step; undefined means every output. */
  route: readonly string[] | undefined;
  readonly correlationId: string;
  readonly meta: MessageMeta;
  /** The original payload bytes, kept for dead letters. */
  readonly raw: Uint8Array;
  /** The decoded original body; an output of an unchanged body sends `raw` as it came. */
  readonly original: unknown;
  /** Variables visible to every expression as `$name` ($headers, $subject, $meta, …). */
  readonly bindings: Record<string, unknown>;
  /** Told when an evaluation of this message moves to an expression worker (see sandbox.ts). */
  readonly onOffload?: (() => void) | undefined;
}

export const DROP = Symbol('drop');
export type StepResult = void | typeof DROP;

/**
 * An output's message id that unrelated messages would share (nothing, empty, or only the
 * literal text of its expression), so the stream would drop all but the first as duplicates.
 * HTTP edges answer 400 naming the missing headers; lint reports it for fixture inputs.
 */
export interface DegenerateId {
  readonly output: string;
  /** The id expression as written. */
  readonly expression: string;
  readonly gave: 'nothing' | 'empty' | 'literal-only';
  /** With `literal-only`: the literal text the id came down to. */
  readonly literalsOnly?: string;
  /** Headers the expression reads that the message lacks (or has empty). */
  readonly missingHeaders: readonly string[];
}

/** A failure inside a step. Permanent failures are dead-lettered at once; transient ones retried. */
export class StepFailure extends Error {
  readonly permanent: boolean;
  /** A JSON path or field name in the message, when the failure is about one. */
  readonly field: string | undefined;
  /** For a transient failure: the least delay before a retry (a service's Retry-After). */
  readonly retryAfterMs: number | undefined;
  /** Set when an output refused its message id as degenerate. */
  readonly degenerateId: DegenerateId | undefined;
  constructor(message: string, options: { permanent: boolean; field?: string; cause?: unknown; retryAfterMs?: number; degenerateId?: DegenerateId }) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'StepFailure';
    this.permanent = options.permanent;
    this.field = options.field;
    this.retryAfterMs = options.retryAfterMs;
    this.degenerateId = options.degenerateId;
  }
}

export interface CompiledStep {
  /** Human label used in dead letters and logs, e.g. `validate canonical/sales-order.schema.json`. */
  readonly label: string;
  /**
   * Called once before the first message, with the runner's services. A step that needs a
   * service it was not given throws here, so the runner refuses to start rather than fail
   * every message.
   */
  start?(services: RuntimeServices): void | Promise<void>;
  /** Runs the step; may return a promise (the reference JSONata evaluator is asynchronous). */
  run(ex: Exchange): StepResult | Promise<StepResult>;
}

/** What an output decided to send, computed without I/O so fixture tests can check it. */
export interface Emission {
  readonly output: string;
  readonly subject: string;
  /** Nats-Msg-Id: redeliveries with the same id are dropped by the stream's duplicate window. */
  readonly msgId: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: unknown;
  /** The exact bytes to send when the body is the unchanged input (an edge keeps the partner's payload verbatim). */
  readonly data?: Uint8Array;
  /** Where it goes when not to JetStream (the `file` output). */
  readonly target?: { readonly kind: 'file'; readonly path: string };
  /**
   * Where to report it when the stream already holds its message id (a business duplicate,
   * e.g. the same order sent twice), with the exception message to publish.
   */
  readonly onDuplicate?: { readonly subject: string; readonly msgId: string; readonly body: unknown; readonly headers?: Readonly<Record<string, string>> };
}

export interface CompiledOutput {
  readonly name: string;
  readonly kind: string;
  /** One emission, or several when the output splits the body (`each`). */
  prepare(ex: Exchange, index: number): Emission | readonly Emission[] | Promise<Emission | readonly Emission[]>;
}

export interface CompiledInput<K extends string = string, C = unknown> {
  readonly kind: K;
  /** Kind-specific, validated configuration; the input's driver reads it. */
  readonly config: C;
  /** How payloads are decoded before the first step. */
  readonly format: 'json' | 'text';
  /** Where messages come from, for fixture tests and docs: a stream name and, when fixed, a subject. */
  readonly origin: { readonly stream: string; readonly subject?: string };
  /** The durable consumer it reads through, for inputs that read a stream (project checks, lint, plan). */
  readonly reads?: StreamRead;
  /** The HTTP route it serves, for inputs that take requests (two pipelines may not serve one route). */
  readonly serves?: { readonly method: string; readonly path: string };
}

export interface StreamRead {
  readonly stream: string;
  readonly subject: string;
  readonly durable: string;
  readonly deliver: DeliverPolicy;
}

/**
 * What a component touches beyond the body it works on, read from its configuration as
 * written (`${VAR}` references unresolved, so a label never holds a secret). Lint, the graph
 * and plan ask the spec for this instead of knowing each kind.
 */
export interface Footprint {
  /** Systems outside NATS that messages come from, go to, or are looked up in. */
  readonly systems?: readonly SystemTouch[];
  /** Subject expressions published to, each with where it is written (relative to the component). */
  readonly publishes?: readonly { readonly role: 'output' | 'duplicate'; readonly expression: string; readonly at: Path }[];
}

export interface SystemTouch {
  /** Which way messages go: in from the system, out to it, or a call during the pipeline. */
  readonly kind: 'http-in' | 'files-in' | 'http-call' | 'files-out';
  /** Where, as written: `POST /webhooks/x`, a folder, a URL. */
  readonly label: string;
  /** The name it goes by in the pipeline (an http step's binding, an output's name). */
  readonly name?: string;
}

/*
 * `C` is the kind's configuration type, derived from `configSchema` (see config-type.ts). The
 * functions taking it are properties, not methods: TypeScript checks method parameters both
 * ways, which would let a spec for one configuration pass for a spec of any other unnoticed.
 * The registry forgets `C` in one place, on purpose (registry.ts).
 */
interface ComponentSpecBase<C> {
  readonly kind: string;
  /** One line for listings. */
  readonly summary: string;
  /** Markdown paragraph for the reference docs and editor hovers. */
  readonly description: string;
  readonly configSchema: JsonSchema;
  readonly examples: readonly unknown[];
  /**
   * What the component touches, from its configuration as written (strings may hold `${VAR}`
   * references). `name` is the output's name for outputs. No footprint: it touches nothing
   * beyond the message.
   */
  readonly footprint?: (config: C, name: string) => Footprint;
}

export interface StepSpec<C = unknown> extends ComponentSpecBase<C> {
  /** True when the step replaces the body with a new document (a mapping, an EDI reader or writer), so a later schema failure is its doing. */
  readonly transformsBody?: boolean;
  readonly compile: (config: C, ctx: CompileContext) => CompiledStep | undefined;
}

/** `I` is what the kind compiles to, so the registry can name the union of every kind's input. */
export interface InputSpec<C = unknown, I extends CompiledInput = CompiledInput> extends ComponentSpecBase<C> {
  readonly compile: (config: C, ctx: CompileContext) => I | undefined;
}

export interface OutputSpec<C = unknown> extends ComponentSpecBase<C> {
  readonly compile: (name: string, config: C, ctx: CompileContext) => CompiledOutput | undefined;
}
