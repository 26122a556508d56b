import type { CommandSpec } from '../command.ts';
import { CommandError, UsageError, commonOptions, flag, str } from '../command.ts';
import { loadOrReport } from '../project-loading.ts';
import { ExpectationStore } from '../../operations/expectations/store.ts';
import { WorkbenchStore, workbenchDir } from '../../operations/exceptions/store.ts';
import { kpiReport, type KpiViews } from '../../operations/kpi/facts.ts';
import { TraceDb, traceDir } from '../../operations/trace/store.ts';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseWindow } from '../../operations/kpi/service.ts';
import { renderKpis } from '../../operations/kpi/render.ts';

export const kpiCommand: CommandSpec = {
  name: 'kpi',
  summary: 'Print the operations KPIs over a time window',
  usage: 'crossdock kpi [--since 24h|ISO] [--until ISO] [--json]',
  details:
    'Computes the eight KPIs (docs/operations.md, KPIs) from the operations views in the data folder\n' +
    '(read-only; safe while the runner writes them): order processing latency, inventory sync delay,\n' +
    'shipment confirmation timeliness, supplier acknowledgment SLA, interface failure rate, duplicate\n' +
    'transaction rate, exception resolution time and partner onboarding duration. The inventory sync\n' +
    'delay is measured by the running runner: ask GET /v1/kpi for it.',
  options: {
    pipelines: commonOptions.pipelines,
    data: commonOptions.data,
    since: { type: 'string', value: 'WHEN', description: 'Start of the window: a duration back from now (24h, 7d) or an ISO time', default: '24h' },
    until: { type: 'string', value: 'WHEN', description: 'End of the window (default: now)' },
    json: { type: 'boolean', description: 'Print JSON' },
  },
  positionals: { max: 0 },
  async run(args) {
    const project = loadOrReport(str(args, 'pipelines') as string);
    if (!project) return 1;
    const window = parseWindow(str(args, 'since'), str(args, 'until'), Date.now());
    if ('field' in window) throw new UsageError(`--${window.error}`);
    const data = str(args, 'data') as string;
    const expectations = project.expectations ? ExpectationStore.openReadOnly(data) : undefined;
    const workbench = WorkbenchStore.openReadOnly(workbenchDir(data));
    const trace = existsSync(join(traceDir(data), 'trace.mdb')) ? TraceDb.open(data, { readOnly: true }) : undefined;
    if (!expectations && !workbench && !trace) throw new CommandError(`no operations views in ${data}: start \`crossdock run\` with this project (or pass --data)`);
    try {
      const views: KpiViews = {
        ...(expectations && project.expectations ? { expectations, expectationNames: project.expectations.expectations.map((e) => e.name) } : {}),
        ...(workbench ? { workbench } : {}),
        ...(trace ? { trace } : {}),
        syncDelaysMissing: 'measured by the running runner only (GET /v1/kpi)',
      };
      const report = kpiReport(views, window);
      process.stdout.write(flag(args, 'json') ? JSON.stringify(report, null, 2) + '\n' : renderKpis(report));
    } finally {
      await expectations?.close();
      await workbench?.close();
      await trace?.close();
    }
    return 0;
  },
};
