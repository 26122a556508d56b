/**
 * The event hub on a real HTTP server and real sockets: the client cap, a slow reader dropped
 * instead of buffered without end, heartbeats, the owner told when watching starts and stops,
 * and close() ending every stream.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EventHub, frame } from '../../runtime/console/events.ts';
import { waitFor } from '../support/nats.ts';

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r) ?? r(undefined));
  server = undefined;
});

async function serve(hub: EventHub): Promise<string> {
  server = createServer((req, res) => {
    if (!hub.connect(req, res, [frame('hello', { n: 1 })])) {
      res.writeHead(503);
      res.end();
    }
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

function open(url: string, read = true): Promise<{ res: IncomingMessage; text: () => string; closed: Promise<void> }> {
  return new Promise((resolve, reject) => {
    request(url, (res) => {
      let text = '';
      if (read) res.on('data', (c: Buffer) => (text += c.toString('utf8')));
      else res.pause();
      res.on('error', () => undefined);
      // The response's end, or its socket's close (which a paused response does not relay).
      const closed = new Promise<void>((r) => {
        res.once('close', () => r());
        res.socket.once('close', () => r());
      });
      resolve({ res, text: () => text, closed });
    })
      .on('error', reject)
      .end();
  });
}

describe('the event hub', () => {
  it('starts each stream with retry: and the initial frames, then broadcasts', async () => {
    const hub = new EventHub({ retryMs: 1234 });
    const c = await open(await serve(hub));
    expect(c.res.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    hub.broadcast('rates', { t: 1, p: {} });
    await waitFor('the broadcast', () => c.text().includes('event: rates'), 5000);
    expect(c.text()).toBe('retry: 1234\n\nevent: hello\ndata: {"n":1}\n\nevent: rates\ndata: {"t":1,"p":{}}\n\n');
    hub.close();
  });

  it('refuses clients past the cap', async () => {
    const hub = new EventHub({ maxClients: 2 });
    const url = await serve(hub);
    const a = await open(url);
    const b = await open(url);
    const c = await open(url);
    expect([a.res.statusCode, b.res.statusCode, c.res.statusCode]).toEqual([200, 200, 503]);
    expect(hub.size).toBe(2);
    hub.close();
  });

  it('tells its owner when the first client comes and the last goes, and sends heartbeats meanwhile', async () => {
    const hub = new EventHub({ heartbeatMs: 50 });
    const active: boolean[] = [];
    hub.onActive((a) => active.push(a));
    const url = await serve(hub);
    const a = await open(url);
    const b = await open(url);
    await waitFor('a heartbeat', () => a.text().includes(': heartbeat\n\n'), 5000);
    a.res.destroy();
    await waitFor('one left', () => hub.size === 1, 5000);
    b.res.destroy();
    await waitFor('none left', () => hub.size === 0, 5000);
    expect(active).toEqual([true, false]);
  });

  it('drops a client that does not read instead of buffering for it', async () => {
    const hub = new EventHub({ maxBufferedBytes: 64 * 1024 });
    const url = await serve(hub);
    const slow = await open(url, false);
    const fast = await open(url);
    const big = 'x'.repeat(32 * 1024);
    for (let i = 0; i < 400 && hub.dropped === 0; i++) {
      hub.broadcast('bulk', big);
      await new Promise((r) => setImmediate(r));
    }
    expect(hub.dropped).toBe(1);
    // Reading again, the slow client finds its stream cut short.
    slow.res.resume();
    await slow.closed;
    expect(hub.size).toBe(1);
    hub.broadcast('after', 1);
    await waitFor('the reader still served', () => fast.text().includes('event: after'), 5000);
    hub.close();
  });

  it('ends every stream on close and refuses new ones', async () => {
    const hub = new EventHub();
    const url = await serve(hub);
    const a = await open(url);
    hub.close();
    await a.closed;
    const later = await open(url);
    expect(later.res.statusCode).toBe(503);
  });
});
