/**
 * Durable pull consumers for pipeline inputs: created when missing, updated when their
 * settings change, with a plain explanation when JetStream cannot change one in place.
 */
import { nanos } from '@nats-io/transport-node';
import { AckPolicy, DeliverPolicy, type ConsumerConfig, type ConsumerInfo, type JetStreamManager } from '@nats-io/jetstream';
import type { JetStreamInput } from '../components/inputs/jetstream.ts';
import { isNotFound } from './streams.ts';

export class ConsumerSetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConsumerSetupError';
  }
}

export function consumerConfig(input: JetStreamInput, pipeline: string, maxDeliver: number): Partial<ConsumerConfig> {
  const deliver = input.deliver;
  const base: Partial<ConsumerConfig> = {
    durable_name: input.durable,
    description: `crossdock pipeline ${pipeline}`,
    ack_policy: AckPolicy.Explicit,
    filter_subject: input.subject,
    ack_wait: nanos(input.ackWaitMs),
    max_ack_pending: input.maxAckPending,
    // One delivery more than the pipeline allows: if the runner dies while handling the last
    // attempt, the extra delivery lets it dead-letter the message instead of losing it.
    max_deliver: maxDeliver + 1,
  };
  if (deliver === 'all') return { ...base, deliver_policy: DeliverPolicy.All };
  if (deliver === 'new') return { ...base, deliver_policy: DeliverPolicy.New };
  if (deliver === 'last') return { ...base, deliver_policy: DeliverPolicy.Last };
  if (deliver === 'last-per-subject') return { ...base, deliver_policy: DeliverPolicy.LastPerSubject };
  if ('startSequence' in deliver) return { ...base, deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: deliver.startSequence };
  return { ...base, deliver_policy: DeliverPolicy.StartTime, opt_start_time: new Date(deliver.startTime).toISOString() };
}

const UPDATABLE = ['description', 'ack_wait', 'max_ack_pending', 'max_deliver', 'filter_subject'] as const;

export interface ConsumerSetup {
  readonly action: 'created' | 'updated' | 'unchanged';
  readonly fields: readonly string[];
  /** Settings that only apply to a new consumer and were ignored (e.g. deliver policy). */
  readonly ignored: readonly string[];
}

export async function ensureConsumer(jsm: JetStreamManager, input: JetStreamInput, pipeline: string, maxDeliver: number): Promise<ConsumerSetup> {
  const want = consumerConfig(input, pipeline, maxDeliver);
  let info: ConsumerInfo | undefined;
  try {
    info = await jsm.consumers.info(input.stream, input.durable);
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
  if (!info) {
    try {
      await jsm.consumers.add(input.stream, want);
    } catch (err) {
      throw new ConsumerSetupError(`cannot create consumer ${input.durable} on stream ${input.stream} for pipeline ${pipeline}: ${(err as Error).message}`);
    }
    return { action: 'created', fields: [], ignored: [] };
  }
  const have = info.config;
  const ignored: string[] = [];
  if (have.deliver_policy !== want.deliver_policy) ignored.push('deliver');
  const fields = UPDATABLE.filter((k) => JSON.stringify(have[k]) !== JSON.stringify(want[k]));
  if (fields.length === 0) return { action: 'unchanged', fields: [], ignored };
  try {
    await jsm.consumers.update(input.stream, input.durable, Object.fromEntries(fields.map((k) => [k, want[k]])));
  } catch (err) {
    const hint = fields.includes('filter_subject')
      ? ' Changing the subject of an existing durable needs NATS 2.10; on older servers give the pipeline a new durable name (it starts from its deliver policy).'
      : '';
    throw new ConsumerSetupError(`cannot update consumer ${input.durable} on ${input.stream} (${fields.join(', ')}): ${(err as Error).message}.${hint}`);
  }
  return { action: 'updated', fields, ignored };
}
