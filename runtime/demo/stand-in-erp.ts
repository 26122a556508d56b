/**
 * A stand-in ERP for the demo: answers the REST calls the reference pipelines make (post a
 * sales order, read a purchase order with its receipts) from a small in-memory book, so the
 * whole day runs on a laptop. It is not a test double for the runner — real ERPs sit here.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StandInErp {
  readonly url: string;
  readonly calls: () => number;
  close(): Promise<void>;
}

export interface ErpBook {
  /** Purchase orders the ERP knows, by PO number: ordered and received quantities per line. */
  readonly purchaseOrders: Readonly<Record<string, unknown>>;
}

export async function startStandInErp(port: number, book: ErpBook): Promise<StandInErp> {
  let calls = 0;
  let next = 100_000;
  const server: Server = createServer((req, res) => {
    calls++;
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const url = req.url ?? '/';
      res.setHeader('content-type', 'application/json');
      const po = /^\/api\/purchaseorders\/([^/?]+)/.exec(url);
      if (req.method === 'GET' && po) {
        const found = book.purchaseOrders[decodeURIComponent(po[1] as string)];
        res.writeHead(found ? 200 : 404).end(JSON.stringify(found ?? { error: 'unknown purchase order' }));
        return;
      }
      if (req.method === 'POST' && url.startsWith('/api/')) {
        res.writeHead(201).end(JSON.stringify({ orderNumber: `SO-${next++}`, documentNumber: `DOC-${next++}`, received: body.length }));
        return;
      }
      res.writeHead(404).end(JSON.stringify({ error: `no route ${req.method} ${url}` }));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls: () => calls,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
