/**
 * The shape of a JetStream publish that resolves once the stream has stored the message: the
 * part of `JetStreamClient.publish` the runner uses. Declared in the lowest layer so code below
 * the transport (the availability service) can take one as a plain function, and the runner
 * hands it transport's PublishAcks (one acknowledgement subscription per connection) without
 * those layers importing transport. `js.publish` fits this type too.
 */
import type { PubAck } from '@nats-io/jetstream';
import type { MsgHdrs } from '@nats-io/transport-node';

export type { PubAck };

/** The stream's conditions for storing a message; each becomes a Nats-Expected-* header. */
export interface PublishExpectations {
  /** Nats-Expected-Last-Sequence: the stream's last sequence must be this. */
  readonly lastSequence?: number;
  /** Nats-Expected-Last-Msg-Id: the stream's last message must carry this id. */
  readonly lastMsgID?: string;
  /** Nats-Expected-Stream: the subject must be captured by this stream. */
  readonly streamName?: string;
  /** Nats-Expected-Last-Subject-Sequence: the last message on this subject must be at this sequence. */
  readonly lastSubjectSequence?: number;
}

export interface AckedPublishOptions {
  /** Nats-Msg-Id: a repeat within the stream's duplicate window is acknowledged as a duplicate. */
  readonly msgID?: string;
  readonly headers?: MsgHdrs;
  readonly expect?: PublishExpectations;
  /** Milliseconds to wait for the acknowledgement. */
  readonly timeout?: number;
}

export type AckedPublish = (subject: string, data: Uint8Array, opts?: AckedPublishOptions) => Promise<PubAck>;
