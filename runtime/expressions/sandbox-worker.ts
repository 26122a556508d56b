/**
 * One expression worker (see sandbox.ts). It compiles each expression once, evaluates what
 * the pool sends with the task's own time limit, and answers with the value or the error.
 * Nothing here may outlive a task: if evaluation never returns, the pool terminates the thread.
 */
import { parentPort } from 'node:worker_threads';
import { compileExpression, type Expression } from './jsonata.ts';
import { toExpressionError } from './errors.ts';
import { withFrozenClock } from './clock.ts';
import type { SandboxEngine, SandboxReply } from './sandbox.ts';

interface Task {
  readonly id: number;
  readonly source: string;
  readonly engine: SandboxEngine;
  readonly input: unknown;
  readonly bindings: Readonly<Record<string, unknown>> | undefined;
  readonly timeoutMs: number;
  readonly frozenAt: number | undefined;
}

const port = parentPort;
if (!port) throw new Error('sandbox-worker.ts runs only as a worker thread');

const cache = new Map<string, Expression>();

function expressionFor(t: Task): Expression {
  const key = `${t.engine}\u0000${t.timeoutMs}\u0000${t.source}`;
  let e = cache.get(key);
  if (!e) {
    // Inline here: this thread is the place where an expression may take its time.
    e = compileExpression(t.source, { engine: t.engine, isolation: 'inline', limits: { timeoutMs: t.timeoutMs } });
    if (cache.size > 1000) cache.clear();
    cache.set(key, e);
  }
  return e;
}

function fail(id: number, err: unknown): SandboxReply {
  const e = toExpressionError(err);
  return { id, ok: false, code: e.code, message: e.message, ...(e.position === undefined ? {} : { position: e.position }), ...(e.token === undefined ? {} : { token: e.token }) };
}

function send(reply: SandboxReply): void {
  try {
    port!.postMessage(reply);
  } catch (err) {
    // A result that cannot cross threads (a function value): report it instead of going silent.
    port!.postMessage(fail(reply.id, new Error(`expression result cannot be returned: ${(err as Error).message}`)));
  }
}

port.on('message', (t: Task) => {
  const evaluate = async (): Promise<unknown> => expressionFor(t).evaluate(t.input, t.bindings);
  // One task at a time per worker, so a frozen clock cannot leak into another evaluation.
  (t.frozenAt === undefined ? evaluate() : withFrozenClock(t.frozenAt, evaluate)).then(
    (v) => send({ id: t.id, ok: true, value: v }),
    (err: unknown) => send(fail(t.id, err)),
  );
});

port.postMessage('ready');
