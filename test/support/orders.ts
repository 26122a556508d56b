/** Shopify orders for load and crash tests: the corpus order with a distinct id per message. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JetStreamClient } from '@nats-io/jetstream';
import { REPO } from './project.ts';

const template = JSON.parse(readFileSync(join(REPO, 'test/fixtures/shopify/order.json'), 'utf8')) as { order: Record<string, unknown> };

export function shopifyOrder(n: number, patch: Record<string, unknown> = {}): Uint8Array {
  const order = { ...template.order, id: 1_000_000 + n, name: `#${10_000 + n}`, ...patch };
  return new TextEncoder().encode(JSON.stringify(order));
}

export function orderId(n: number): string {
  return `shopify:${1_000_000 + n}`;
}

/** Publishes orders `from`..`to-1` with up to `inFlight` publishes outstanding; retries until stored. */
export async function publishOrders(js: JetStreamClient, from: number, to: number, inFlight = 256): Promise<void> {
  const subject = 'channel.shopify.orders.created';
  let next = from;
  const worker = async (): Promise<void> => {
    while (next < to) {
      const n = next++;
      // The input's own message id makes a retried publish idempotent.
      for (let attempt = 0; ; attempt++) {
        try {
          await js.publish(subject, shopifyOrder(n), { msgID: `in-${n}` });
          break;
        } catch (err) {
          if (attempt > 200) throw err;
          await new Promise((r) => setTimeout(r, 100));
        }
      }
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
}
