/**
 * `x12-read`: an X12 file (the body, as text) to its documents. The body becomes
 * `{ source, documents, errors, warnings, acks }`: `documents` holds the accepted transaction
 * sets (type, control numbers, sender/receiver, the typed document), `errors` every envelope or
 * syntax problem (each naming file and segment), and `acks` one X12 text per interchange with
 * its 997 (and TA1 when the interchange itself is refused). The step does not fail on a
 * partner's errors — they are the partner's to hear about through the 997 — so a pipeline can
 * route them; pair it with `reject` to dead-letter a file nothing could be read from.
 */
import type { StepSpec } from '../types.ts';
import { StepFailure } from '../types.ts';
import { functionalAck, readInterchanges, writeFunctionalAck, type X12Error } from '../../edi/x12/index.ts';
import { controlNumbersFrom } from './x12-control.ts';
import type { JsonSchema } from '../../config/json-schema.ts';
import type { ConfigOf } from '../config-type.ts';

const configSchema = {
  type: 'object',
  properties: {
    ack: { type: 'boolean', default: true, description: 'Produce 997 acknowledgments in `acks`.', examples: [true] },
    source: { type: 'string', description: 'JSONata naming the file in messages (default: the X-File-Name header).', examples: ["$headers.'X-File-Name'"] },
  },
  additionalProperties: false,
} as const satisfies JsonSchema;

type X12ReadConfig = ConfigOf<typeof configSchema>;

export const x12ReadStep: StepSpec<X12ReadConfig> = {
  kind: 'x12-read',
  transformsBody: true,
  summary: 'Read an X12 interchange file into its documents, errors and 997 acknowledgments.',
  description:
    'Reads every interchange in the body (text; any delimiters, with or without newlines) and replaces the body with ' +
    '`{source, interchanges, documents, errors, warnings, acks}`. Each document carries `partner` (the sender as a subject ' +
    'token), `type` (850, 855, 856, 810, 846, 940, 945), `controlNumber`, `interchange`, `group`, `sender`, `receiver` and the ' +
    'typed `document`; each ack `{partner, respondsTo, text}`. Envelope errors (bad ISA, ' +
    'count or control-number mismatch) name the file and segment and produce a 997/TA1 rejection in `acks`. ' +
    'The 997 control numbers derive from the input message, so a redelivery writes the same acknowledgment.',
  configSchema,
  examples: [{}],
  compile(config, ctx) {
    const sourceExpr = config.source === undefined ? undefined : ctx.expression(config.source, ['source']);
    if (config.source !== undefined && !sourceExpr) return undefined;
    const wantAck = config.ack ?? true;
    return {
      label: 'x12-read',
      run(ex) {
        if (typeof ex.body !== 'string') throw new StepFailure('x12-read needs a text body (give the input `format: text`)', { permanent: true });
        const named = sourceExpr ? sourceExpr.evaluate(ex.body, ex.bindings) : undefined;
        if (named !== undefined && typeof named !== 'string') throw new StepFailure('x12-read: source expression must give text', { permanent: true });
        const source = named ?? ex.headers['X-File-Name'] ?? ex.meta.subject;
        const read = readInterchanges(ex.body, { source });
        const numbers = controlNumbersFrom(ex.meta.streamSeq || hash(ex.meta.key));
        const acks = wantAck
          ? functionalAck(read).map((a) => ({
              partner: partnerSlug(a.respondsTo.sender.id),
              respondsTo: a.respondsTo.controlNumber,
              text: writeFunctionalAck(a, { controlNumbers: numbers(), at: new Date(ex.meta.receivedAt) }).text,
            }))
          : [];
        ex.body = {
          source,
          interchanges: read.interchanges.map((i) => ({
            controlNumber: i.envelope.controlNumber,
            sender: i.envelope.sender.id.trim(),
            receiver: i.envelope.receiver.id.trim(),
            partner: partnerSlug(i.envelope.sender.id),
            status: i.status,
            test: i.envelope.test,
          })),
          documents: read.documents.map((d) => ({
            partner: partnerSlug(d.trace.sender),
            type: d.type,
            controlNumber: d.controlNumber,
            interchange: d.trace.interchangeControlNumber,
            group: d.trace.groupControlNumber,
            sender: d.trace.sender,
            receiver: d.trace.receiver,
            document: d.document,
          })),
          errors: read.errors.map(describe),
          warnings: read.warnings.map(describe),
          acks,
        };
      },
    };
  },
};

/** A partner id as a subject token: `ACME CORP  ` → `acme-corp`. */
export function partnerSlug(id: string): string {
  return id.trim().toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'unknown';
}

function describe(e: X12Error): { code: string; message: string; segment?: string } {
  return { code: e.code, message: e.message, ...(e.segment ? { segment: `${e.segment.position} (${e.segment.tag})` } : {}) };
}

/** A stable number for a message without a stream sequence (an HTTP or file input). */
function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619) >>> 0;
  return h;
}
