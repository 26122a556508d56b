/**
 * Console sessions across `crossdock run --workers 2`: the workers share the port, so a
 * session signed in through one worker is checked by whichever worker takes the next
 * connection. Without CROSSDOCK_CONSOLE_SECRET the supervisor makes one secret for the group;
 * a worker with its own random secret would refuse about half of these requests.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { request } from 'node:http';
import { fastShopifyProject } from '../support/project.ts';
import { startTestNats, type TestNats } from '../support/nats.ts';
import { startRunnerProcess, type RunnerProcess } from '../support/runner-process.ts';

const KEY = 'console-workers-viewer-key-31c7';
let nats: TestNats;
let runner: RunnerProcess | undefined;

beforeAll(async () => {
  nats = await startTestNats();
});
afterAll(async () => {
  if (runner?.child.exitCode === null) {
    runner.child.kill('SIGTERM');
    await runner.exited;
  }
  await nats.close();
  delete process.env.CROSSDOCK_API_KEYS;
});

/** One request on a connection of its own (no keep-alive), so the group spreads them over its workers. */
function fresh(port: number, method: string, path: string, headers: Record<string, string>, body?: string): Promise<{ status: number; cookie?: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, ...(res.headers['set-cookie'] ? { cookie: String(res.headers['set-cookie']).split(';')[0] } : {}) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

it('a session signed in through one worker is accepted by every worker', { timeout: 90_000 }, async () => {
  delete process.env.CROSSDOCK_CONSOLE_SECRET;
  process.env.CROSSDOCK_API_KEYS = `viewer:vic:${KEY}`;
  runner = startRunnerProcess(fastShopifyProject().pipelinesDir, nats.url, ['--workers', '2']);
  const { httpPort } = await runner.ready;
  const port = httpPort as number;
  const signIn = await fresh(port, 'POST', '/console/sign-in', { 'content-type': 'application/x-www-form-urlencoded' }, `key=${KEY}`);
  expect(signIn.status).toBe(303);
  const cookie = signIn.cookie as string;
  const statuses: number[] = [];
  for (let i = 0; i < 16; i++) statuses.push((await fresh(port, 'GET', '/v1/kpi', { cookie })).status);
  expect(statuses).toEqual(new Array(16).fill(200));
  expect(runner.output()).not.toContain(KEY);
});
