/**
 * Makes the server's streams match the declarations: creates what is missing, updates what
 * changed, and explains what JetStream will not change in place.
 */
import { nanos } from '@nats-io/transport-node';
import {
  DiscardPolicy,
  JetStreamApiError,
  RetentionPolicy,
  StorageType,
  type JetStreamManager,
  type StreamConfig,
  type StreamInfo,
} from '@nats-io/jetstream';
import type { StreamDeclaration } from '../compile/streams.ts';

export type StreamChange = { readonly stream: string; readonly action: 'created' | 'updated' | 'unchanged'; readonly fields: readonly string[] };

export class StreamSetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StreamSetupError';
  }
}

export function streamConfig(d: StreamDeclaration): Partial<StreamConfig> & { name: string } {
  return {
    name: d.name,
    ...(d.description === undefined ? {} : { description: d.description }),
    subjects: [...d.subjects],
    storage: d.storage === 'memory' ? StorageType.Memory : StorageType.File,
    retention: d.retention === 'workqueue' ? RetentionPolicy.Workqueue : d.retention === 'interest' ? RetentionPolicy.Interest : RetentionPolicy.Limits,
    max_age: d.maxAgeMs === undefined ? 0 : nanos(d.maxAgeMs),
    max_bytes: d.maxBytes ?? -1,
    max_msgs: d.maxMsgs ?? -1,
    max_msg_size: d.maxMsgSize ?? -1,
    duplicate_window: nanos(d.duplicateWindowMs),
    num_replicas: d.replicas,
    discard: d.discard === 'new' ? DiscardPolicy.New : DiscardPolicy.Old,
    deny_delete: d.denyDelete,
    deny_purge: d.denyPurge,
  };
}

const COMPARED = ['subjects', 'storage', 'retention', 'max_age', 'max_bytes', 'max_msgs', 'max_msg_size', 'duplicate_window', 'num_replicas', 'discard', 'description', 'deny_delete', 'deny_purge'] as const;

function differences(want: Partial<StreamConfig>, have: StreamConfig): string[] {
  const out: string[] = [];
  for (const key of COMPARED) {
    const w = want[key];
    if (w === undefined) continue;
    const h = have[key];
    if (JSON.stringify(w) !== JSON.stringify(h)) out.push(key);
  }
  return out;
}

export async function ensureStreams(jsm: JetStreamManager, declarations: readonly StreamDeclaration[]): Promise<StreamChange[]> {
  const changes: StreamChange[] = [];
  for (const d of declarations) {
    const want = streamConfig(d);
    let info: StreamInfo | undefined;
    try {
      info = await jsm.streams.info(d.name);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    if (!info) {
      try {
        await jsm.streams.add(want);
      } catch (err) {
        throw new StreamSetupError(`cannot create stream ${d.name} (declared in ${d.file}): ${(err as Error).message}`);
      }
      changes.push({ stream: d.name, action: 'created', fields: [] });
      continue;
    }
    const fields = differences(want, info.config);
    if (fields.length === 0) {
      changes.push({ stream: d.name, action: 'unchanged', fields });
      continue;
    }
    try {
      await jsm.streams.update(d.name, want);
    } catch (err) {
      throw new StreamSetupError(
        `stream ${d.name} (declared in ${d.file}) differs from the server in ${fields.join(', ')} and JetStream refused the update: ` +
          `${(err as Error).message}. Storage and retention cannot change in place: create a new stream and move consumers to it.`,
      );
    }
    changes.push({ stream: d.name, action: 'updated', fields });
  }
  return changes;
}

export function isNotFound(err: unknown): boolean {
  if (err instanceof JetStreamApiError) return err.code === 404 || /not found/i.test(err.message);
  return err instanceof Error && /not found/i.test(err.message);
}
