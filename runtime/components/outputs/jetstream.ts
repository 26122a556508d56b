/**
 * `jetstream` output: publishes the body as JSON to a subject computed from the message. The
 * message id (Nats-Msg-Id) comes from a business key, so a redelivered input, or the same
 * order sent twice by a partner, is dropped by the stream's duplicate window.
 */
import type { OutputSpec, LocatedExpression, Exchange, Emission, DegenerateId } from '../types.ts';
import { StepFailure } from '../types.ts';
import { isPromiseLike, toExpressionError } from '../../expressions/jsonata.ts';
import { headerValue } from '../values.ts';
import { CORRELATION_ID, EXCEPTION, PRODUCED_BY, SOURCE_KEY, TRACE_KEYS } from '../header-names.ts';
import { writeTraceKeys } from '../trace-keys-header.ts';
import { degenerate, degenerateReason, idShape, missingHeaders, type IdShape } from './message-id.ts';
import type { JsonSchema } from '../../config/json-schema.ts';
import type { ConfigOf } from '../config-type.ts';

const VALID_SUBJECT = /^[^\s*>.]+(\.[^\s*>.]+)*$/;

const configSchema = {
  type: 'object',
  properties: {
    subject: { type: 'string', minLength: 1, description: 'JSONata expression giving the subject.', examples: ["'erp.salesorders.' & channel"] },
    id: { type: 'string', minLength: 1, description: "JSONata expression giving the Nats-Msg-Id (a business key). An id that gives nothing, an empty string or only its literal text (`'shopify:' & externalId` without `externalId`) would be shared by unrelated messages: the message is dead-lettered instead.", examples: ["'shopify:' & externalId"] },
    headers: {
      type: 'object',
      description: 'Extra headers for this output only: name to JSONata expression.',
      additionalProperties: { type: 'string', minLength: 1 },
      examples: [{ 'X-Partner': 'partner' }],
    },
    each: {
      type: 'string',
      minLength: 1,
      description: 'JSONata expression giving a list: one message per item, with subject, id, headers and body evaluated against the item (`$parent` is the whole body). Splits an EDI file into its documents.',
      examples: ['documents'],
    },
    body: { type: 'string', minLength: 1, description: 'JSONata expression giving the payload (default: the body, or the item with `each`). A string is sent as text, anything else as JSON.', examples: ['ack'] },
    duplicate: {
      type: 'string',
      minLength: 1,
      description:
        'JSONata expression giving a subject for business duplicates: when the stream already holds this message id (the same order sent twice, within the stream\'s duplicate window), an exception `{type: "duplicate", reason, documents}` is published there instead of a second copy. Our own repeats are not reported: a redelivery after a crash or a failover, or a partner retrying the same delivery id, finds the stored copy made from the same inbound message (its `Crossdock-Source-Key` header).',
      examples: ["'exceptions.duplicate-order.' & channel"],
    },
    documentType: {
      type: 'string',
      pattern: '^[A-Za-z][A-Za-z0-9]*$',
      description:
        'The canonical document type this output carries (e.g. `SalesOrder`). A business duplicate names it in its `Crossdock-Document-Type` header, beside `Crossdock-Channel` (the body\'s `channel`, else the `X-Channel` header) and `Crossdock-Raised-By`, which the exceptions workbench shows and filters by.',
      examples: ['SalesOrder'],
    },
  },
  required: ['subject'],
  additionalProperties: false,
} as const satisfies JsonSchema;

type JetStreamOutputConfig = ConfigOf<typeof configSchema>;

