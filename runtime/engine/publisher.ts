/** Publishing emissions and dead letters to JetStream, with headers; shared by every input driver. */
import { headers as natsHeaders } from '@nats-io/transport-node';
import type { JetStreamClient, PubAck } from '@nats-io/jetstream';
import type { Emission } from '../components/types.ts';
import type { DeadLetter } from './dead-letter.ts';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** The file appears whole or not at all: written under a hidden name, then renamed. */
async function writeAtomically(path: string, data: Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  await writeFile(tmp, data);
  await rename(tmp, path);
}

export class Publisher {
  private readonly js: JetStreamClient;
  private readonly encoder = new TextEncoder();

  constructor(js: JetStreamClient) {
    this.js = js;
  }

  publish(e: Emission): Promise<unknown> {
    if (e.target?.kind === 'file') return writeAtomically(e.target.path, this.payload(e));
    const h = natsHeaders();
    for (const k in e.headers) h.set(k, e.headers[k] as string);
    const stored = this.js.publish(e.subject, this.payload(e), { msgID: e.msgId, headers: h });
    const dup = e.onDuplicate;
    if (!dup) return stored;
    return stored.then(async (ack) => {
      if (!ack.duplicate) return ack;
      const dh = natsHeaders();
      for (const k in e.headers) dh.set(k, e.headers[k] as string);
      dh.set('Crossdock-Duplicate-Of', `${ack.stream}:${ack.seq}`);
      return this.js.publish(dup.subject, this.encoder.encode(JSON.stringify(dup.body)), { msgID: dup.msgId, headers: dh });
    });
  }

  private payload(e: Emission): Uint8Array {
    return e.data ?? (typeof e.body === 'string' ? this.encoder.encode(e.body) : this.encoder.encode(JSON.stringify(e.body)));
  }

  /** Resolves when JetStream has stored every emission; rejects if any publish failed. */
  publishAll(emissions: readonly Emission[]): Promise<unknown> {
    if (emissions.length === 1) return this.publish(emissions[0]!);
    return Promise.all(emissions.map((e) => this.publish(e)));
  }

  deadLetter(dl: DeadLetter): Promise<PubAck> {
    const h = natsHeaders();
    for (const k in dl.headers) h.set(k, dl.headers[k] as string);
    return this.js.publish(dl.subject, dl.data, { msgID: dl.msgId, headers: h });
  }
}
