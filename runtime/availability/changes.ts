/**
 * Change events: `availability.<channel>.<sku>` when the figure a channel sees changes, so
 * channels never poll. SKUs touched by events (or by time: a reservation expiring, a new
 * day bringing inbound supply in) are marked dirty; after a short debounce each is compared
 * with the last figure published for it (kept in LMDB, so a restart or a rebuild does not
 * re-announce what channels already have) and published only when it differs. A burst of
 * events on one SKU therefore goes out once.
 *
 * Nats-Msg-Id is `<channel>:<sku>:<source seq>`: replicas that see the same change publish
 * the same id, and the stream keeps one. A change the clock found (an expiry, a new day) has no
 * event of its own, so `:t<Unix seconds>` is added: under the bare id the stream would drop it
 * as a repeat of the change that sequence made earlier.
 *
 * A JetStream publish is a request with its own reply (about 80 µs of client CPU here), too
 * much at thousands of changes a second on the thread that serves lookups. So each group of
 * changes goes out as plain publishes to the stream's subjects, closed by one acknowledged
 * publish: the stream stores a connection's messages in order, so that acknowledgement
 * covers the group. Only then are the figures recorded as published; a failed group is
 * marked dirty again and sent again (its message ids make the repeats harmless).
 */
import { headers as natsHeaders, type MsgHdrs, type NatsConnection } from '@nats-io/transport-node';
import type { AckedPublish } from '../config/acked-publish.ts';
import type { Logger } from 'pino';
import type { AvailabilityPolicy, ChannelPolicy } from './policy.ts';
import type { AtpDb, PublishedFigure, PublishedRecord } from './lmdb-store.ts';
import type { LocationMaster } from './state.ts';
import { sameFigure, type VisibleFigure } from './figures.ts';

export interface ChangeEvent {
  readonly channel: string;
  readonly sku: string;
  readonly available: number;
  readonly regions?: Readonly<Record<string, number>>;
  /** Stream sequence of the last inventory event behind the figure. */
  readonly seq: number;
  readonly at: string;
}

