/**
 * The change-event thread (change-thread.ts): reads the view's file, works out what each
 * channel sees of the SKUs marked, and announces what changed over its own NATS connection.
 * Figures it announced stay in its memory until the view says they are in the file.
 *
 * The connection comes from a layer above this one: the thread's entry module (the runner's
 * runner/change-thread-entry.ts) calls runChangeThread with it.
 */
import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import { runThread, type ThreadSide } from '../config/thread-side.ts';
import type { AckedPublish } from '../config/acked-publish.ts';
import { ChangePublisher, type PublishedStore } from './changes.ts';
import { AtpDb, type PublishedRecord } from './lmdb-store.ts';
import { FastReader } from './fast.ts';
import { calendarOf, DEFAULT_CALENDAR, type LocationCalendar } from './calendar.ts';
import { channelVisible } from './visible.ts';
import type { ChangeThreadStart, FromChangeThread, ToChangeThread } from './change-thread.ts';

/** How long the stream may take to acknowledge a group of change events. */
const ACK_TIMEOUT_MS = 10_000;

/** Figures announced and not yet in the file, with the generation that announced them. */
class Announced implements PublishedStore {
  private readonly figures = new Map<string, { gen: number; record: PublishedRecord }>();
  private readonly byGen = new Map<number, string[]>();
  private gen = 0;
  private readonly db: AtpDb;
  private readonly send: (gen: number, entries: [string, PublishedRecord][]) => void;

  constructor(db: AtpDb, send: (gen: number, entries: [string, PublishedRecord][]) => void) {
    this.db = db;
    this.send = send;
  }

  publishedRecord(sku: string, channels: readonly string[]): PublishedRecord | undefined {
    return this.figures.get(sku)?.record ?? this.db.publishedRecord(sku, channels);
  }

  queuePublished(entries: ReadonlyMap<string, PublishedRecord>): void {
    const gen = ++this.gen;
    const skus: string[] = [];
    for (const [sku, record] of entries) {
      this.figures.set(sku, { gen, record });
      skus.push(sku);
    }
    this.byGen.set(gen, skus);
    this.send(gen, [...entries]);
  }

  /** The view wrote every generation up to `gen`: the file answers for them now. */
  saved(gen: number): void {
    for (const [g, skus] of this.byGen) {
      if (g > gen) break;
      for (const sku of skus) if (this.figures.get(sku)?.gen === g) this.figures.delete(sku);
      this.byGen.delete(g);
    }
  }
}

/** How the thread connects and publishes: given by its entry module. */
export interface ChangeThreadNats {
  connect(url: string, name: string, logger: Logger): Promise<NatsConnection>;
  /** The acknowledged publish on `nc` (one acknowledgement subscription per connection). */
  publisher(nc: NatsConnection): AckedPublish;
}

let handle: ((m: ToChangeThread) => void) | undefined;
const early: ToChangeThread[] = [];

async function main({ start, logger, post, onStop }: ThreadSide<ChangeThreadStart, FromChangeThread>, nats: ChangeThreadNats): Promise<void> {
  const nc = await nats.connect(start.natsUrl, `crossdock-changes-${process.pid}`, logger);
  onStop(() => nc.close());
  const db = AtpDb.open(start.dataDir, { reader: { unsynced: start.unsynced } });
  onStop(() => db.close());
  const calendars = new Map<string, LocationCalendar>();
  for (const { value } of db.locations.getRange()) calendars.set(value.id, calendarOf(value));
  const calendar = (id: string): LocationCalendar => calendars.get(id) ?? DEFAULT_CALENDAR;
  const fast = new FastReader(start.policy, calendar, (id) => db.locationIndex(id));
  const acked = nats.publisher(nc);
  const announced = new Announced(db, (gen, entries) => post({ type: 'published', gen, entries }));
  const publisher: ChangePublisher = new ChangePublisher({
    nc,
    publish: (subject, data, opts) => acked(subject, data, { timeout: ACK_TIMEOUT_MS, ...opts }),
    db: announced,
    policy: start.policy,
    logger: logger.child({ component: 'availability' }),
    clock: Date.now,
    visible: (sku, channel, now) => channelVisible(sku, channel, now, { db, fast, policy: start.policy, calendar }),
    onRound: () => post({ type: 'stats', stats: { ...publisher.stats } }),
  });
  const p = publisher;
  onStop(() => p.stop());
  handle = (m) => {
    if (m.type === 'marks') for (const [sku, seq, timed] of m.marks) p.mark(sku, seq, timed);
    else if (m.type === 'saved') announced.saved(m.gen);
    else {
      for (const l of m.locations) calendars.set(l.id, calendarOf(l));
      fast.invalidate();
    }
  };
  for (const m of early.splice(0)) handle(m);
}

/** Runs this thread; called once by the entry module. */
export function runChangeThread(nats: ChangeThreadNats): void {
  runThread<ChangeThreadStart, ToChangeThread, FromChangeThread>(
    (side) => main(side, nats),
    (m) => {
      if (handle) handle(m);
      else early.push(m);
    },
  );
}
