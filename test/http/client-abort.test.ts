/**
 * A client that hangs up in the middle of its request body is routine on the internet (a
 * timeout, a closed laptop): the router logs it at debug, without a stack, and answers nothing.
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { pino } from 'pino';
import { HttpServer, sendJson } from '../../runtime/http/server.ts';
import { abortMidBody } from '../support/http-abort.ts';

interface LogLine {
  level: number;
  msg?: string;
  err?: unknown;
  path?: string;
}
const lines: LogLine[] = [];
const sink = new Writable({
  write(chunk: Buffer, _enc, done) {
    for (const line of chunk.toString('utf8').split('\n')) if (line !== '') lines.push(JSON.parse(line) as LogLine);
    done();
  },
});
const http = new HttpServer(pino({ level: 'debug' }, sink));
let port = 0;
let handled: () => void = () => undefined;

beforeAll(async () => {
  // Reads the body the way the webhook ingress does: a stream error rejects the handler.
  http.route('POST', '/v1/hooks', async (req, res) => {
    try {
      const chunks: Buffer[] = [];
      await new Promise<void>((resolve, reject) => {
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', resolve);
        req.on('error', reject);
      });
      sendJson(res, 200, { bytes: Buffer.concat(chunks).length });
    } finally {
      setTimeout(handled, 50);
    }
  });
  http.route('POST', '/v1/broken', () => {
    throw new Error('a bug in a handler');
  });
  ({ port } = await http.listen('127.0.0.1', 0));
});
afterAll(() => http.close());

it('logs a client that aborts mid-body at debug, without a stack, and no error line', async () => {
  const before = lines.length;
  const done = new Promise<void>((resolve) => (handled = resolve));
  abortMidBody(port, '/v1/hooks');
  await done;
  const logged = lines.slice(before);
  expect(logged.filter((l) => l.level >= 40)).toEqual([]);
  expect(logged).toEqual([expect.objectContaining({ level: 20, path: '/v1/hooks', msg: 'client closed the connection before the request was complete' })]);
  expect(JSON.stringify(logged)).not.toContain('    at ');
});

it('still logs a handler that fails while its client is connected at error level', async () => {
  const before = lines.length;
  const r = await fetch(`http://127.0.0.1:${port}/v1/broken`, { method: 'POST', body: '{}' });
  expect(r.status).toBe(500);
  expect(lines.slice(before).map((l) => [l.level, l.msg])).toEqual([[50, 'http handler failed']]);
});
