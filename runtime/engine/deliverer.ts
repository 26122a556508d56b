/**
 * Delivering what a pipeline decided, wherever it goes: emissions to their JetStream subject
 * (with headers) or to an outbox file (the `file` output, written atomically), and dead
 * letters to JetStream; shared by every input driver. A body larger than the server takes in
 * one message goes by claim check (see claim-check.ts). Publishes go through the connection's
 * PublishAcks (transport/publish-acks.ts), not `js.publish`: a request object per publish was a
 * measurable share of the runner's CPU.
 */
import { headers as natsHeaders, type MsgHdrs } from '@nats-io/transport-node';
import type { JetStreamClient, JetStreamManager, PubAck } from '@nats-io/jetstream';
import type { AckedPublish } from '../config/acked-publish.ts';
import type { Emission } from '../components/types.ts';
import { DUPLICATE_OF, SOURCE_KEY } from '../components/header-names.ts';
import type { DeadLetter } from './dead-letter.ts';
import { CLAIM_CHECK, ClaimCheck } from '../transport/claim-check.ts';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** The file appears whole or not at all: written under a hidden name, then renamed. */
async function writeAtomically(path: string, data: Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  await writeFile(tmp, data);
  await rename(tmp, path);
}

/**
 * The message's headers with its Nats-Msg-Id set, as `js.publish` would set it: on a header set
 * made here, so the publisher has nothing to add and need not copy it.
 */
function natsHeaderSet(record: Readonly<Record<string, string>>, msgId: string): MsgHdrs {
  const h = natsHeaders();
  for (const k in record) h.set(k, record[k] as string);
  // As js.publish: an empty id sets nothing.
  if (msgId) h.set('Nats-Msg-Id', msgId);
  return h;
}

export class Deliverer {
  private readonly js: JetStreamClient;
  private readonly publish: AckedPublish;
  private readonly claimCheck: ClaimCheck;
  private readonly encoder = new TextEncoder();
  private jsm: Promise<JetStreamManager> | undefined;

  /** `js` reads back stored messages and holds claim-checked bodies; `publish` stores messages. */
  constructor(js: JetStreamClient, publish: AckedPublish, claimCheck: ClaimCheck = new ClaimCheck(js)) {
    this.js = js;
    this.publish = publish;
    this.claimCheck = claimCheck;
  }

  deliver(e: Emission): Promise<unknown> {
    if (e.target?.kind === 'file') return writeAtomically(e.target.path, this.payload(e));
    const stored = this.send(e.subject, e.headers, this.payload(e), e.msgId);
    const dup = e.onDuplicate;
    if (!dup) return stored;
    return stored.then(async (ack) => {
      if (!ack.duplicate || (await this.storedFromSameSource(ack, e))) return ack;
      const headers = { ...e.headers, [DUPLICATE_OF]: `${ack.stream}:${ack.seq}`, ...dup.headers };
      return this.send(dup.subject, headers, this.encoder.encode(JSON.stringify(dup.body)), dup.msgId);
    });
  }

  /**
   * Whether the copy the stream already holds was made from the same inbound message: then it
   * is our own earlier attempt (a redelivery after a failover can come with a delivery count
   * of 1 again), not a second copy of the document. Only asked on the duplicate path.
   */
  private async storedFromSameSource(ack: PubAck, e: Emission): Promise<boolean> {
    const source = e.headers[SOURCE_KEY];
    if (source === undefined) return false;
    this.jsm ??= this.js.jetstreamManager(false);
    const held = await (await this.jsm).streams.getMessage(ack.stream, { seq: ack.seq }).catch(() => null);
    return held?.header?.get(SOURCE_KEY) === source;
  }

  /** One message, or a claim check when the body is too large; inherited claim-check headers are never passed on. */
  private send(subject: string, headers: Readonly<Record<string, string>>, data: Uint8Array, msgId: string): Promise<PubAck> {
    // Checked here so the common case stays one publish with no extra await.
    if (!(CLAIM_CHECK.ref in headers) && this.claimCheck.fits(headers, data, msgId)) return this.publish(subject, data, { headers: natsHeaderSet(headers, msgId) });
    return this.claimCheck.outbound(headers, data, msgId).then((m) => this.publish(subject, m.data, { headers: natsHeaderSet(m.headers, msgId) }));
  }

  private payload(e: Emission): Uint8Array {
    return e.data ?? (typeof e.body === 'string' ? this.encoder.encode(e.body) : this.encoder.encode(JSON.stringify(e.body)));
  }

  /** Resolves when JetStream has stored every emission; rejects if any publish failed. */
  deliverAll(emissions: readonly Emission[]): Promise<unknown> {
    if (emissions.length === 1) return this.deliver(emissions[0]!);
    return Promise.all(emissions.map((e) => this.deliver(e)));
  }

  /**
   * A dead letter of a claim-checked message (empty body, reference in headers) keeps the
   * reference: the body is already stored, and `dlq replay` republishes the reference.
   */
  deadLetter(dl: DeadLetter): Promise<PubAck> {
    if (CLAIM_CHECK.ref in dl.headers && dl.data.length === 0) return this.publish(dl.subject, dl.data, { headers: natsHeaderSet(dl.headers, dl.msgId) });
    return this.send(dl.subject, dl.headers, dl.data, dl.msgId);
  }
}
