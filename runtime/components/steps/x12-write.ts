/**
 * `x12-write`: a typed document (or a list of them, in the shapes `x12-read` produces) to an X12
 * interchange as text, with correct ISA/GS/ST envelopes, counts and control numbers. A document
 * X12 cannot carry (a value with a delimiter in it, a missing mandatory element) is a permanent
 * failure naming the field, never a file a partner would reject.
 */
import type { StepSpec } from '../types.ts';
import { StepFailure } from '../types.ts';
import { X12WriteError, writeInterchange, type WritableDocument } from '../../edi/x12/index.ts';
import { isPromiseLike } from '../../expressions/jsonata.ts';
import { expressionFailure } from './expression-failure.ts';
import { controlNumbersFrom } from './x12-control.ts';
import type { JsonSchema } from '../../config/json-schema.ts';
import type { ConfigOf } from '../config-type.ts';

const ID = {
  type: 'object',
  properties: {
    qualifier: { type: 'string', default: 'ZZ', maxLength: 2, description: 'ISA interchange id qualifier (ISA05/ISA07): ZZ mutually defined, 01 DUNS, 12 phone, 08 UCC.', examples: ['ZZ'] },
    id: { type: 'string', minLength: 1, description: 'ISA interchange id (ISA06/ISA08), up to 15 characters.', examples: ['${EDI_SENDER_ID}'] },
  },
  required: ['id'],
  additionalProperties: false,
} as const;

const configSchema = {
  type: 'object',
  properties: {
    sender: { ...ID, description: 'Our interchange id (literal).', examples: [{ qualifier: 'ZZ', id: '${EDI_SENDER_ID}' }] },
    receiver: { ...ID, description: 'The partner: `id` is a JSONata expression over the body.', examples: [{ qualifier: 'ZZ', id: 'supplier.partnerId' }] },
    usage: { type: 'string', enum: ['production', 'test'], default: 'production', description: 'ISA15: `production` (P) or `test` (T); partners keep test interchanges apart.', examples: ['production'] },
    controlNumber: { type: 'string', description: 'JSONata giving a number for the control numbers (default `$meta.streamSeq`).', examples: ['$meta.streamSeq'] },
  },
  required: ['sender', 'receiver'],
  additionalProperties: false,
} as const satisfies JsonSchema;

type X12WriteConfig = ConfigOf<typeof configSchema>;

export const x12WriteStep: StepSpec<X12WriteConfig> = {
  kind: 'x12-write',
  transformsBody: true,
  summary: 'Write typed documents as an X12 interchange (text).',
  description:
    'Turns the body — one typed document or a list (850, 855, 856, 810, 846, 940, 945) — into an X12 4010 interchange. ' +
    '`sender.id` is a literal (your ISA id, usually `${EDI_SENDER_ID}`); `receiver.id` is a JSONata expression over the ' +
    'body (the partner). Control numbers derive from `controlNumber` (JSONata, default the input stream sequence), so a ' +
    'redelivered message writes an identical envelope.',
  configSchema,
  examples: [{ sender: { qualifier: 'ZZ', id: '${EDI_SENDER_ID}' }, receiver: { qualifier: 'ZZ', id: 'supplier.ediId' } }],
  compile(config, ctx) {
    const receiverId = ctx.expression(config.receiver.id, ['receiver', 'id']);
    const control = config.controlNumber === undefined ? undefined : ctx.expression(config.controlNumber, ['controlNumber']);
    if (!receiverId || (config.controlNumber !== undefined && !control)) return undefined;
    return {
      label: 'x12-write',
      run(ex) {
        const ev = (e: typeof receiverId, what: string): unknown => {
          try {
            const v = e.evaluate(ex.body, ex.bindings);
            if (isPromiseLike(v)) throw new StepFailure(`x12-write: ${what} must be a compiled expression`, { permanent: true });
            return v;
          } catch (err) {
            throw expressionFailure(`x12-write ${what}`, e, err);
          }
        };
        const receiver = ev(receiverId, 'receiver id');
        if (typeof receiver !== 'string' || receiver === '') throw new StepFailure('x12-write: receiver id expression gave no text', { permanent: true, field: 'receiver' });
        const seq = control ? Number(ev(control, 'controlNumber')) : ex.meta.streamSeq;
        if (!Number.isFinite(seq)) throw new StepFailure('x12-write: controlNumber expression gave no number', { permanent: true });
        const docs = (Array.isArray(ex.body) ? ex.body : [ex.body]) as WritableDocument[];
        try {
          ex.body = writeInterchange(docs, {
            sender: { qualifier: config.sender.qualifier ?? 'ZZ', id: config.sender.id },
            receiver: { qualifier: config.receiver.qualifier ?? 'ZZ', id: receiver },
            controlNumbers: controlNumbersFrom(seq)(),
            at: new Date(ex.meta.receivedAt),
            usage: config.usage ?? 'production',
          }).text;
        } catch (err) {
          if (err instanceof X12WriteError) throw new StepFailure(`x12-write: ${err.message}`, { permanent: true, cause: err });
          throw err;
        }
      },
    };
  },
};
