/**
 * Edge benchmarks: webhook ingress (202 after the JetStream ack) against its ceiling, a bare
 * node:http server that publishes the body to JetStream and answers 202 after the ack; and X12
 * 850 files of 1 to 10,000 lines parsed and mapped, against the raw parse alone.
 */
import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { startNatsServer } from '../../runtime/transport/nats-server.ts';
import { loadProject } from '../../runtime/compile/project.ts';
import { ensureStreams } from '../../runtime/transport/streams.ts';
import { tempDir } from '../support/nats.ts';
import { REPO } from '../support/project.ts';

export interface IngressRow {
  readonly variant: 'ceiling' | 'crossdock';
  readonly label: string;
  readonly rps: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly requests: number;
  readonly non202: number;
}

interface LoadResult {
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  statuses: Record<string, number>;
}

function runLoad(spec: object): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(REPO, 'test/bench/load.ts'), JSON.stringify(spec)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    child.once('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as LoadResult) : reject(new Error(`load generator exited ${code}`))));
  });
}

const SECRET = 'bench-secret';

export async function benchIngress(opts: { quick?: boolean }): Promise<IngressRow[]> {
  const durationMs = opts.quick ? 2000 : 8000;
  const concurrency = 32;
  const bodyFile = join(tempDir('bench-body'), 'order.json');
  const body = readFileSync(join(REPO, 'test/fixtures/shopify/order.json'));
  writeFileSync(bodyFile, body);
  const signature = createHmac('sha256', SECRET).update(body).digest('base64');
  const headers = { 'content-type': 'application/json', 'x-shopify-topic': 'orders/create', 'x-shopify-hmac-sha256': signature };
  const rows: IngressRow[] = [];

  // Ceiling: node:http + JetStream publish, nothing else.
  {
    const server = await startNatsServer({ storeDir: tempDir('bench-ingress-nats') });
    const nc = await connect({ servers: server.url, noAsyncTraces: true });
    await ensureStreams(await jetstreamManager(nc), loadProject(join(REPO, 'pipelines')).streams);
    const js = jetstream(nc);
    const http = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        js.publish('channel.shopify.orders.created', Buffer.concat(chunks), { msgID: String(req.headers['x-shopify-webhook-id']) }).then(
          () => res.writeHead(202).end('{"accepted":true}'),
          () => res.writeHead(503).end(),
        );
      });
    });
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', () => r()));
    const port = (http.address() as AddressInfo).port;
    const load = await runLoad({ url: `http://127.0.0.1:${port}/`, concurrency, durationMs, headers, bodyFile, uniqueHeader: 'x-shopify-webhook-id' });
    rows.push(row('ceiling', 'bare node:http → JetStream publish → 202', load));
    http.close();
    await nc.close();
    await server.stop();
  }

  // Crossdock: the shopify-webhooks edge pipeline in `crossdock run`.
  {
    const server = await startNatsServer({ storeDir: tempDir('bench-ingress-nats') });
    const child = spawn(process.execPath, [join(REPO, 'runtime/cli/bin.mjs'), 'run', '--pipelines', join(REPO, 'pipelines'), '--only', 'shopify-webhooks', '--nats', server.url, '--data', tempDir('bench-ingress-runner'), '--http', '127.0.0.1:0', '--log-level', 'info'], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, SHOPIFY_WEBHOOK_SECRET: SECRET },
    });
    const port = await new Promise<number>((resolve, reject) => {
      let out = '';
      child.stdout.setEncoding('utf8').on('data', (c: string) => {
        out += c;
        const m = /"http":"[^"]*:(\d+)"/.exec(out);
        if (m && out.includes('runner ready')) resolve(Number(m[1]));
      });
      child.once('exit', (code) => reject(new Error(`runner exited ${code}: ${out}`)));
    });
    const load = await runLoad({ url: `http://127.0.0.1:${port}/webhooks/shopify`, concurrency, durationMs, headers, bodyFile, uniqueHeader: 'x-shopify-webhook-id' });
    rows.push(row('crossdock', 'crossdock http edge (HMAC check, pipeline, publish, 202)', load));
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    await server.stop();
  }
  return rows;
}

function row(variant: IngressRow['variant'], label: string, r: LoadResult): IngressRow {
  const non202 = Object.entries(r.statuses).filter(([s]) => s !== '202').reduce((n, [, c]) => n + c, 0);
  return { variant, label, rps: r.rps, p50Ms: r.p50, p99Ms: r.p99, requests: r.requests, non202 };
}
