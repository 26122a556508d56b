/**
 * The hand-written baselines of the runner benchmark, run as a process of their own (as
 * `crossdock run` is), so that no variant shares an event loop with the benchmark's publishing
 * and polling: `node --import tsx hand-loop.ts NATS_URL raw|handwritten|handwritten-js`.
 * Prints `ready ENGINE` (the mapping's expression engine, `-` for raw) once its consumer is
 * bound; runs until SIGTERM.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { AckPolicy, jetstream, jetstreamManager, type JsMsg } from '@nats-io/jetstream';
import { compileExpression, isPromiseLike } from '../../runtime/expressions/jsonata.ts';
import { SchemaCatalog } from '../../runtime/compile/schemas.ts';
import type { SchemaValidator } from '../../runtime/components/schema-validator.ts';
import { handWritten } from './handwritten/index.ts';
import { REPO } from '../support/project.ts';

const IN_SUBJECT = 'channel.shopify.orders.created';
const OUT_SUBJECT = 'erp.salesorders.shopify';
const enc = new TextEncoder();
const dec = new TextDecoder();

export type HandVariant = 'raw' | 'handwritten' | 'handwritten-js';

type Work = (data: Uint8Array) => Promise<{ body: Uint8Array; id: string }> | { body: Uint8Array; id: string };

/** The hand-written loop: pull in batches, many publishes in flight, ack after the publish ack. */
async function handLoop(nc: NatsConnection, work: Work, inFlight: number): Promise<{ stop(): void; finished: Promise<void> }> {
  const js = jetstream(nc);
  const jsm = await jetstreamManager(nc);
  await jsm.consumers.add('CHANNELS', { durable_name: 'bench', ack_policy: AckPolicy.Explicit, filter_subject: IN_SUBJECT, max_ack_pending: inFlight * 2 });
  const consumer = await js.consumers.get('CHANNELS', 'bench');
  const messages = await consumer.consume({ max_messages: inFlight });
  let active = 0;
  let wake: (() => void) | undefined;
  const handle = async (m: JsMsg): Promise<void> => {
    try {
      const r = work(m.data);
      const { body, id } = isPromiseLike(r) ? await r : r;
      await js.publish(OUT_SUBJECT, body, { msgID: id, headers: m.headers });
      m.ack();
    } catch {
      m.nak();
    } finally {
      active--;
      wake?.();
    }
  };
  const finished = (async () => {
    for await (const m of messages) {
      while (active >= inFlight) await new Promise<void>((r) => (wake = r));
      active++;
      void handle(m);
    }
  })();
  return { stop: () => messages.stop(), finished };
}

/**
 * The pipeline's business work, written by hand around the same compiled expressions and
 * validators: parse, validate, map, validate, the two header values, subject and id, serialize.
 */
async function handWrittenWork(jsMapping = false): Promise<{ work: Work; engine: string }> {
  const compiled = compileExpression(readFileSync(join(REPO, 'mappings/shopify/order-to-sales-order.jsonata'), 'utf8'));
  const byHand = handWritten.get('shopify/order-to-sales-order.jsonata');
  if (!byHand) throw new Error('no hand-written Shopify order mapping');
  const mapping = jsMapping ? { evaluate: (input: unknown): unknown => byHand(input, {}), engine: 'hand-written JavaScript' } : compiled;
  const subject = compileExpression("'erp.salesorders.' & channel");
  const id = compileExpression("'shopify:' & externalId");
  const channel = compileExpression('channel');
  const number = compileExpression('orderNumber');
  const catalog = new SchemaCatalog(join(REPO, 'schemas'));
  const partner = catalog.get('partners/shopify/order.schema.json') as SchemaValidator;
  const canonical = catalog.get('canonical/sales-order.schema.json') as SchemaValidator;
  const value = async (e: { evaluate(i: unknown): unknown }, input: unknown): Promise<unknown> => {
    const v = e.evaluate(input);
    return isPromiseLike(v) ? await v : v;
  };
  const work: Work = async (data) => {
    const input = JSON.parse(dec.decode(data)) as unknown;
    if (partner.validate(input)) throw new Error('invalid');
    const out = await value(mapping, input);
    if (canonical.validate(out)) throw new Error('invalid');
    const [s, i] = await Promise.all([value(subject, out), value(id, out), value(channel, out), value(number, out)]);
    if (s !== OUT_SUBJECT) throw new Error('unexpected subject');
    return { body: enc.encode(JSON.stringify(out)), id: String(i) };
  };
  return { work, engine: mapping.engine };
}

async function main(url: string, variant: HandVariant): Promise<void> {
  const nc = await connect({ servers: url, noAsyncTraces: true });
  const { work, engine } = variant === 'raw' ? { work: ((d) => ({ body: d, id: `raw-${Math.random()}` })) as Work, engine: '-' } : await handWrittenWork(variant === 'handwritten-js');
  const loop = await handLoop(nc, work, 512);
  process.stdout.write(`ready ${engine}\n`);
  process.once('SIGTERM', () => {
    loop.stop();
    void loop.finished.then(() => nc.close()).then(() => process.exit(0));
  });
}

const [url, variant] = process.argv.slice(2);
if (url && variant) await main(url, variant as HandVariant);
