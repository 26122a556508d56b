import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { CommandSpec, ParsedArgs } from '../command.ts';
import { CommandError, UsageError, commonOptions, flag, str } from '../command.ts';
import { loadOrReport } from '../project-loading.ts';
import { rebuildNats } from '../nats-url.ts';
import { Progress } from '../progress.ts';
import { createLogger } from '../../observability/logger.ts';
import type { AvailabilityPolicy } from '../../availability/policy.ts';
import type { ChannelFigure, LocationFigure, SkuAvailability } from '../../availability/api.ts';
import { atpDir } from '../../availability/lmdb-store.ts';
import { lookupFromFiles } from '../../availability/read-only.ts';
import { rebuildView } from '../../availability/rebuild.ts';
import { discardWorkerViews, workerViewsRoot } from '../../runner/worker-env.ts';

export const atpCommand: CommandSpec = {
  name: 'atp',
  summary: 'Show availability for a SKU, or rebuild the availability view',
  usage: 'crossdock atp SKU [--channel C] [--region R] [--qty N] [--explain] [--json] | crossdock atp rebuild',
  details:
    'atp SKU reads the availability view in the data folder directly (read-only; safe while the runner\n' +
    'writes it) with the project\'s policy: every channel and location, or one channel. --explain adds\n' +
    'each component and the stream sequence behind it.\n\n' +
    'atp rebuild empties the view and replays the inventory stream into it, with a progress bar. Stop the\n' +
    'runner first. Without --nats it starts the embedded server on the data folder\'s store.\n\n' +
    'With `run --workers N`, worker 0 keeps the view in the data folder (the one read here) and worker i\n' +
    'its own in <data>/workers/i; --data <data>/workers/i reads that one. rebuild removes those, and each\n' +
    'worker folds its own again from the stream when it starts.',
  options: {
    pipelines: commonOptions.pipelines,
    data: commonOptions.data,
    nats: commonOptions.nats,
    channel: { type: 'string', value: 'C', description: 'Only this channel' },
    region: { type: 'string', value: 'R', description: "The customer's region" },
    qty: { type: 'string', value: 'N', description: 'Quantity the promise date is for', default: '1' },
    explain: { type: 'boolean', description: 'Show how each figure is made up' },
    json: { type: 'boolean', description: 'Print JSON' },
  },
  positionals: { min: 1, max: 1 },
  async run(args) {
    const project = loadOrReport(str(args, 'pipelines') as string);
    if (!project) return 1;
    const policy = project.availability;
    if (!policy) throw new CommandError(`the project in ${str(args, 'pipelines')} has no availability policy (a YAML file with a top-level \`availability:\` key)`);
    const data = str(args, 'data') as string;
    if (args.positionals[0] === 'rebuild') return rebuild(args, policy, data);
    return lookup(args, policy, data, args.positionals[0] as string);
  },
};

async function lookup(args: ParsedArgs, policy: AvailabilityPolicy, data: string, sku: string): Promise<number> {
  const channel = str(args, 'channel');
  if (channel !== undefined && !policy.channelByName.has(channel)) throw new UsageError(`unknown channel '${channel}' (known: ${[...policy.channelByName.keys()].join(', ')})`);
  const quantity = Number(str(args, 'qty'));
  if (!(quantity > 0) || !Number.isFinite(quantity)) throw new UsageError(`--qty takes a number above 0, not '${str(args, 'qty')}'`);
  if (!existsSync(join(atpDir(data), 'atp.mdb'))) throw new CommandError(`no availability view in ${atpDir(data)}: start \`crossdock run\` with an availability policy, or run \`crossdock atp rebuild\``);
  const region = str(args, 'region');
  const a = await lookupFromFiles(data, policy, sku, { quantity, explain: flag(args, 'explain'), ...(channel ? { channel } : {}), ...(region ? { region } : {}) });
  process.stdout.write(flag(args, 'json') ? JSON.stringify(a, null, 2) + '\n' : render(a, flag(args, 'explain')));
  return 0;
}

