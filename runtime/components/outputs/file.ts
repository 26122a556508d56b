/**
 * `file` output: writes the body to a file in an outbox folder (for an SFTP server to send to a
 * partner, or a batch system to pick up). The file appears whole: it is written under a
 * temporary name and renamed. Writing the same name again (a redelivery) replaces it with the
 * same content.
 */
import { join } from 'node:path';
import type { OutputSpec } from '../types.ts';
import { StepFailure } from '../types.ts';
import { isPromiseLike, toExpressionError } from '../../expressions/jsonata.ts';
import { CORRELATION_ID } from '../header-names.ts';
import type { JsonSchema } from '../../config/json-schema.ts';
import type { ConfigOf } from '../config-type.ts';

const SAFE_NAME = /^[A-Za-z0-9._-]+$/;

const configSchema = {
  type: 'object',
  properties: {
    dir: { type: 'string', minLength: 1, description: 'Outbox folder (created if missing); usually `${EDI_OUTBOX}`.', examples: ['${EDI_OUTBOX:-.crossdock/edi/outbox}'] },
    name: { type: 'string', minLength: 1, description: 'JSONata expression giving the file name.', examples: ["'PO_' & $meta.streamSeq & '.edi'"] },
    body: { type: 'string', description: 'JSONata expression giving the content (default: the body).', examples: ['text'] },
  },
  required: ['dir', 'name'],
  additionalProperties: false,
} as const satisfies JsonSchema;

type FileOutputConfig = ConfigOf<typeof configSchema>;

export const fileOutput: OutputSpec<FileOutputConfig> = {
  kind: 'file',
  footprint: (config, name) => ({ systems: [{ kind: 'files-out', label: config.dir, name }] }),
  summary: 'Write the body to a file in an outbox folder.',
  description:
    'Writes the body (text as it is, anything else as JSON) to `dir`/`name`, atomically (temporary name, then rename). ' +
    '`name` is a JSONata expression and must give a plain file name (letters, digits, `.`, `_`, `-`).',
  configSchema,
  examples: [{ dir: '${EDI_OUTBOX:-.crossdock/outbox}', name: "'850_' & $meta.streamSeq & '.edi'" }],
  compile(output, config, ctx) {
    const name = ctx.expression(config.name, ['name']);
    const body = config.body === undefined ? undefined : ctx.expression(config.body, ['body']);
    if (!name || (config.body !== undefined && !body)) return undefined;
    return {
      name: output,
      kind: 'file',
      prepare(ex) {
        const values = [name, ...(body ? [body] : [])].map((e) => {
          try {
            return e.evaluate(ex.body, ex.bindings);
          } catch (err) {
            const x = toExpressionError(err);
            throw new StepFailure(`output ${output}: expression failed at ${e.locate(x.position)}: ${x.code} ${x.message}`, { permanent: true });
          }
        });
        const build = ([n, b]: unknown[]): { output: string; subject: string; msgId: string; headers: Record<string, string>; body: unknown; target: { kind: 'file'; path: string } } => {
          if (typeof n !== 'string' || !SAFE_NAME.test(n)) {
            throw new StepFailure(`output ${output}: name expression gave ${JSON.stringify(n) ?? 'nothing'}, not a plain file name`, { permanent: true });
          }
          const path = join(config.dir, n);
          return { output, subject: `file:${path}`, msgId: path, headers: { [CORRELATION_ID]: ex.correlationId }, body: body ? b : ex.body, target: { kind: 'file', path } };
        };
        return values.some(isPromiseLike) ? Promise.all(values).then(build) : build(values);
      },
    };
  },
};
