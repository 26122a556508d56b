import { join, resolve } from 'node:path';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { connect } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { CommandSpec } from '../command.ts';
import { CommandError, commonOptions, str } from '../command.ts';
import { Diagnostics, formatDiagnostic } from '../../config/diagnostics.ts';
import { readRuntimeInfo } from '../../runner/runtime-file.ts';
import { startRunner, type RunningRunner } from '../../runner/runner.ts';
import { loadOrReport } from '../project-loading.ts';
import { createLogger } from '../../observability/logger.ts';
import { loadDemoScript } from '../../demo/script.ts';
import { play } from '../../demo/player.ts';
import { startStandInErp, type StandInErp } from '../../demo/stand-in-erp.ts';
import { countsFromMetrics, markStreams, messagesSince, renderSummary, waitForQuiet } from '../../demo/summary.ts';
import { demoErpBook } from '../../demo/erp-book.ts';

export const demoCommand: CommandSpec = {
  name: 'demo',
  summary: 'Play a day of a distributor’s traffic through the pipelines and summarise it',
  usage: 'crossdock demo [--script FILE] [--speed MS] [--pipelines DIR] [--nats URL] [--data DIR]',
  details:
    'Orders from three channels, supplier acknowledgments and ASNs, receipts, shipments, an invoice and a few\n' +
    'bad documents (runtime/demo/day/). Uses the runner of a running `crossdock run` in this\n' +
    'folder (or --nats), otherwise starts one with an embedded NATS server and a fresh data folder. A stand-in\n' +
    'ERP answers the pipelines\' REST calls on 127.0.0.1:8089 (ERP_URL). Prints documents per flow, business\n' +
    'exceptions and dead letters.',
  options: {
    script: { type: 'string', value: 'FILE', description: 'The day to play', default: 'runtime/demo/day/day.yaml' },
    speed: { type: 'string', value: 'MS', description: 'Milliseconds per minute of the day', default: '15' },
    pipelines: commonOptions.pipelines,
    nats: commonOptions.nats,
    data: commonOptions.data,
  },
  async run(args) {
    const diags = new Diagnostics();
    const scriptFile = resolve(str(args, 'script') as string);
    const script = loadDemoScript(scriptFile, diags);
    for (const d of diags.sorted()) process.stderr.write(formatDiagnostic(d) + '\n');
    if (!script) return 1;
    const speed = Number(str(args, 'speed'));
    if (!Number.isFinite(speed) || speed < 0) throw new CommandError(`--speed takes milliseconds per minute, not '${str(args, 'speed')}'`, 2);

    // The summary reports every dead letter and exception; the log would only repeat them.
    const logger = createLogger({ level: 'error' });
    let erp: StandInErp | undefined;
    try {
      erp = await startStandInErp(8089, demoErpBook());
    } catch {
      process.stderr.write('(port 8089 is taken: the pipelines\' ERP calls go to whatever listens there)\n');
    }
    const existing = str(args, 'nats') ?? process.env.NATS_URL ?? readRuntimeInfo(str(args, 'data') as string)?.natsUrl;
    let own: RunningRunner | undefined;
    let natsUrl = existing;
    let httpBase: string | undefined = readRuntimeInfo(str(args, 'data') as string)?.http;
    httpBase = httpBase ? `http://${httpBase}` : undefined;
    const dataDir = existing ? (str(args, 'data') as string) : mkdtempSync(join(tmpdir(), 'crossdock-demo-'));
    const inbox = (name: string): string => process.env[`${name.toUpperCase()}_INBOX`] ?? join(existing ? '.crossdock' : dataDir, name, 'inbox');
    if (!existing) {
      // A fresh runner of our own: its drop folders and ERP are the demo's.
      process.env.EDI_INBOX ??= inbox('edi');
      process.env.EDI_OUTBOX ??= join(dataDir, 'edi', 'outbox');
      if (erp) process.env.ERP_URL ??= erp.url;
      const project = loadOrReport(str(args, 'pipelines') as string);
      if (!project) return 1;
      process.stdout.write(`starting a runner with an embedded NATS server (data in ${dataDir})\n`);
      own = await startRunner({ project, dataDir, logger, http: { host: '127.0.0.1', port: 0 }, graceMs: 5000 });
      natsUrl = own.natsUrl;
      httpBase = own.http ? `http://${own.http.host}:${own.http.port}` : undefined;
    }
    const nc = await connect({ servers: (natsUrl as string).split(',') });
    try {
      const jsm = await jetstreamManager(nc);
      const marks = await markStreams(jsm);
      process.stdout.write(`\n${script.title}\n\n`);
      await play(script, scriptFile, { js: jetstream(nc), httpBase, dropFolder: inbox, shopifySecret: process.env.SHOPIFY_WEBHOOK_SECRET ?? 'crossdock-dev-secret' }, speed, (e) =>
        process.stdout.write(`  ${e.at}  ${e.what} — ${e.outcome}\n`),
      );
      process.stdout.write('\nwaiting for the pipelines to finish…\n');
      const quiet = await waitForQuiet(jsm, 60_000);
      if (!quiet) process.stdout.write('(some consumers still had work after 60 s; the summary shows what was done)\n');
      const metricsText = httpBase ? await (await fetch(`${httpBase}/metrics`)).text() : own ? own.metrics.registry.render() : '';
      process.stdout.write('\n' + renderSummary(countsFromMetrics(metricsText), await messagesSince(jsm, marks)) + '\n');
    } finally {
      await nc.drain().catch(() => undefined);
      await own?.stop();
      await erp?.close();
    }
    return 0;
  },
};