function render(a: SkuAvailability, explain: boolean): string {
  const out = [`${a.sku}${a.known ? '' : '  (unknown: no position, reservation, hold, inbound line or receipt has named this SKU)'}  — view at stream sequence ${a.seq}`, ''];
  const row = (cells: (string | number | null)[]): string => cells.map((c, i) => String(c ?? '-').padEnd(i === 0 ? 14 : 12)).join('').trimEnd();
  out.push(row(['channel', 'region', 'available', `promise ×${a.channels[0]?.quantity ?? 1}`, 'ships']));
  for (const c of a.channels) out.push(row([c.channel, c.region ?? '', c.available, c.promiseDate, c.shipDate]));
  const locations: readonly LocationFigure[] = a.locations ?? a.channels.flatMap((c: ChannelFigure) => c.explain?.perLocation ?? []);
  if (locations.length > 0) {
    out.push('', row(['location', '', 'available', 'promise', 'ships']));
    for (const l of locations) out.push(row([l.location, '', l.available, l.promiseDate, l.shipDate]));
  }
  if (explain) {
    for (const c of a.channels) {
      const e = c.explain;
      // Each stage in the order it applies, with the figure after it.
      if (e) out.push('', `${c.channel}: pool ${e.pool} over ${e.locations.join(', ')}; − ring-fenced for others ${e.ringFencedForOthers} = ${e.afterRingFences}; share ${e.share ?? '-'}% → ${e.afterShare}; cap ${e.cap ?? '-'} → ${e.afterCap}; − buffer ${e.buffer} = ${c.available}`);
    }
    for (const l of locations) {
      const x = l.explain;
      if (!x) continue;
      out.push('', `${l.location} (${x.timeZone}, today ${x.today}): on hand ${x.onHand} + received ${x.receivedSinceSnapshot} − committed ${x.committed} − reserved ${x.reserved} − held ${x.qualityHold} − safety ${x.safetyStock} = ${x.physical}${x.backlog ? ` (backlog ${x.backlog})` : ''}; inbound ${x.inbound}`);
      out.push(`  ATP by day: ${x.atpByDay.map((d) => `${d.day} ${d.atp}`).join(', ')}`);
      for (const s of x.sources) out.push(`  seq ${String(s.seq).padEnd(8)} ${s.kind.padEnd(12)} ${String(s.quantity).padEnd(8)} ${s.id ?? ''}${s.day ? ` on ${s.day}` : ''}${s.expiresAt ? ` until ${s.expiresAt}` : ''}`);
    }
  }
  return out.join('\n') + '\n';
}

async function rebuild(args: ParsedArgs, policy: AvailabilityPolicy, data: string): Promise<number> {
  const { nc, close } = await rebuildNats(str(args, 'nats'), data, 'availability view', 'crossdock-atp-rebuild');
  const logger = createLogger({ level: 'warn' });
  try {
    let progress: Progress | undefined;
    let ticks = 0;
    const result = await rebuildView({
      nc,
      policy,
      dataDir: data,
      logger,
      onProgress: (applied, total) => {
        // One tick per thousand events keeps the terminal from being the bottleneck.
        progress ??= new Progress(Math.ceil(total / 1000));
        while (ticks < Math.floor(applied / 1000)) {
          progress.tick();
          ticks++;
        }
      },
    });
    progress?.done();
    process.stdout.write(
      `rebuilt ${atpDir(data)} from ${policy.stream}: ${result.events} events up to sequence ${result.lastSeq}, ${result.skus} SKUs, in ${(result.ms / 1000).toFixed(1)} s` +
        `${result.invalid ? `; ${result.invalid} events skipped (not matching their schema)` : ''}\n`,
    );
    const others = discardWorkerViews(data);
    if (others > 0) process.stdout.write(`removed the views of ${others} other worker${others === 1 ? '' : 's'} in ${workerViewsRoot(data)}: each worker folds its own again from the stream when it starts\n`);
    return 0;
  } finally {
    await close();
  }
}