export const jetstreamOutput: OutputSpec<JetStreamOutputConfig> = {
  kind: 'jetstream',
  footprint: (config) => ({
    publishes: [
      { role: 'output', expression: config.subject, at: ['subject'] },
      ...(config.duplicate === undefined ? [] : [{ role: 'duplicate' as const, expression: config.duplicate, at: ['duplicate'] }]),
    ],
  }),
  summary: 'Publish to a JetStream subject, deduplicated by a business key.',
  description:
    'Publishes the body as JSON. `subject` and `id` are JSONata expressions over the body (quote literal ' +
    "text: `'erp.salesorders.' & channel`). Without `id`, the id is derived from the input's stream and " +
    'sequence, which still deduplicates redeliveries but not a partner sending the same document twice. ' +
    'The correlation id and the headers set by steps travel along.',
  configSchema,
  examples: [{ subject: "'erp.salesorders.' & channel", id: "'shopify:' & externalId" }],
  compile(name, config, ctx) {
    const subject = ctx.expression(config.subject, ['subject']);
    const id = config.id === undefined ? undefined : ctx.expression(config.id, ['id']);
    const each = config.each === undefined ? undefined : ctx.expression(config.each, ['each']);
    const body = config.body === undefined ? undefined : ctx.expression(config.body, ['body']);
    const duplicate = config.duplicate === undefined ? undefined : ctx.expression(config.duplicate, ['duplicate']);
    const headers: [string, LocatedExpression][] = [];
    let ok = subject !== undefined && (config.id === undefined || id !== undefined) && (config.each === undefined || each !== undefined) && (config.body === undefined || body !== undefined) && (config.duplicate === undefined || duplicate !== undefined);
    for (const [h, src] of Object.entries(config.headers ?? {})) {
      const e = ctx.expression(src, ['headers', h]);
      if (e) headers.push([h, e]);
      else ok = false;
    }
    if (!ok || !subject) return undefined;
    // Worked out once here, so each message's id is checked with a string comparison.
    const shape = id ? idShape(id.source) : undefined;
    const plan: OutputPlan = { name, pipeline: ctx.pipeline, subject, id, idShape: shape, body, duplicate, headers, traceKeys: ctx.traceKeys ?? [], ...(config.documentType ? { documentType: config.documentType } : {}) };
    return {
      name,
      kind: 'jetstream',
      prepare(ex, index) {
        if (!each) return prepareOne(plan, ex, ex.body, ex.bindings, index);
        const list = evaluate(name, each, ex.body, ex.bindings);
        const fan = (items: unknown): Emission[] | Promise<Emission[]> => {
          const arr = items === undefined ? [] : Array.isArray(items) ? items : [items];
          const bindings = { ...ex.bindings, parent: ex.body };
          const out = arr.map((item, i) => prepareOne(plan, ex, item, bindings, i));
          return out.some(isPromiseLike) ? Promise.all(out) : (out as Emission[]);
        };
        return isPromiseLike(list) ? Promise.resolve(list).then(fan) : fan(list);
      },
    };
  },
};

interface OutputPlan {
  readonly name: string;
  readonly pipeline: string;
  readonly subject: LocatedExpression;
  readonly id: LocatedExpression | undefined;
  readonly idShape: IdShape | undefined;
  readonly body: LocatedExpression | undefined;
  readonly duplicate: LocatedExpression | undefined;
  readonly headers: readonly [string, LocatedExpression][];
  readonly documentType?: string;
  readonly traceKeys: readonly string[];
}

function evaluate(output: string, e: LocatedExpression, input: unknown, bindings: Record<string, unknown>): unknown {
  try {
    const v = e.evaluate(input, bindings);
    return isPromiseLike(v) ? Promise.resolve(v).catch((err: unknown) => { throw outputFailure(output, e, err); }) : v;
  } catch (err) {
    throw outputFailure(output, e, err);
  }
}

/** Evaluates subject, id, body and headers for one message; synchronous when every expression is. */
function prepareOne(plan: OutputPlan, ex: Exchange, input: unknown, bindings: Record<string, unknown>, index: number): Emission | Promise<Emission> {
  const exprs: LocatedExpression[] = [plan.subject];
  if (plan.id) exprs.push(plan.id);
  if (plan.body) exprs.push(plan.body);
  // Only a first delivery can be a business duplicate; a redelivery repeats our own publish.
  const reportDuplicates = plan.duplicate !== undefined && ex.meta.deliveryCount === 1;
  if (reportDuplicates && plan.duplicate) exprs.push(plan.duplicate);
  for (const [, e] of plan.headers) exprs.push(e);
  const values = exprs.map((e) => evaluate(plan.name, e, input, bindings));
  const build = (v: readonly unknown[]): Emission => assemble(plan, ex, input, bindings, index, v, reportDuplicates);
  return values.some(isPromiseLike) ? Promise.all(values).then(build) : build(values);
}

function outputFailure(output: string, e: LocatedExpression, err: unknown): StepFailure {
  const x = toExpressionError(err);
  return new StepFailure(`output ${output}: expression failed at ${e.locate(x.position)}: ${x.code} ${x.message}`, { permanent: true, cause: err });
}

