import { readFileSync } from 'node:fs';
import { headers as natsHeaders } from '@nats-io/transport-node';
import type { CommandSpec } from '../command.ts';
import { CommandError, UsageError, commonOptions, flag, list, str } from '../command.ts';
import { clientNatsUrl } from '../nats-url.ts';
import { withClient } from '../client.ts';

export const publishCommand: CommandSpec = {
  name: 'publish',
  summary: 'Publish a message (a file or stdin) to a subject',
  usage: 'crossdock publish SUBJECT [FILE|-] [--header NAME:VALUE…] [--id MSG_ID] [--core]',
  details: 'Publishes through JetStream and waits for its acknowledgement (prints stream and sequence).\nWith no FILE, or "-", the message is read from stdin.',
  options: {
    nats: commonOptions.nats,
    data: commonOptions.data,
    header: { type: 'string', short: 'H', multiple: true, value: 'NAME:VALUE', description: 'A header (repeatable)' },
    id: { type: 'string', value: 'MSG_ID', description: 'Nats-Msg-Id, for deduplication' },
    core: { type: 'boolean', description: 'Plain NATS publish, no JetStream acknowledgement' },
  },
  positionals: { min: 1, max: 2 },
  async run(args) {
    const [subject, file] = args.positionals as [string, string | undefined];
    if (/[\s*>]/.test(subject)) throw new UsageError(`cannot publish to '${subject}': a subject has no spaces or wildcards`);
    const data = readPayload(file);
    const h = natsHeaders();
    for (const entry of list(args, 'header')) {
      const i = entry.indexOf(':');
      if (i <= 0) throw new UsageError(`header '${entry}' is not NAME:VALUE`);
      h.append(entry.slice(0, i).trim(), entry.slice(i + 1).trim());
    }
    const url = clientNatsUrl(str(args, 'nats'), str(args, 'data') as string);
    return withClient(url, async ({ nc, js }) => {
      if (flag(args, 'core')) {
        nc.publish(subject, data, { headers: h });
        await nc.flush();
        process.stdout.write(`published ${data.length} bytes to ${subject}\n`);
        return 0;
      }
      const id = str(args, 'id');
      try {
        const ack = await js.publish(subject, data, { headers: h, ...(id ? { msgID: id } : {}) });
        process.stdout.write(`published ${data.length} bytes to ${subject}: stream ${ack.stream} seq ${ack.seq}${ack.duplicate ? ' (duplicate, dropped by the stream)' : ''}\n`);
        return 0;
      } catch (err) {
        const msg = (err as Error).message;
        if (/no responders|503/i.test(msg)) throw new CommandError(`no stream captures '${subject}' (use --core for a plain NATS publish)`);
        throw new CommandError(`publish failed: ${msg}`);
      }
    });
  },
};

function readPayload(file: string | undefined): Uint8Array {
  if (file === undefined || file === '-') {
    if (file === undefined && process.stdin.isTTY) throw new UsageError('give a FILE, or pipe the message on stdin');
    return readFileSync(0);
  }
  try {
    return readFileSync(file);
  } catch (err) {
    throw new CommandError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
}
