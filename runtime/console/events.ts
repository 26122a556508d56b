/**
 * The server-sent event stream behind GET /v1/events: one hub per runner process that writes
 * each event, rendered once, to every connected client.
 *
 * Bounded on every side: at most `maxClients` streams (the next one gets 503); a client whose
 * socket buffer holds more than `maxBufferedBytes` (it reads slower than events come) is
 * dropped rather than buffered without end; a comment line every `heartbeatMs` keeps proxies
 * from closing an idle stream and lets the server notice a dead peer; `close()` ends every
 * stream when the runner stops. `onActive` tells the owner when the first client arrives and
 * the last leaves, so the work that feeds the hub runs only while somebody watches.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface EventHubOptions {
  readonly maxClients?: number;
  readonly heartbeatMs?: number;
  readonly maxBufferedBytes?: number;
  /** What the browser waits before reconnecting, sent as `retry:`. */
  readonly retryMs?: number;
}

export const MAX_CLIENTS = 100;
export const HEARTBEAT_MS = 15_000;
export const MAX_BUFFERED_BYTES = 1 << 20;
export const RETRY_MS = 5000;

/** One event in the text/event-stream format. */
export function frame(event: string, data: unknown): string {
  // JSON.stringify leaves no raw newline in its output, so one `data:` line holds it all.
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

export class EventHub {
  private readonly clients = new Set<ServerResponse>();
  private readonly maxClients: number;
  private readonly heartbeatMs: number;
  private readonly maxBuffered: number;
  private readonly retryMs: number;
  private heartbeat: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly activeListeners: ((active: boolean) => void)[] = [];
  /** Clients dropped for reading too slowly, since start (for tests and logs). */
  dropped = 0;

  constructor(o: EventHubOptions = {}) {
    this.maxClients = o.maxClients ?? MAX_CLIENTS;
    this.heartbeatMs = o.heartbeatMs ?? HEARTBEAT_MS;
    this.maxBuffered = o.maxBufferedBytes ?? MAX_BUFFERED_BYTES;
    this.retryMs = o.retryMs ?? RETRY_MS;
  }

  get size(): number {
    return this.clients.size;
  }

  onActive(listener: (active: boolean) => void): void {
    this.activeListeners.push(listener);
  }

  /**
   * Starts a stream on `res` with `initial` frames first (the state a new page needs). False,
   * and nothing written, when the hub is full or closed: the caller answers.
   */
  connect(req: IncomingMessage, res: ServerResponse, initial: readonly string[]): boolean {
    if (this.closed || this.clients.size >= this.maxClients) return false;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store, no-transform',
      // Proxies such as nginx would otherwise buffer the stream.
      'x-accel-buffering': 'no',
    });
    res.write(`retry: ${this.retryMs}\n\n${initial.join('')}`);
    this.clients.add(res);
    const leave = (): void => {
      if (!this.clients.delete(res)) return;
      if (this.clients.size === 0) this.setActive(false);
    };
    req.on('close', leave);
    res.on('close', leave);
    res.on('error', leave);
    if (this.clients.size === 1) this.setActive(true);
    return true;
  }

  /** Sends one event to every client. */
  broadcast(event: string, data: unknown): void {
    if (this.clients.size === 0) return;
    this.writeAll(frame(event, data));
  }

  /** Ends every stream and refuses new ones (the runner is stopping). */
  close(): void {
    this.closed = true;
    const all = [...this.clients];
    this.clients.clear();
    for (const res of all) res.end();
    if (all.length > 0) this.setActive(false);
  }

  private writeAll(text: string): void {
    for (const res of [...this.clients]) {
      if (res.writableLength > this.maxBuffered) {
        // The client reads slower than events come: drop it (its browser reconnects and starts afresh).
        this.dropped++;
        this.clients.delete(res);
        res.destroy();
        if (this.clients.size === 0) this.setActive(false);
        continue;
      }
      res.write(text);
    }
  }

  private setActive(active: boolean): void {
    clearInterval(this.heartbeat);
    this.heartbeat = undefined;
    if (active) {
      this.heartbeat = setInterval(() => this.writeAll(': heartbeat\n\n'), this.heartbeatMs);
      this.heartbeat.unref();
    }
    for (const l of this.activeListeners) l(active);
  }
}
