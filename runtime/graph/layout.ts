/**
 * Lays the flow graph out with ELK's layered algorithm (elk-graph.ts says how) in a worker
 * thread: a layout of the shipped project takes about a second of CPU, which must not stall a
 * runner's event loop.
 */
import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
import type { ElkNode } from 'elkjs/lib/elk-api.js';
import type { FlowGraph } from './graph.ts';
import type { GraphLayout } from './layout-model.ts';
import { fromElk, toElk } from './elk-graph.ts';

export interface GraphLayoutOptions {
  /** Scheduling priority of the layout thread (Linux; a runner lowers it to yield to traffic). */
  readonly nice?: number;
}

export async function layoutGraph(graph: FlowGraph, options: GraphLayoutOptions = {}): Promise<GraphLayout> {
  const plan = toElk(graph);
  return fromElk(plan, await runElk(plan.input, options.nice));
}

const ELK_BUNDLE = createRequire(import.meta.url).resolve('elkjs/lib/elk.bundled.js');

/** ELK's plain-JavaScript bundle on a thread of its own, for one layout. */
function runElk(input: ElkNode, nice: number | undefined): Promise<ElkNode> {
  const source = [
    nice === undefined ? '' : `try { require('node:os').setPriority(0, ${Math.trunc(nice)}); } catch {}`,
    "const { parentPort, workerData } = require('node:worker_threads');",
    `const ELK = require(${JSON.stringify(ELK_BUNDLE)});`,
    'new ELK().layout(workerData).then((laid) => parentPort.postMessage({ laid }), (err) => parentPort.postMessage({ error: String((err && err.message) || err) }));',
  ].join('\n');
  return new Promise((resolve, reject) => {
    const worker = new Worker(source, { eval: true, workerData: input });
    let settled = false;
    const settle = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      fn();
      void worker.terminate();
    };
    worker.on('message', (m: { laid?: ElkNode; error?: string }) => settle(() => (m.laid ? resolve(m.laid) : reject(new Error(`graph layout failed: ${m.error ?? 'no answer'}`)))));
    worker.on('error', (err) => settle(() => reject(new Error(`graph layout thread failed: ${err.message}`))));
    worker.on('exit', (code) => settle(() => reject(new Error(`graph layout thread exited (code ${code}) before answering`))));
  });
}
