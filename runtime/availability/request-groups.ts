/**
 * Reservation requests go to the inventory stream in groups, the way change events do: every
 * request of a loop turn but the last as a plain publish, the last as a JetStream publish
 * whose acknowledgement covers the group (a stream stores one connection's messages in the
 * order they were sent). Each request keeps its own message and Nats-Msg-Id, so the log, the
 * fold and the duplicate window see exactly what one publish per request gave them.
 *
 * A JetStream publish is a request with its own reply subject, timer and error object: per
 * order on the shipped flow it cost more of the runner's CPU than deciding the reservation.
 *
 * What a caller gets back is the acknowledged sequence of its group's last message: once the
 * view has applied it, the caller's request has been applied too. When the stream reports that
 * last message as a duplicate, its sequence says nothing about the others, and the callers get
 * `undefined` (they wait for their decision instead). A plain publish the server refuses is not
 * reported; its caller finds no decision at the group's sequence and retries.
 *
 * The acknowledged publish is an AckedPublish the runner passes in (its connection's
 * PublishAcks): on the same connection as the plain publishes, so the order argument holds.
 */
import { headers as natsHeaders, type NatsConnection } from '@nats-io/transport-node';
import type { AckedPublish } from '../config/acked-publish.ts';

/** Requests per acknowledged group. */
const GROUP = 256;

interface Queued {
  readonly subject: string;
  readonly payload: Uint8Array;
  readonly msgID: string;
  resolve(seq: number | undefined): void;
  reject(err: unknown): void;
}

export class RequestGroups {
  private queue: Queued[] = [];
  private scheduled = false;
  private readonly nc: NatsConnection;
  private readonly publish: AckedPublish;
  private readonly stream: string;
  private readonly enc = new TextEncoder();
  readonly stats = { groups: 0, requests: 0 };

  /** `publish` must publish on `nc`: the group's acknowledgement covers it only then. */
  constructor(nc: NatsConnection, publish: AckedPublish, stream: string) {
    this.nc = nc;
    this.publish = publish;
    this.stream = stream;
  }

  /** Queues a request; resolves with a sequence at or after it once its group is acknowledged. */
  send(subject: string, payload: string, msgID: string): Promise<number | undefined> {
    return new Promise<number | undefined>((resolve, reject) => {
      this.queue.push({ subject, payload: this.enc.encode(payload), msgID, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        // After this turn's steps have queued theirs: one group per turn, not one per request.
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const all = this.queue;
    this.queue = [];
    for (let i = 0; i < all.length; i += GROUP) void this.sendGroup(all.slice(i, i + GROUP));
  }

  private async sendGroup(group: readonly Queued[]): Promise<void> {
    const last = group[group.length - 1] as Queued;
    try {
      for (const q of group) {
        if (q === last) break;
        const h = natsHeaders();
        h.set('Nats-Msg-Id', q.msgID);
        this.nc.publish(q.subject, q.payload, { headers: h });
      }
      const ack = await this.publish(last.subject, last.payload, { msgID: last.msgID, expect: { streamName: this.stream } });
      this.stats.groups++;
      this.stats.requests += group.length;
      const seq = ack.duplicate && group.length > 1 ? undefined : ack.seq;
      for (const q of group) q.resolve(seq);
    } catch (err) {
      for (const q of group) q.reject(err);
    }
  }
}
