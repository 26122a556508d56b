import { DeliverPolicy, type OrderedConsumerOptions } from '@nats-io/jetstream';
import type { CommandSpec } from '../command.ts';
import { UsageError, commonOptions, flag, str } from '../command.ts';
import { clientNatsUrl } from '../nats-url.ts';
import { streamFor, withClient } from '../client.ts';
import { headerObject, jsonLine, renderMessage } from '../render.ts';
import { parseDuration } from '../../config/durations.ts';

export const tailCommand: CommandSpec = {
  name: 'tail',
  summary: 'Print messages on a subject as they arrive',
  usage: 'crossdock tail SUBJECT [--from-start | --last N | --since DURATION] [--count N] [--json]',
  details:
    'When a stream captures SUBJECT, reads it with an ordered consumer (new messages unless told\n' +
    'otherwise), which leaves no durable state on the server; otherwise subscribes with core NATS.',
  options: {
    nats: commonOptions.nats,
    data: commonOptions.data,
    'from-start': { type: 'boolean', description: 'Every stored message first' },
    last: { type: 'string', value: 'N', description: 'Start N messages before the end of the stream' },
    since: { type: 'string', value: 'DURATION', description: 'Stored messages younger than this first (e.g. 15m)' },
    count: { type: 'string', value: 'N', description: 'Exit after N messages' },
    json: { type: 'boolean', description: 'One JSON object per line' },
  },
  positionals: { min: 1, max: 1 },
  async run(args) {
    const subject = args.positionals[0] as string;
    const count = str(args, 'count') === undefined ? Infinity : positiveInt(str(args, 'count') as string, '--count');
    const print = flag(args, 'json') ? jsonLine : renderMessage;
    const url = clientNatsUrl(str(args, 'nats'), str(args, 'data') as string);
    return withClient(url, async ({ nc, js, jsm }) => {
      let seen = 0;
      const stream = await streamFor(jsm, subject);
      const stopOnSignal = (stop: () => void): void => {
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      };
      if (!stream) {
        process.stderr.write(`(no stream captures ${subject}; subscribing with core NATS)\n`);
        const sub = nc.subscribe(subject);
        stopOnSignal(() => sub.unsubscribe());
        for await (const m of sub) {
          process.stdout.write(print({ subject: m.subject, headers: headerObject(m.headers), data: m.data }));
          if (++seen >= count) break;
        }
        return 0;
      }
      const opts: Partial<OrderedConsumerOptions> = { filter_subjects: subject, ...(await startOptions(args, jsm, stream, subject)) };
      const consumer = await js.consumers.get(stream, opts);
      const messages = await consumer.consume();
      stopOnSignal(() => messages.stop());
      for await (const m of messages) {
        process.stdout.write(print({ subject: m.subject, seq: m.seq, time: new Date(Math.floor(m.info.timestampNanos / 1e6)), headers: headerObject(m.headers), data: m.data }));
        if (++seen >= count) break;
      }
      return 0;
    });
  },
};

async function startOptions(
  args: Parameters<CommandSpec['run']>[0],
  jsm: import('@nats-io/jetstream').JetStreamManager,
  stream: string,
  _subject: string,
): Promise<Partial<OrderedConsumerOptions>> {
  const chosen = ['from-start', 'last', 'since'].filter((k) => args.values[k] !== undefined && args.values[k] !== false);
  if (chosen.length > 1) throw new UsageError(`choose one of --from-start, --last, --since (got ${chosen.map((c) => '--' + c).join(', ')})`);
  if (flag(args, 'from-start')) return { deliver_policy: DeliverPolicy.All };
  const since = str(args, 'since');
  if (since !== undefined) {
    let ms: number;
    try {
      ms = parseDuration(since);
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    return { deliver_policy: DeliverPolicy.StartTime, opt_start_time: new Date(Date.now() - ms).toISOString() };
  }
  const last = str(args, 'last');
  if (last !== undefined) {
    const n = positiveInt(last, '--last');
    const info = await jsm.streams.info(stream);
    // The last N messages of the stream; those on other subjects are filtered out, so fewer may print.
    return { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: Math.max(1, info.state.last_seq - n + 1) };
  }
  return { deliver_policy: DeliverPolicy.New };
}

function positiveInt(text: string, name: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${name} takes a whole number above 0, not '${text}'`);
  return n;
}
