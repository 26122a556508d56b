/**
 * The shipped Shopify order flow (availability and reservation included) on R3 streams, and
 * the invariants the cluster tests check after a node dies: every order on the ERP stream
 * once, no unit reserved twice, and every runner's view giving the same answers.
 */
import { parseDocument, type YAMLMap } from 'yaml';
import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import { repoFile, tempProject, type TempProject } from './project.ts';
import { orderId } from './orders.ts';

/**
 * Orders of the leader-kill scenario from CROSSDOCK_CLUSTER_ORDERS: unset, `fallback` (sized
 * for a 2-core CI machine); the 20,000 is a run of its own.
 */
export function clusterOrders(value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 100) throw new Error(`CROSSDOCK_CLUSTER_ORDERS must be a whole number of orders, at least 100; got '${value}'`);
  return n;
}

/** The SKUs of the corpus order; each order takes one unit of each, all or none. */
export const SKUS = ['IPOD2008GREEN', 'IPOD2008RED', 'IPOD2008BLACK'] as const;
export const LOCATION = 'DC-EAST';
/** The shipped policy's safety stock at DC-EAST: never promised, so never reserved. */
export const SAFETY_STOCK = 2;
export const API_KEY = 'cluster-test-key';

/**
 * The shipped pipelines with timings a test can wait for, and every stream with three replicas,
 * as a production cluster declares them. The reserve timeout is below the ack wait so that a
 * decision that does not come (its stream electing a leader) retries before redelivery would.
 */
export function clusterProject(): TempProject {
  const flow = parseDocument(repoFile('pipelines/orders/shopify-orders.yaml'));
  flow.setIn(['input', 'jetstream', 'ackWait'], '4s');
  flow.setIn(['errors', 'backoff'], ['200ms', '500ms', '1s']);
  flow.setIn(['errors', 'maxDeliver'], 50);
  const steps = flow.get('steps') as { items: YAMLMap[] };
  for (const step of steps.items) if (step.has('reserve')) step.setIn(['reserve', 'timeout'], '2s');
  const streams = parseDocument(repoFile('pipelines/streams.yaml'));
  const declared = streams.get('streams') as YAMLMap;
  for (const pair of declared.items) (pair.value as YAMLMap).set('replicas', 3);
  return tempProject({
    'pipelines/shopify-orders.yaml': flow.toString(),
    'pipelines/availability.yaml': repoFile('pipelines/availability.yaml'),
    'pipelines/streams.yaml': streams.toString(),
  });
}

/** A JetStream publish retried through leader elections; the message id keeps retries idempotent. */
export async function publishRetrying(js: JetStreamClient, subject: string, body: unknown, msgID: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await js.publish(subject, JSON.stringify(body), { msgID });
      return;
    } catch (err) {
      if (attempt > 300) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** An absolute stock position for every SKU at DC-EAST (a newer `version` replaces the last). */
export async function seedStock(js: JetStreamClient, onHand: number, version: number): Promise<void> {
  for (const sku of SKUS) {
    const body = { schemaVersion: 1, sku, location: LOCATION, onHand, version, asOf: new Date(Date.now() - 60_000).toISOString() };
    await publishRetrying(js, `inventory.position.${LOCATION}`, body, `position:${sku}:${version}`);
  }
}

export interface ErpTally {
  /** Copies stored on the ERP stream for orders of the range. */
  readonly copies: number;
  /** Distinct Nats-Msg-Id among them. */
  readonly distinct: number;
  /** Orders of the range absent from the stream. */
  readonly missing: number;
  readonly accepted: number;
  readonly rejected: number;
}

/**
 * Every message of `stream` with its Nats-Msg-Id and body, through one ordered consumer: a
 * request per message (readStream) takes tens of seconds for a few thousand on a loaded machine.
 */
export async function readAll(js: JetStreamClient, jsm: JetStreamManager, stream: string, subject: string): Promise<{ id: string; body: string }[]> {
  // The per-subject counts tell how many to expect, so a filter matching nothing never waits.
  const info = await jsm.streams.info(stream, { subjects_filter: subject });
  const total = Object.values(info.state.subjects ?? {}).reduce((a, b) => a + b, 0);
  const out: { id: string; body: string }[] = [];
  if (total === 0) return out;
  const consumer = await js.consumers.get(stream, { filter_subjects: subject });
  const messages = await consumer.consume({ max_messages: 1000 });
  for await (const m of messages) {
    out.push({ id: m.headers?.get('Nats-Msg-Id') ?? '', body: m.string() });
    if (out.length >= total) break;
  }
  await messages.close();
  await consumer.delete().catch(() => undefined);
  return out;
}

/** What the ERP stream holds for orders `from`..`to-1`. */
export async function tallyErp(js: JetStreamClient, jsm: JetStreamManager, from: number, to: number): Promise<ErpTally> {
  const wanted = new Set<string>();
  for (let n = from; n < to; n++) wanted.add(orderId(n));
  const seen = new Set<string>();
  let copies = 0;
  let accepted = 0;
  let rejected = 0;
  for (const m of await readAll(js, jsm, 'ERP', 'erp.>')) {
    const id = m.id;
    if (!wanted.has(id)) continue;
    copies++;
    seen.add(id);
    const status = (JSON.parse(m.body) as { reservation?: { status?: string } }).reservation?.status;
    if (status === 'accepted') accepted++;
    else if (status === 'rejected') rejected++;
  }
  return { copies, distinct: seen.size, missing: wanted.size - seen.size, accepted, rejected };
}

export interface LocationView {
  readonly seq: number;
  readonly onHand: number;
  readonly reserved: number;
}

/** One runner's answer for a SKU, with every component (explain), over its HTTP API. */
export async function atpAnswer(httpPort: number, sku: string): Promise<{ seq: number; locations?: { location: string; explain?: { onHand: number; reserved: number } }[] }> {
  const res = await fetch(`http://127.0.0.1:${httpPort}/v1/atp/${sku}?explain=true`, { headers: { 'X-API-Key': API_KEY } });
  if (res.status !== 200) throw new Error(`GET /v1/atp/${sku}: ${res.status} ${await res.text()}`);
  return (await res.json()) as { seq: number; locations?: { location: string; explain?: { onHand: number; reserved: number } }[] };
}

/** DC-EAST's on hand and reserved units for `sku` in one runner's view. */
export async function locationView(httpPort: number, sku: string): Promise<LocationView> {
  const answer = await atpAnswer(httpPort, sku);
  const at = answer.locations?.find((l) => l.location === LOCATION)?.explain;
  if (!at) throw new Error(`no ${LOCATION} figure for ${sku} in ${JSON.stringify(answer)}`);
  return { seq: answer.seq, onHand: at.onHand, reserved: at.reserved };
}
