/**
 * Plays a demo day against a running Crossdock: webhooks and API calls to its HTTP edges
 * (signed like the partner would), messages published to JetStream, files dropped into its
 * folders. Time is compressed: one minute of the day takes `msPerMinute`.
 */
import { createHmac } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { JetStreamClient } from '@nats-io/jetstream';
import { minutesOf, type DemoEvent, type DemoScript } from './script.ts';

export interface PlayTargets {
  readonly js: JetStreamClient;
  readonly httpBase: string | undefined;
  /** Folder a script's `drop` name resolves in (`edi` → `<dataDir>/edi/inbox`). */
  readonly dropFolder: (name: string) => string;
  readonly shopifySecret: string;
}

export interface PlayedEvent {
  readonly at: string;
  readonly what: string;
  readonly outcome: string;
}

export async function play(script: DemoScript, scriptFile: string, targets: PlayTargets, msPerMinute: number, onEvent: (e: PlayedEvent) => void): Promise<PlayedEvent[]> {
  const base = dirname(scriptFile);
  const played: PlayedEvent[] = [];
  let clock = script.events.length > 0 ? minutesOf(script.events[0]!.at) : 0;
  for (const e of script.events) {
    const m = minutesOf(e.at);
    if (m > clock) await new Promise((r) => setTimeout(r, (m - clock) * msPerMinute));
    clock = Math.max(clock, m);
    const result = await perform(e, base, targets).catch((err: unknown) => `failed: ${(err as Error).message}`);
    const p = { at: e.at, what: e.say ?? describe(e), outcome: result };
    played.push(p);
    onEvent(p);
  }
  return played;
}

function describe(e: DemoEvent): string {
  if ('webhook' in e) return `POST ${e.webhook.path}${e.webhook.topic ? ` (${e.webhook.topic})` : ''}`;
  if ('publish' in e) return `publish ${e.publish.subject}`;
  return `file ${basename(e.file.from)} into ${e.file.drop}`;
}

function body(base: string, file: string, set: Record<string, unknown> | undefined): Uint8Array {
  const raw = readFileSync(join(base, file));
  if (!set) return new Uint8Array(raw);
  const doc = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
  // REST-style files wrap the object ({"order": {...}}); the override goes where the fields are.
  const keys = Object.keys(doc);
  const target = keys.length === 1 && typeof doc[keys[0] as string] === 'object' ? (doc[keys[0] as string] as Record<string, unknown>) : doc;
  Object.assign(target, set);
  return new TextEncoder().encode(JSON.stringify(doc));
}

async function perform(e: DemoEvent, base: string, t: PlayTargets): Promise<string> {
  if ('publish' in e) {
    if (e.publish.each) {
      const items = JSON.parse(readFileSync(join(base, e.publish.body), 'utf8')) as unknown[];
      for (const item of items) await t.js.publish(e.publish.subject, new TextEncoder().encode(JSON.stringify(item)));
      return `stored ${items.length} messages`;
    }
    const ack = await t.js.publish(e.publish.subject, body(base, e.publish.body, e.publish.set));
    return `stored in ${ack.stream} #${ack.seq}`;
  }
  if ('file' in e) {
    const dir = t.dropFolder(e.file.drop);
    mkdirSync(dir, { recursive: true });
    const name = e.file.name ?? basename(e.file.from);
    copyFileSync(join(base, e.file.from), join(dir, name));
    return `dropped ${name}`;
  }
  if (!t.httpBase) throw new Error('the runner serves no HTTP (started with --http off)');
  const data = body(base, e.webhook.body, e.webhook.set);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (e.webhook.topic) {
    headers['x-shopify-topic'] = e.webhook.topic;
    headers['x-shopify-hmac-sha256'] = createHmac('sha256', t.shopifySecret).update(data).digest('base64');
  }
  if (e.webhook.id) {
    headers['x-shopify-webhook-id'] = e.webhook.id;
    headers['idempotency-key'] = e.webhook.id;
  }
  if (e.webhook.apiKey) headers['x-api-key'] = e.webhook.apiKey;
  const res = await fetch(t.httpBase + e.webhook.path, { method: 'POST', headers, body: data });
  return `HTTP ${res.status}`;
}
