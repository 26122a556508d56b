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
  /**
   * The ERP's numbers for sales orders it goes on to release and invoice in the day, by
   * `<channel>:<externalId>`: the day's releases and invoices quote them. Other orders are
   * numbered in the order they arrive.
   */
  readonly salesOrderNumbers?: Readonly<Record<string, string>>;
}

/** `<channel>:<externalId>` of a posted SalesOrder, when the body is one. */
function orderKey(body: string): string | undefined {
  try {
    const o = JSON.parse(body) as { channel?: unknown; externalId?: unknown };
    return typeof o.channel === 'string' && typeof o.externalId === 'string' ? `${o.channel}:${o.externalId}` : undefined;
  } catch {
    return undefined;
  }
}

export async function startStandInErp(port: number, book: ErpBook): Promise<StandInErp> {
  let calls = 0;
  let next = 100_000;
  // Like a real ERP, an order posted again keeps the number it was given.
  const numbered = new Map<string, string>(Object.entries(book.salesOrderNumbers ?? {}));
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
        const key = url.startsWith('/api/salesorders') ? orderKey(body) : undefined;
        let orderNumber = key === undefined ? undefined : numbered.get(key);
        if (orderNumber === undefined) {
          orderNumber = `SO-${next++}`;
          if (key !== undefined) numbered.set(key, orderNumber);
        }
        res.writeHead(201).end(JSON.stringify({ orderNumber, documentNumber: `DOC-${next++}`, received: body.length }));
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
