/**
 * A lean HTTP/1.1 load generator for the availability benchmark: keep-alive sockets, one
 * request in flight per socket, responses parsed just enough to find their end. Node's own
 * HTTP client would be the bottleneck long before either server; the same client drives the
 * runner and the bare server, so their ratio is fair.
 */
import { connect, type Socket } from 'node:net';
import { summarize } from './stats.ts';

export interface LoadResult {
  readonly requests: number;
  readonly seconds: number;
  readonly rps: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly non200: number;
}

class Conn {
  private readonly socket: Socket;
  private buf: Buffer = Buffer.alloc(0);
  private waiting: ((status: number) => void) | undefined;
  busy = false;

  constructor(socket: Socket) {
    this.socket = socket;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
  }

  static open(port: number): Promise<Conn> {
    return new Promise((resolve, reject) => {
      const s = connect(port, '127.0.0.1', () => resolve(new Conn(s)));
      s.once('error', reject);
    });
  }

  request(path: string, headers: string): Promise<number> {
    this.busy = true;
    return new Promise((resolve) => {
      this.waiting = resolve;
      this.socket.write(`GET ${path} HTTP/1.1\r\nHost: bench\r\n${headers}\r\n`);
    });
  }

  close(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    const end = this.buf.indexOf('\r\n\r\n');
    if (end < 0) return;
    const head = this.buf.subarray(0, end).toString('latin1');
    const length = Number(/content-length: *(\d+)/i.exec(head)?.[1] ?? 0);
    if (this.buf.length < end + 4 + length) return;
    this.buf = this.buf.subarray(end + 4 + length);
    const status = Number(head.slice(9, 12));
    const w = this.waiting;
    this.waiting = undefined;
    this.busy = false;
    w?.(status);
  }
}

async function openAll(port: number, n: number): Promise<Conn[]> {
  return Promise.all(Array.from({ length: n }, () => Conn.open(port)));
}

/** Every connection sends its next request as soon as the previous answer arrives: throughput. */
export async function closedLoop(port: number, path: () => string, headers: string, connections: number, seconds: number): Promise<LoadResult> {
  const conns = await openAll(port, connections);
  const latencies: number[] = [];
  let non200 = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    conns.map(async (c) => {
      while (performance.now() < deadline) {
        const t = performance.now();
        const status = await c.request(path(), headers);
        latencies.push(performance.now() - t);
        if (status !== 200) non200++;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  conns.forEach((c) => c.close());
  const s = summarize(latencies);
  return { requests: latencies.length, seconds: elapsed, rps: latencies.length / elapsed, p50Ms: s.p50, p99Ms: s.p99, non200 };
}

/**
 * Requests at a fixed rate, each timed from when it was due (not when a socket was free), so
 * queueing shows in the latency instead of hiding it.
 */
export async function openLoop(port: number, path: () => string, headers: string, connections: number, rate: number, seconds: number): Promise<LoadResult> {
  const conns = await openAll(port, connections);
  const latencies: number[] = [];
  let non200 = 0;
  const total = Math.floor(rate * seconds);
  const started = performance.now();
  const queue: number[] = [];
  let scheduled = 0;
  let done = 0;
  await new Promise<void>((resolve) => {
    const dispatch = (): void => {
      for (const c of conns) {
        if (queue.length === 0) return;
        if (c.busy) continue;
        const due = queue.shift() as number;
        void c.request(path(), headers).then((status) => {
          latencies.push(performance.now() - due);
          if (status !== 200) non200++;
          if (++done === total) resolve();
          else dispatch();
        });
      }
    };
    const tick = (): void => {
      const now = performance.now();
      while (scheduled < total && started + (scheduled * 1000) / rate <= now) queue.push(started + (scheduled++ * 1000) / rate);
      dispatch();
      if (scheduled < total) setTimeout(tick, 1);
    };
    tick();
  });
  const elapsed = (performance.now() - started) / 1000;
  conns.forEach((c) => c.close());
  const s = summarize(latencies);
  return { requests: latencies.length, seconds: elapsed, rps: latencies.length / elapsed, p50Ms: s.p50, p99Ms: s.p99, non200 };
}