/** A SKU as one subject token: characters NATS reserves (and `%`) become %XX. */
export function subjectToken(sku: string): string {
  return /^[A-Za-z0-9_-]+$/.test(sku) ? sku : Array.from(new TextEncoder().encode(sku), (b) => (/[A-Za-z0-9_-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`)).join('');
}

/** What the service asks of whoever announces changes: here, or on the change-event thread. */
export interface ChangeAnnouncer {
  /** `sku` may have changed at `seq` (`timed`: by time, not by an event). */
  mark(sku: string, seq: number, timed?: boolean): void;
  /** Location master data changed: figures derived from calendars must be worked out again. */
  locationsChanged?(locations: readonly LocationMaster[]): void;
  stop(): Promise<void>;
  readonly stats: { readonly published: number; readonly compared: number; readonly failed: number };
}

/** Where the figures last announced are kept: the view's file (in process), or the thread's own memory until the view writes them. */
export type PublishedStore = Pick<AtpDb, 'publishedRecord' | 'queuePublished'>;

export interface ChangePublisherOptions {
  readonly nc: NatsConnection;
  /** The acknowledged publish closing a group; it must publish on `nc`, where the group went. */
  readonly publish: AckedPublish;
  readonly db: PublishedStore;
  readonly policy: AvailabilityPolicy;
  readonly logger: Logger;
  readonly clock: () => number;
  /** What the channel sees of the SKU now. */
  readonly visible: (sku: string, channel: ChannelPolicy, now: number) => VisibleFigure;
  readonly onPublished?: (event: ChangeEvent) => void;
  /** After each round of comparing and sending (the thread reports its stats then). */
  readonly onRound?: () => void;
}

const ZERO: VisibleFigure = { available: 0 };
/** Changes per acknowledged group. */
const GROUP = 500;
/**
 * Groups sent and not yet acknowledged. Waiting for each acknowledgement before building the
 * next group left the publisher idle for a stream round trip per group: on a busy host, most
 * of a second per second at thousands of changes a second, so change events fell seconds behind.
 */
const IN_FLIGHT = 8;
/**
 * SKUs compared per turn of the event loop: the comparison and the publishes run on the thread
 * that applies inventory events and answers lookups, so a burst is handled in slices that let
 * the projection commit in between.
 */
const SLICE = 128;

interface Pending {
  readonly sku: string;
  readonly mark: { readonly seq: number; readonly timed: boolean };
  /** What was published for the SKU before (every channel). */
  readonly before: PublishedRecord | undefined;
  readonly subject: string;
  readonly event: ChangeEvent;
  /** The event as JSON, as JSON.stringify would write it. */
  readonly json: string;
  readonly msgID: string;
}

/** JSON.stringify of a number. */
const num = (n: number): string => (Number.isFinite(n) ? String(n) : 'null');

/**
 * The Nats-Msg-Id header block, already encoded. The client calls nothing but encode() on the
 * headers of a plain publish; building them as text saves a header object, its validation and
 * an encoder call per change event.
 */
class EncodedHeaders {
  private readonly bytes: Uint8Array;
  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
  }
  encode(): Uint8Array {
    return this.bytes;
  }
}

const headerText = (msgID: string): string => `NATS/1.0\r\nNats-Msg-Id: ${msgID}\r\n\r\n`;
const HEADER_TEXT_LENGTH = headerText('').length;
/** Ids the client's own headers would trim or refuse (a SKU may hold any character) take its path. */
const plainID = (msgID: string): boolean => !/[\r\n]/.test(msgID) && msgID.trim() === msgID;

export class ChangePublisher implements ChangeAnnouncer {
  private readonly o: ChangePublisherOptions;
  /** SKU → sequence behind the change, and whether time (not an event) changed it. */
  private dirty = new Map<string, { seq: number; timed: boolean }>();
  /** performance.now() of the first mark since the dirty set was last taken: the debounce counts from it. */
  private dirtySince = 0;
  /** Figures published but not yet recorded in LMDB, by SKU. */
  private unsaved = new Map<string, Record<string, PublishedFigure>>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private readonly enc = new TextEncoder();
  readonly stats = { published: 0, compared: 0, failed: 0 };

  private readonly channelNames: readonly string[];

  constructor(options: ChangePublisherOptions) {
    this.o = options;
    this.channelNames = options.policy.channels.map((c) => c.name);
  }

  mark(sku: string, seq: number, timed = false): void {
    if (this.dirty.size === 0) this.dirtySince = performance.now();
    const prev = this.dirty.get(sku);
    this.dirty.set(sku, { seq: Math.max(seq, prev?.seq ?? 0), timed: timed || (prev?.timed ?? false) });
    this.schedule();
  }

  /** Publishes what is dirty now and waits for it. */
  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    while (this.running) await this.running;
    if (this.dirty.size === 0) return;
    this.running = this.publishDirty().finally(() => {
      this.running = undefined;
      if (this.dirty.size > 0 && !this.stopped) this.schedule();
    });
    await this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.flush().catch(() => undefined);
    if (this.timer) clearTimeout(this.timer);
  }

  private schedule(): void {
    if (this.timer || this.running || this.stopped) return;
    // SKUs marked while a run was going have waited already: a new full debounce after the run added to their latency.
    const delay = Math.max(0, this.dirtySince + this.o.policy.changes.debounceMs - performance.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, delay);
  }

  private async publishDirty(): Promise<void> {
    const work = [...this.dirty];
    this.dirty = new Map();
    const { policy, clock } = this.o;
    let group: Pending[] = [];
    // send() never rejects; acknowledgements come back in order.
    const inFlight: Promise<void>[] = [];
    let now = 0;
    let at = '';
    let stale = true;
    for (let i = 0; i < work.length; i++) {
      if (i > 0 && i % SLICE === 0) {
        await new Promise<void>((r) => setImmediate(r));
        stale = true;
      }
      // One clock reading (and timestamp text) per run without a wait: a few milliseconds at most.
      if (stale) {
        now = clock();
        at = new Date(now).toISOString();
        stale = false;
      }
      const [sku, mark] = work[i] as [string, { seq: number; timed: boolean }];
      const skuJson = JSON.stringify(sku);
      let token: string | undefined;
      const published = this.unsaved.get(sku) ?? this.o.db.publishedRecord(sku, this.channelNames);
      for (const channel of policy.channels) {
        const figure = this.o.visible(sku, channel, now);
        const before: VisibleFigure = published?.[channel.name] ?? ZERO;
        this.stats.compared++;
        if (sameFigure(before, figure)) continue;
        const event: ChangeEvent = figure.regions ? { channel: channel.name, sku, available: figure.available, regions: figure.regions, seq: mark.seq, at } : { channel: channel.name, sku, available: figure.available, seq: mark.seq, at };
        const json = `{"channel":${JSON.stringify(channel.name)},"sku":${skuJson},"available":${num(figure.available)},${figure.regions ? `"regions":${JSON.stringify(figure.regions)},` : ''}"seq":${num(mark.seq)},"at":"${at}"}`;
        // A change caused by time has no event of its own; its id must differ from the event's.
        const msgID = mark.timed ? `${channel.name}:${sku}:${mark.seq}:t${Math.floor(now / 1000)}` : `${channel.name}:${sku}:${mark.seq}`;
        token ??= subjectToken(sku);
        group.push({ sku, mark, before: published, subject: `availability.${channel.name}.${token}`, event, json, msgID });
      }
      if (group.length >= GROUP) {
        inFlight.push(this.send(group));
        group = [];
        if (inFlight.length >= IN_FLIGHT) {
          await inFlight.shift();
          stale = true;
        }
      }
    }
    if (group.length > 0) inFlight.push(this.send(group));
    await Promise.all(inFlight);
    this.save();
    this.o.onRound?.();
  }

  /** Sends a group: plain publishes, then the last one acknowledged by the stream. */
  private async send(group: readonly Pending[]): Promise<void> {
    const last = group[group.length - 1] as Pending;
    try {
      // Every header block and payload encoded in one call (the client keeps references to
      // the pieces until it writes them, so they are views of one buffer, never reused).
      let text = '';
      for (const p of group) if (p !== last) text += headerText(p.msgID) + p.json;
      const bytes = Buffer.from(text, 'utf8');
      const ascii = bytes.length === text.length;
      let offset = 0;
      for (const p of group) {
        if (p === last) break;
        const hlen = HEADER_TEXT_LENGTH + p.msgID.length;
        const end = offset + hlen + p.json.length;
        if (ascii && plainID(p.msgID)) {
          this.o.nc.publish(p.subject, bytes.subarray(offset + hlen, end), { headers: new EncodedHeaders(bytes.subarray(offset, offset + hlen)) as unknown as MsgHdrs });
        } else {
          const h = natsHeaders();
          h.set('Nats-Msg-Id', p.msgID);
          this.o.nc.publish(p.subject, this.enc.encode(p.json), { headers: h });
        }
        offset = end;
      }
      await this.o.publish(last.subject, this.enc.encode(last.json), { msgID: last.msgID });
    } catch (err) {
      this.stats.failed += group.length;
      if (this.stats.failed <= group.length || this.stats.failed % 1000 < group.length) this.o.logger.warn({ err: (err as Error).message, changes: group.length }, 'change events not confirmed by the stream; will send again');
      // Sent again later, against whatever the figures are then.
      setTimeout(() => group.forEach((p) => this.mark(p.sku, p.mark.seq, p.mark.timed)), 1000).unref();
      return;
    }
    for (const p of group) {
      let record = this.unsaved.get(p.sku);
      if (!record) this.unsaved.set(p.sku, (record = { ...p.before }));
      record[p.event.channel] = p.event.regions ? { available: p.event.available, regions: p.event.regions, seq: p.mark.seq } : { available: p.event.available, seq: p.mark.seq };
      this.o.onPublished?.(p.event);
    }
    this.stats.published += group.length;
  }

  /**
   * Records what went out. The view writes it with its next commit (lmdb's asynchronous writes
   * would hold the write lock on their own thread and stall the projection's commits).
   */
  private save(): void {
    if (this.unsaved.size === 0) return;
    const entries = this.unsaved;
    this.unsaved = new Map();
    this.o.db.queuePublished(entries);
  }
}
