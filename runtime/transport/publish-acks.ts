/**
 * JetStream publishes whose acknowledgements come back on one subscription per connection.
 *
 * `js.publish` is `nc.request`: per publish a request object with its own timer and deferred,
 * registered in the client's mux, and on every successful reply nats.js cancels the request
 * by rejecting its already-settled deferred with a new RequestError, an Error with a captured
 * stack (@nats-io/nats-core 3.4.0, lib/request.js). A profile of the runner spent about 3 % of
 * its CPU in that error alone, more in the timers. Here each publish is a plain publish with
 * the reply subject `<prefix>.<n>`, the replies arrive on one `<prefix>.*` subscription, a Map
 * finds the waiting promise by n, and one lazily armed timer rejects what waited too long.
 *
 * Nothing here flushes: the publishes of one loop turn leave in one socket write when the
 * connection coalesces its writes (write-coalescing.ts). nats.js subscribes again after a
 * reconnect, so the acknowledgement subscription survives one; a reply lost with the old
 * connection, or a publish made while disconnected (nats.js empties its outgoing buffer at each
 * dial), times out, as with `js.publish`.
 */
import { createInbox, errors, headers as natsHeaders, type Msg, type MsgHdrs, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import { JetStreamApiError, JetStreamError, type ApiError, type PubAck } from '@nats-io/jetstream';
// The error classes js.publish throws that the package exports only here.
import { jserrors } from '@nats-io/jetstream/internal';
import type { AckedPublish, AckedPublishOptions } from '../config/acked-publish.ts';

/** As JetStream's client: how long a publish waits for its acknowledgement unless told. */
export const DEFAULT_ACK_TIMEOUT_MS = 5000;

export interface PublishAcksOptions {
  /** Milliseconds a publish waits for its acknowledgement (default 5000); a publish may say otherwise. */
  readonly timeoutMs?: number;
}

/** The publisher itself was closed (close()), not the connection. */
export class PublishAcksClosedError extends Error {
  constructor() {
    super('the JetStream publisher is closed');
    this.name = 'PublishAcksClosedError';
  }
}

interface Waiting {
  readonly subject: string;
  /** performance.now() after which the publish has timed out. */
  readonly deadline: number;
  resolve(ack: PubAck): void;
  reject(err: unknown): void;
}

/**
 * A reply within this much of its deadline counts as late: Node may fire a timer a fraction of
 * a millisecond before performance.now() reaches the deadline, and re-arming for that fraction
 * would only spin.
 */
const SLACK_MS = 1;
/**
 * Publishes made over a stretch of time time out over the same stretch; the timer wakes at most
 * this often for them, a lateness no acknowledgement timeout notices.
 */
const REARM_MIN_MS = 10;

export class PublishAcks {
  private readonly nc: NatsConnection;
  private readonly timeoutMs: number;
  /** `<inbox>.`: every reply subject is this and a number. */
  private readonly prefix: string;
  /** Undefined when made on a connection already closed or draining. */
  private readonly sub: Subscription | undefined;
  private readonly waiting = new Map<number, Waiting>();
  private next = 0;
  private timer: NodeJS.Timeout | undefined;
  /** When the armed timer fires (Infinity: none armed). */
  private timerAt = Infinity;
  private closedBy: (() => Error) | undefined;

  constructor(nc: NatsConnection, options: PublishAcksOptions = {}) {
    this.nc = nc;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_ACK_TIMEOUT_MS;
    if (!(this.timeoutMs > 0)) throw new RangeError(`timeoutMs must be greater than 0, got ${this.timeoutMs}`);
    const inbox = createInbox(inboxPrefixOf(nc));
    this.prefix = `${inbox}.`;
    const ended = (): Error => (nc.isDraining() ? new errors.DrainingConnectionError() : new errors.ClosedConnectionError());
    if (nc.isClosed() || nc.isDraining()) {
      // Nothing could be acknowledged: publishes reject as they would on js.publish.
      this.closedBy = ended;
      return;
    }
    this.sub = nc.subscribe(`${inbox}.*`, { callback: (err, msg) => this.onReply(err, msg) });
    // Closed with the connection, or drained with it: no acknowledgement can come any more.
    void this.sub.closed.then(() => this.shutdown(ended));
  }

  /** True once closed (by close(), or with its connection). */
  get isClosed(): boolean {
    return this.closedBy !== undefined;
  }

  /** Publishes waiting for their acknowledgement. */
  get pending(): number {
    return this.waiting.size;
  }

  /**
   * Like `js.publish`: resolves with the stream's acknowledgement, rejects with its refusal
   * (JetStreamApiError), when no stream captures the subject (JetStreamNotEnabled, as
   * `js.publish` says it), or after the timeout (TimeoutError). The caller's headers are not
   * changed.
   */
  readonly publish: AckedPublish = (subject, data, opts) => {
    if (this.closedBy) return Promise.reject(this.closedBy());
    if (this.nc.isClosed()) return Promise.reject(new errors.ClosedConnectionError());
    if (this.nc.isDraining()) return Promise.reject(new errors.DrainingConnectionError());
    // `||` as js.publish: a timeout of 0 means the default.
    const timeout = opts?.timeout || this.timeoutMs;
    if (!(timeout > 0)) return Promise.reject(new RangeError(`timeout must be greater than 0, got ${timeout}`));
    return new Promise<PubAck>((resolve, reject) => {
      const n = ++this.next;
      try {
        const headers = publishHeaders(opts);
        this.nc.publish(subject, data, headers ? { reply: this.prefix + n, headers } : { reply: this.prefix + n });
      } catch (err) {
        reject(err);
        return;
      }
      const deadline = performance.now() + timeout;
      this.waiting.set(n, { subject, deadline, resolve, reject });
      if (deadline < this.timerAt) this.arm(deadline);
    });
  };

  /** Stops listening for acknowledgements; what still waits is rejected, later publishes too. */
  close(): void {
    if (this.closedBy) return;
    this.shutdown(() => new PublishAcksClosedError());
    if (this.sub && !this.sub.isClosed()) this.sub.unsubscribe();
  }

  private shutdown(reason: () => Error): void {
    if (this.closedBy) return;
    this.closedBy = reason;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Infinity;
    const all = [...this.waiting.values()];
    this.waiting.clear();
    for (const w of all) w.reject(reason());
  }

  private onReply(err: Error | null, msg: Msg): void {
    if (err) {
      // The subscription failed (a permission violation): nothing waiting will be answered.
      this.shutdown(() => err);
      return;
    }
    const n = Number(msg.subject.substring(this.prefix.length));
    const w = this.waiting.get(n);
    // Late (already timed out) or not ours.
    if (!w) return;
    this.waiting.delete(n);
    const outcome = acknowledgement(msg, w.subject);
    if (outcome instanceof Error) w.reject(outcome);
    else w.resolve(outcome);
  }

  /** One timer for every waiting publish, armed for the earliest deadline. */
  private arm(at: number): void {
    clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(this.expire, Math.max(0, at - performance.now()));
    // The connection keeps the process alive while it is open; this timer need not.
    this.timer.unref();
  }

  private readonly expire = (): void => {
    this.timer = undefined;
    this.timerAt = Infinity;
    const now = performance.now();
    let earliest = Infinity;
    // Publishes may carry their own timeouts, so the Map's order is not the deadlines' order.
    for (const [n, w] of this.waiting) {
      if (w.deadline - now <= SLACK_MS) {
        this.waiting.delete(n);
        w.reject(new errors.TimeoutError());
      } else if (w.deadline < earliest) {
        earliest = w.deadline;
      }
    }
    if (earliest < Infinity) this.arm(Math.max(earliest, now + REARM_MIN_MS));
  };
}

/**
 * The headers `js.publish` sends (buildPublishHeaders in @nats-io/jetstream's jsclient.js),
 * set on a copy: that function sets them on the caller's headers. Undefined when there are none.
 */
export function publishHeaders(opts: AckedPublishOptions | undefined): MsgHdrs | undefined {
  if (!opts) return undefined;
  const expect = opts.expect;
  const adds = opts.msgID || expect?.lastMsgID || expect?.streamName || typeof expect?.lastSequence === 'number' || typeof expect?.lastSubjectSequence === 'number';
  if (!adds) return opts.headers;
  const h = natsHeaders();
  if (opts.headers) for (const [k, values] of opts.headers) for (const v of values) h.append(k, v);
  if (opts.msgID) h.set('Nats-Msg-Id', opts.msgID);
  if (expect?.lastMsgID) h.set('Nats-Expected-Last-Msg-Id', expect.lastMsgID);
  if (expect?.streamName) h.set('Nats-Expected-Stream', expect.streamName);
  if (typeof expect?.lastSequence === 'number') h.set('Nats-Expected-Last-Sequence', `${expect.lastSequence}`);
  if (typeof expect?.lastSubjectSequence === 'number') h.set('Nats-Expected-Last-Subject-Sequence', `${expect.lastSubjectSequence}`);
  return h;
}

const decoder = new TextDecoder();

/** What a reply says: the acknowledgement, or the error `js.publish` would have thrown for it. */
function acknowledgement(msg: Msg, subject: string): PubAck | Error {
  if (msg.data.length === 0) {
    if (msg.headers?.code === 503) return noStream(subject);
    return new JetStreamError(`invalid ack response${msg.headers ? ` (status ${msg.headers.status})` : ''}`);
  }
  let reply: Partial<PubAck> & { error?: ApiError };
  try {
    reply = JSON.parse(decoder.decode(msg.data)) as Partial<PubAck> & { error?: ApiError };
  } catch {
    return new JetStreamError('invalid ack response');
  }
  if (reply.error) return apiError(reply.error);
  if (typeof reply.stream !== 'string' || reply.stream === '' || typeof reply.seq !== 'number') return new JetStreamError('invalid ack response');
  const ack: PubAck = { stream: reply.stream, seq: reply.seq, duplicate: reply.duplicate === true };
  if (reply.domain) ack.domain = reply.domain;
  return ack;
}

/** As parseJsResponse in @nats-io/jetstream maps an API error to its class. */
function apiError(e: ApiError): Error {
  switch (e.err_code) {
    case 10014:
      return new jserrors.ConsumerNotFoundError(e);
    case 10059:
      return new jserrors.StreamNotFoundError(e);
    case 10039: {
      const cause = new JetStreamApiError(e);
      return new jserrors.JetStreamNotEnabled(cause.message, { cause });
    }
    default:
      return new JetStreamApiError(e);
  }
}

/**
 * No responders: nothing captures the subject. `js.publish` throws JetStreamNotEnabled for it
 * (the same class, for whoever checks it), with the RequestError of nats.js as its cause; the
 * message here says what it usually means.
 */
function noStream(subject: string): Error {
  const cause = new errors.RequestError(`no responders: '${subject}'`, { cause: new errors.NoRespondersError(subject) });
  return new jserrors.JetStreamNotEnabled(`no stream captures subject '${subject}' (no responders)`, { cause });
}

/** The connection's own inbox prefix (a permissioned account may allow only that one), if it set one. */
function inboxPrefixOf(nc: NatsConnection): string | undefined {
  const options = (nc as unknown as { options?: { inboxPrefix?: unknown } }).options;
  return typeof options?.inboxPrefix === 'string' ? options.inboxPrefix : undefined;
}

const shared = new WeakMap<NatsConnection, PublishAcks>();

/** The connection's publisher: one acknowledgement subscription per connection, made on first use. */
export function publishAcksFor(nc: NatsConnection): PublishAcks {
  let acks = shared.get(nc);
  // One closed by close() is replaced while the connection can still take a subscription.
  if (!acks || (acks.isClosed && !nc.isClosed() && !nc.isDraining())) {
    acks = new PublishAcks(nc);
    shared.set(nc, acks);
  }
  return acks;
}