function assemble(plan: OutputPlan, ex: Exchange, input: unknown, bindings: Record<string, unknown>, index: number, values: readonly unknown[], reportDuplicates: boolean): Emission {
  const output = plan.name;
  const subject = values[0];
  if (typeof subject !== 'string' || !VALID_SUBJECT.test(subject)) {
    const hint = subject === undefined ? " (a literal subject needs quotes: 'erp.orders')" : '';
    throw new StepFailure(`output ${output}: subject expression gave ${JSON.stringify(subject) ?? 'nothing'}, not a valid subject${hint}`, { permanent: true });
  }
  let at = 1;
  let msgId: string;
  if (plan.id && plan.idShape) {
    const raw = values[at++];
    const wrong = degenerate(raw, plan.idShape);
    if (wrong === 'not-a-key') {
      throw new StepFailure(`output ${output}: id expression gave ${JSON.stringify(raw)}; it must be a string or number`, { permanent: true, field: 'id' });
    }
    if (wrong) throw degenerateIdFailure(plan, plan.id, plan.idShape, wrong, bindings);
    msgId = String(raw);
  } else {
    // Same input message, same output: same id, so a redelivery is deduplicated.
    msgId = `${plan.pipeline}:${ex.meta.key}:${output}:${index}`;
  }
  let body = input;
  if (plan.body) {
    body = values[at++];
    if (body === undefined) throw new StepFailure(`output ${output}: body expression gave nothing`, { permanent: true });
  }
  let onDuplicate: Emission['onDuplicate'];
  if (reportDuplicates) {
    const dupSubject = values[at++];
    if (typeof dupSubject !== 'string' || !VALID_SUBJECT.test(dupSubject)) {
      throw new StepFailure(`output ${output}: duplicate expression gave ${JSON.stringify(dupSubject) ?? 'nothing'}, not a valid subject`, { permanent: true });
    }
    onDuplicate = {
      subject: dupSubject,
      msgId: `duplicate:${msgId}:${ex.meta.key}`,
      body: { type: 'duplicate', reason: `${subject} already holds message ${msgId}; this copy (${ex.meta.subject}, ${ex.meta.key}) was not posted again`, messageId: msgId, documents: [body] },
      headers: duplicateHeaders(plan, ex, body),
    };
  }
  const headers: Record<string, string> = { ...ex.headers };
  for (const [h] of plan.headers) {
    const s = headerValue(values[at++]);
    if (s !== undefined) headers[h] = s;
  }
  headers[CORRELATION_ID] = ex.correlationId;
  headers[SOURCE_KEY] = ex.meta.key;
  headers[PRODUCED_BY] = plan.pipeline;
  const keys = writeTraceKeys(keyedBody(body, ex.original), plan.traceKeys);
  if (keys !== undefined) headers[TRACE_KEYS] = keys;
  else delete headers[TRACE_KEYS];
  const verbatim = !plan.body && body === ex.original && typeof body === 'object' && body !== null;
  return { output, subject, msgId, headers, body, ...(verbatim ? { data: ex.raw } : {}), ...(onDuplicate ? { onDuplicate } : {}) };
}

/**
 * The document whose business keys an output names. A body that is no JSON object (an X12
 * interchange x12-write made from a canonical invoice or purchase order) carries its keys
 * only in text the index will not parse, so the output names those of the message it was made
 * from: the 810 to a retailer is then found by the invoice and PO numbers, like the invoice.
 */
function keyedBody(body: unknown, original: unknown): unknown {
  return typeof body === 'object' && body !== null ? body : original;
}

/** What the exceptions workbench filters a business duplicate by, where the output knows it. */
function duplicateHeaders(plan: OutputPlan, ex: Exchange, body: unknown): Record<string, string> {
  const fromBody = body !== null && typeof body === 'object' ? (body as { channel?: unknown }).channel : undefined;
  const channel = typeof fromBody === 'string' && fromBody !== '' ? fromBody : ex.headers['X-Channel'];
  return {
    [EXCEPTION.raisedBy]: `pipeline:${plan.pipeline}`,
    ...(channel ? { [EXCEPTION.channel]: channel } : {}),
    ...(plan.documentType ? { [EXCEPTION.documentType]: plan.documentType } : {}),
  };
}


function degenerateIdFailure(plan: OutputPlan, id: LocatedExpression, shape: IdShape, gave: DegenerateId['gave'], bindings: Record<string, unknown>): StepFailure {
  const d: DegenerateId = {
    output: plan.name,
    expression: id.source,
    gave,
    ...(gave === 'literal-only' ? { literalsOnly: shape.literalsOnly ?? '' } : {}),
    missingHeaders: missingHeaders(shape, bindings.headers),
  };
  return new StepFailure(degenerateReason(d, id.locate()), { permanent: true, field: 'id', degenerateId: d });
}
