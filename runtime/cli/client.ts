/** A short-lived NATS connection for client commands (publish, tail, dlq). */
import type { NatsConnection } from '@nats-io/transport-node';
import { connect } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { CommandError } from './command.ts';

export interface Client {
  readonly nc: NatsConnection;
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
}

export async function withClient<T>(url: string, fn: (c: Client) => Promise<T>): Promise<T> {
  let nc: NatsConnection;
  try {
    nc = await connect({ servers: url.split(','), name: 'crossdock-cli', timeout: 5000 });
  } catch (err) {
    throw new CommandError(`cannot connect to NATS at ${url}: ${(err as Error).message}`);
  }
  try {
    const jsm = await jetstreamManager(nc);
    return await fn({ nc, js: jetstream(nc), jsm });
  } finally {
    await nc.drain().catch(() => undefined);
  }
}

/** The stream that captures `subject`, or undefined. */
export async function streamFor(jsm: JetStreamManager, subject: string): Promise<string | undefined> {
  try {
    return await jsm.streams.find(subject);
  } catch {
    return undefined;
  }
}
