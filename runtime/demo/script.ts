/**
 * A demo day: a YAML list of things that happen to a distributor, in time order — webhooks
 * from shops, API calls from a B2B portal, EDI files from suppliers, warehouse messages — each
 * naming a payload file. Validated like every other Crossdock YAML file.
 */
import { readFileSync } from 'node:fs';
import { Diagnostics } from '../config/diagnostics.ts';
import { parseYamlSource } from '../config/yaml-source.ts';
import { processEnv } from '../config/env.ts';
import { checkShape } from '../compile/shape.ts';
import type { JsonSchema } from '../config/json-schema.ts';

export type DemoAction =
  | { readonly webhook: { readonly path: string; readonly topic?: string; readonly body: string; readonly set?: Record<string, unknown>; readonly id?: string; readonly apiKey?: string } }
  | { readonly publish: { readonly subject: string; readonly body: string; readonly set?: Record<string, unknown>; readonly each?: boolean } }
  | { readonly file: { readonly drop: string; readonly from: string; readonly name?: string } };

export type DemoEvent = { readonly at: string; readonly say?: string } & DemoAction;

export interface DemoScript {
  readonly title: string;
  readonly events: readonly DemoEvent[];
}

const payload: JsonSchema = { type: 'string', minLength: 1, description: 'A payload file, relative to the script.' };
const setFields: JsonSchema = { type: 'object', description: 'Top-level fields to override in a JSON payload (e.g. a fresh order id).' };

export const demoScriptSchema: JsonSchema = {
  type: 'object',
  properties: {
    title: { type: 'string' },
    events: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        properties: {
          at: { type: 'string', pattern: '^([01]\\d|2[0-3]):[0-5]\\d$', description: 'Time of day, HH:MM.' },
          say: { type: 'string' },
          webhook: {
            type: 'object',
            properties: { path: { type: 'string' }, topic: { type: 'string' }, body: payload, set: setFields, id: { type: 'string' }, apiKey: { type: 'string' } },
            required: ['path', 'body'],
            additionalProperties: false,
          },
          publish: {
            type: 'object',
            properties: { subject: { type: 'string' }, body: payload, set: setFields, each: { type: 'boolean', description: 'The file holds a JSON list: publish one message per item (e.g. a stock snapshot).' } },
            required: ['subject', 'body'],
            additionalProperties: false,
          },
          file: { type: 'object', properties: { drop: { type: 'string', description: 'Drop folder.' }, from: payload, name: { type: 'string' } }, required: ['drop', 'from'], additionalProperties: false },
        },
        required: ['at'],
        minProperties: 2,
        additionalProperties: false,
      },
    },
  },
  required: ['title', 'events'],
  additionalProperties: false,
};

export function loadDemoScript(file: string, diags: Diagnostics): DemoScript | undefined {
  const source = parseYamlSource(file, readFileSync(file, 'utf8'), diags, processEnv);
  if (!source || !checkShape(source, demoScriptSchema, source.value, [], diags, 'demo script')) return undefined;
  const script = source.value as DemoScript;
  script.events.forEach((e, i) => {
    const actions = ['webhook', 'publish', 'file'].filter((k) => k in e);
    if (actions.length !== 1) diags.error(file, source.locate(['events', i]), 'demo-action', `an event does exactly one of webhook, publish, file (found ${actions.join(', ') || 'none'})`);
  });
  return diags.hasErrors ? undefined : script;
}

export function minutesOf(at: string): number {
  const [h, m] = at.split(':').map(Number);
  return (h as number) * 60 + (m as number);
}
