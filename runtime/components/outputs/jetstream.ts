/**
 * `jetstream` output: publishes the body as JSON to a subject computed from the message. The
 * message id (Nats-Msg-Id) comes from a business key, so a redelivered input, or the same
 * order sent twice by a partner, is dropped by the stream's duplicate window.
 */
import type { OutputSpec, LocatedExpression, Exchange, Emission } from '../types.ts';
import { StepFailure } from '../types.ts';
import { isPromiseLike, toExpressionError } from '../../expressions/jsonata.ts';
import { headerValue } from '../values.ts';
import { CORRELATION_ID } from '../../engine/header-names.ts';

interface JetStreamOutputConfig {
  readonly subject: string;
  readonly id?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

const VALID_SUBJECT = /^[^\s*>.]+(\.[^\s*>.]+)*$/;

export const jetstreamOutput: OutputSpec<JetStreamOutputConfig> = {
  kind: 'jetstream',
  summary: 'Publish to a JetStream subject, deduplicated by a business key.',
  description:
    'Publishes the body as JSON. `subject` and `id` are JSONata expressions over the body (quote literal ' +
    "text: `'erp.salesorders.' & channel`). Without `id`, the id is derived from the input's stream and " +
    'sequence, which still deduplicates redeliveries but not a partner sending the same document twice. ' +
    'The correlation id and the headers set by steps travel along.',
  configSchema: {
    type: 'object',
    properties: {
      subject: { type: 'string', minLength: 1, description: 'JSONata expression giving the subject.', examples: ["'erp.salesorders.' & channel"] },
      id: { type: 'string', minLength: 1, description: 'JSONata expression giving the Nats-Msg-Id (a business key).', examples: ["'shopify:' & externalId"] },
      headers: {
        type: 'object',
        description: 'Extra headers for this output only: name to JSONata expression.',
        additionalProperties: { type: 'string', minLength: 1 },
      },
    },
    required: ['subject'],
    additionalProperties: false,
  },
  examples: [{ subject: "'erp.salesorders.' & channel", id: "'shopify:' & externalId" }],
  compile(name, config, ctx) {
    const subject = ctx.expression(config.subject, ['subject']);
    const id = config.id === undefined ? undefined : ctx.expression(config.id, ['id']);
    const headers: [string, LocatedExpression][] = [];
    let ok = subject !== undefined && (config.id === undefined || id !== undefined);
    for (const [h, src] of Object.entries(config.headers ?? {})) {
      const e = ctx.expression(src, ['headers', h]);
      if (e) headers.push([h, e]);
      else ok = false;
    }
    if (!ok || !subject) return undefined;
    const pipeline = ctx.pipeline;
    return {
      name,
      kind: 'jetstream',
      prepare(ex, index) {
        const values: unknown[] = [];
        const exprs: LocatedExpression[] = [subject];
        if (id) exprs.push(id);
        for (const [, e] of headers) exprs.push(e);
        let pending: Promise<void> | undefined;
        exprs.forEach((e, i) => {
          let v: unknown;
          try {
            v = e.evaluate(ex.body, ex.bindings);
          } catch (err) {
            throw outputFailure(name, e, err);
          }
          if (isPromiseLike(v)) {
            const p = Promise.resolve(v).then(
              (r) => { values[i] = r; },
              (err: unknown) => { throw outputFailure(name, e, err); },
            );
            pending = pending ? pending.then(() => p) : p;
          } else {
            values[i] = v;
          }
        });
        const build = (): Emission => assemble(name, pipeline, ex, index, values, id !== undefined, headers);
        return pending ? pending.then(build) : build();
      },
    };
  },
};

function outputFailure(output: string, e: LocatedExpression, err: unknown): StepFailure {
  const x = toExpressionError(err);
  return new StepFailure(`output ${output}: expression failed at ${e.locate(x.position)}: ${x.code} ${x.message}`, { permanent: true, cause: err });
}

function assemble(
  output: string,
  pipeline: string,
  ex: Exchange,
  index: number,
  values: readonly unknown[],
  hasId: boolean,
  headerExprs: readonly [string, LocatedExpression][],
): Emission {
  const subject = values[0];
  if (typeof subject !== 'string' || !VALID_SUBJECT.test(subject)) {
    const hint = subject === undefined ? " (a literal subject needs quotes: 'erp.orders')" : '';
    throw new StepFailure(`output ${output}: subject expression gave ${JSON.stringify(subject) ?? 'nothing'}, not a valid subject${hint}`, { permanent: true });
  }
  let msgId: string;
  if (hasId) {
    const raw = values[1];
    if (typeof raw !== 'string' && typeof raw !== 'number') {
      throw new StepFailure(`output ${output}: id expression gave ${JSON.stringify(raw) ?? 'nothing'}; it must be a string or number`, { permanent: true, field: 'id' });
    }
    msgId = String(raw);
  } else {
    // Same input message, same output: same id, so a redelivery is deduplicated.
    msgId = `${pipeline}:${ex.meta.stream}:${ex.meta.streamSeq}:${output}:${index}`;
  }
  const headers: Record<string, string> = { ...ex.headers };
  const offset = hasId ? 2 : 1;
  headerExprs.forEach(([h], i) => {
    const s = headerValue(values[offset + i]);
    if (s !== undefined) headers[h] = s;
  });
  headers[CORRELATION_ID] = ex.correlationId;
  return { output, subject, msgId, headers, body: ex.body };
}
