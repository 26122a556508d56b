/** `headers`: sets message headers (carried to every output) from JSONata expressions. */
import type { StepSpec, LocatedExpression, Exchange, StepResult } from '../types.ts';
import { isPromiseLike } from '../../expressions/jsonata.ts';
import { headerValue } from '../values.ts';
import { expressionFailure } from './expression-failure.ts';
import type { JsonSchema } from '../../config/json-schema.ts';
import type { ConfigOf } from '../config-type.ts';

const HEADER_NAME = '^[!#$%&\'*+\\-.^_`|~0-9A-Za-z]+$';
const RESERVED = /^(nats-|crossdock-)/i;

const configSchema = {
  type: 'object',
  minProperties: 1,
  propertyNames: { pattern: HEADER_NAME },
  additionalProperties: { type: 'string', minLength: 1, description: 'A JSONata expression.' },
} as const satisfies JsonSchema;

type HeadersConfig = ConfigOf<typeof configSchema>;

export const headersStep: StepSpec<HeadersConfig> = {
  kind: 'headers',
  summary: 'Set headers from JSONata expressions.',
  description:
    'Each entry names a header and gives a JSONata expression for its value, evaluated against the body. ' +
    'Strings are used as they are; numbers and booleans as text; objects as JSON. A value that is ' +
    'undefined leaves the header unset. Headers reach every output. `Nats-*` and `Crossdock-*` headers are reserved.',
  configSchema,
  examples: [{ 'X-Channel': 'channel', 'X-Order-Number': "'SO-' & externalId" }],
  compile(config, ctx) {
    const entries: [string, LocatedExpression][] = [];
    let ok = true;
    for (const [name, source] of Object.entries(config)) {
      if (RESERVED.test(name)) {
        ctx.error(`header '${name}' is reserved (Nats-* and Crossdock-* are set by the runner)`, [name], 'header-reserved');
        ok = false;
        continue;
      }
      const expr = ctx.expression(source, [name]);
      if (!expr) ok = false;
      else entries.push([name, expr]);
    }
    if (!ok) return undefined;
    return {
      label: `headers ${entries.map(([n]) => n).join(', ')}`,
      run(ex) {
        return setFrom(entries, 0, ex);
      },
    };
  },
};

function setFrom(entries: readonly [string, LocatedExpression][], start: number, ex: Exchange): StepResult | Promise<StepResult> {
  for (let i = start; i < entries.length; i++) {
    const [name, expr] = entries[i] as [string, LocatedExpression];
    let v: unknown;
    try {
      v = expr.evaluate(ex.body, ex.bindings);
    } catch (err) {
      throw expressionFailure(`header ${name}`, expr, err);
    }
    if (isPromiseLike(v)) {
      return Promise.resolve(v).then(
        (r) => {
          assign(ex, name, r);
          return setFrom(entries, i + 1, ex);
        },
        (err: unknown) => {
          throw expressionFailure(`header ${name}`, expr, err);
        },
      );
    }
    assign(ex, name, v);
  }
  return undefined;
}

function assign(ex: Exchange, name: string, value: unknown): void {
  const s = headerValue(value);
  if (s === undefined) delete ex.headers[name];
  else ex.headers[name] = s;
}
