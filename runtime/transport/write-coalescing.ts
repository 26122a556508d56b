/**
 * One socket write per turn of the event loop instead of one per microtask.
 *
 * nats.js queues a flush of its outgoing buffer on the microtask after the first command
 * written into it. The runner's message path crosses many microtask boundaries (a pull, a
 * step, a publish, its acknowledgement, a reservation request), so a busy runner wrote to its
 * socket once for nearly every command: a profile of the shipped order flow spent 14 % of the
 * runner's CPU in those writes. Deferring the flush to setImmediate gathers every command of
 * one loop turn into one write, for at most the rest of that turn's latency. A full buffer
 * (the client's own flush threshold) is still written at once.
 *
 * This reaches into the client's protocol handler, which nats.js does not export as API: when
 * its shape is not what this expects (a new nats.js), nothing is changed and the caller is told.
 */
import type { NatsConnection } from '@nats-io/transport-node';

interface ProtocolShape {
  flushPending: () => void;
  readonly outbound: { size(): number };
  readonly pendingLimit: number;
}

function protocolOf(nc: NatsConnection): ProtocolShape | undefined {
  const p = (nc as unknown as { protocol?: Partial<ProtocolShape> }).protocol;
  if (!p || typeof p.flushPending !== 'function' || typeof p.outbound?.size !== 'function' || typeof p.pendingLimit !== 'number') return undefined;
  return p as ProtocolShape;
}

/** Coalesces the connection's socket writes per loop turn; false when the client's shape is unknown. */
export function coalesceWrites(nc: NatsConnection): boolean {
  const protocol = protocolOf(nc);
  if (!protocol) return false;
  const flushNow = protocol.flushPending.bind(protocol);
  let scheduled = false;
  const flushLater = (): void => {
    scheduled = false;
    flushNow();
  };
  protocol.flushPending = () => {
    if (protocol.outbound.size() >= protocol.pendingLimit) {
      flushNow();
      return;
    }
    if (scheduled) return;
    scheduled = true;
    setImmediate(flushLater);
  };
  return true;
}
