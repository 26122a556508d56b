/**
 * The runner's NATS connection: reconnects forever (a runner outlives server restarts),
 * and reports status changes to the log.
 */
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import { coalesceWrites } from './write-coalescing.ts';

export interface ConnectOptions {
  readonly url: string;
  readonly name: string;
  readonly logger?: Logger;
  /** Give up after this many attempts at first connect (default: keep trying 10 s). */
  readonly connectTimeoutMs?: number;
}

export async function connectNats(options: ConnectOptions): Promise<NatsConnection> {
  const nc = await connect({
    servers: options.url.split(','),
    name: options.name,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 250,
    waitOnFirstConnect: true,
    timeout: options.connectTimeoutMs ?? 10_000,
    pingInterval: 10_000,
    // Async stack traces cost an Error per request; the runner's requests are its hot path.
    noAsyncTraces: true,
  });
  const logger = options.logger;
  if (!coalesceWrites(nc)) logger?.warn('this nats.js client does not have the shape write coalescing expects: one socket write per command burst instead of per loop turn');
  if (logger) {
    void (async () => {
      for await (const s of nc.status()) {
        if (s.type === 'disconnect' || s.type === 'reconnect' || s.type === 'error') {
          logger.warn({ nats: s.type, server: 'server' in s ? s.server : undefined }, `nats ${s.type}`);
        }
      }
    })().catch(() => undefined);
  }
  return nc;
}
