/**
 * `npm run bench`: every benchmark section in one run, printed side by side as tables with
 * ratios and percentiles; `npm run bench -- --json` prints the same figures as one JSON
 * document. `--quick` shrinks every workload (for a smoke run), `--only a,b` picks sections.
 */
import os from 'node:os';
import { benchRelay } from './relay.ts';
import { benchIngress } from './edges.ts';
import { benchEdi, ediText } from './edi.ts';
import { benchAvailability, availabilityText } from './availability.ts';
import { benchReservations, reservationsText } from './availability-reserve.ts';
import { benchExpressions, expressionsText } from './expressions.ts';
import { benchRunaway, runawayText } from './runaway.ts';
import { benchLint, lintText } from './lint.ts';
import { benchCluster, clusterText } from './cluster.ts';
import { benchWorkers, workersText } from './workers.ts';
import { benchExpectations, expectationsText } from './expectations.ts';
import { benchTrace, traceText } from './trace.ts';
import { benchOperations, operationsText } from './operations.ts';
import { benchConsole, consoleText } from './console.ts';
import { fmt, ms, table } from './stats.ts';

// `crossdock run` starts one worker per core by default; every other section measures one
// runner process (the workers section passes --workers itself).
process.env.CROSSDOCK_WORKERS ??= '1';

interface Section {
  readonly name: string;
  run(quick: boolean): Promise<{ data: unknown; text: string }>;
}

/** A section whose figures print through one text function. */
function tabled<R>(name: string, bench: (quick: boolean) => Promise<R>, text: (r: R) => string): Section {
  return { name, run: async (quick) => { const r = await bench(quick); return { data: r, text: text(r) }; } };
}

const sections: Section[] = [
  {
    name: 'runner',
    async run(quick) {
      const r = await benchRelay({ quick });
      const rows = r.rows.map((row) => [row.label, fmt(row.messages), fmt(row.msgPerSec), fmt(row.cpuUsPerMsg), ms(row.latencyMs.p50), ms(row.latencyMs.p99)]);
      const text = [
        `Runner core: ${fmt(r.rows[0]?.messages ?? 0)} Shopify orders (${r.rows[1]?.expressionEngine ?? '?'} JSONata), latency at ${r.latencyRate} msg/s`,
        table(['variant', 'messages', 'msg/s', 'CPU µs/msg', 'p50', 'p99'], rows),
        `ratios: c/b = ${r.ratios.cOverB.toFixed(2)}   c/a = ${r.ratios.cOverA.toFixed(2)}   b/a = ${r.ratios.bOverA.toFixed(2)}   b′/a = ${r.ratios.bJsOverA.toFixed(2)}   d/c = ${r.ratios.dOverC.toFixed(2)} (by CPU per order: ${r.ratios.dOverCByCpu.toFixed(2)})`,
      ].join('\n');
      return { data: r, text };
    },
  },
  tabled('runaway', (quick) => benchRunaway({ quick }), runawayText),
  {
    name: 'ingress',
    async run(quick) {
      const rows = await benchIngress({ quick });
      const ceiling = rows.find((r) => r.variant === 'ceiling');
      const text = [
        'Webhook ingress: Shopify orders/create (7.6 kB), 32 keep-alive connections, load generator in its own process',
        table(
          ['variant', 'requests', 'req/s', 'p50', 'p99', 'non-202'],
          rows.map((r) => [r.label, fmt(r.requests), fmt(r.rps), ms(r.p50Ms), ms(r.p99Ms), fmt(r.non202)]),
        ),
        `ratio: crossdock/ceiling = ${ceiling ? ((rows.find((r) => r.variant === 'crossdock')?.rps ?? 0) / ceiling.rps).toFixed(2) : '-'}`,
      ].join('\n');
      return { data: rows, text };
    },
  },
  {
    name: 'edi',
    async run(quick) {
      const rows = await benchEdi({ quick });
      return { data: rows, text: ediText(rows) };
    },
  },
  tabled('expressions', (quick) => benchExpressions({ quick }), expressionsText),
  tabled('availability', (quick) => benchAvailability({ quick }), availabilityText),
  tabled('reservations', (quick) => benchReservations({ quick }), reservationsText),
  tabled('cluster', (quick) => benchCluster({ quick }), clusterText),
  tabled('workers', (quick) => benchWorkers({ quick, cores: os.availableParallelism() }), workersText),
  tabled('expectations', (quick) => benchExpectations({ quick }), expectationsText),
  tabled('operations', (quick) => benchOperations({ quick }), operationsText),
  tabled('console', (quick) => benchConsole({ quick }), consoleText),
  tabled('trace', (quick) => benchTrace({ quick }), traceText),
  {
    name: 'lint',
    async run(quick) {
      const rows = await benchLint({ quick });
      return { data: rows, text: lintText(rows) };
    },
  },
];

async function main(argv: string[]): Promise<void> {
  const json = argv.includes('--json');
  const quick = argv.includes('--quick');
  const onlyArg = argv.find((a) => a.startsWith('--only='))?.slice('--only='.length) ?? (argv.includes('--only') ? argv[argv.indexOf('--only') + 1] : undefined);
  const only = onlyArg ? new Set(onlyArg.split(',')) : undefined;
  const machine = { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? 'unknown', memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version, platform: `${os.platform()} ${os.release()}` };
  const results: Record<string, unknown> = {};
  if (!json) process.stdout.write(`Crossdock benchmarks — ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGiB} GiB, Node ${machine.node}${quick ? ' (quick)' : ''}\n\n`);
  for (const s of sections) {
    if (only && !only.has(s.name)) continue;
    const { data, text } = await s.run(quick);
    results[s.name] = data;
    if (!json) process.stdout.write(text + '\n\n');
  }
  if (json) process.stdout.write(JSON.stringify({ machine, quick, results }, null, 2) + '\n');
}

await main(process.argv.slice(2));
