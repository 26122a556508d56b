/**
 * A closed-loop HTTP load generator, run as its own process so it does not share an event
 * loop with the server it measures: `concurrency` keep-alive connections each send the next
 * request as soon as the previous answer arrives, for `durationMs`. Prints one JSON line.
 */
import { Agent, request } from 'node:http';
import { readFileSync } from 'node:fs';

interface LoadSpec {
  readonly url: string;
  readonly concurrency: number;
  readonly durationMs: number;
  readonly headers: Record<string, string>;
  readonly bodyFile: string;
  /** Header whose value is made unique per request (e.g. a webhook id), or undefined. */
  readonly uniqueHeader?: string;
  /** Requests per second to pace at (open loop); omitted: as fast as answers come. */
  readonly rate?: number;
}

const spec = JSON.parse(process.argv[2] as string) as LoadSpec;
const body = readFileSync(spec.bodyFile);
const url = new URL(spec.url);
const agent = new Agent({ keepAlive: true, maxSockets: spec.concurrency });
const latencies: number[] = [];
const statuses: Record<number, number> = {};
let sent = 0;

function once(): Promise<void> {
  const headers: Record<string, string | number> = { ...spec.headers, 'content-length': body.length };
  if (spec.uniqueHeader) headers[spec.uniqueHeader] = `load-${process.pid}-${sent}`;
  sent++;
  const t0 = performance.now();
  return new Promise((resolve) => {
    const req = request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers, agent }, (res) => {
      res.resume();
      res.on('end', () => {
        latencies.push(performance.now() - t0);
        statuses[res.statusCode ?? 0] = (statuses[res.statusCode ?? 0] ?? 0) + 1;
        resolve();
      });
    });
    req.on('error', () => {
      statuses[0] = (statuses[0] ?? 0) + 1;
      resolve();
    });
    req.end(body);
  });
}

async function main(): Promise<void> {
  const start = performance.now();
  const end = start + spec.durationMs;
  if (spec.rate) {
    const interval = 1000 / spec.rate;
    const inflight: Promise<void>[] = [];
    for (let i = 0; performance.now() < end; i++) {
      const due = start + i * interval;
      const wait = due - performance.now();
      if (wait > 1) await new Promise((r) => setTimeout(r, wait));
      inflight.push(once());
    }
    await Promise.all(inflight);
  } else {
    await Promise.all(
      Array.from({ length: spec.concurrency }, async () => {
        while (performance.now() < end) await once();
      }),
    );
  }
  const elapsed = performance.now() - start;
  latencies.sort((a, b) => a - b);
  const pct = (p: number): number => latencies[Math.min(latencies.length - 1, Math.ceil((p / 100) * latencies.length) - 1)] ?? NaN;
  process.stdout.write(JSON.stringify({ requests: latencies.length, rps: (latencies.length / elapsed) * 1000, p50: pct(50), p99: pct(99), statuses }) + '\n');
  agent.destroy();
}

await main();
