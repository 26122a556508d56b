/**
 * `files` input: a folder a partner's SFTP server (or an older system) writes into. Only
 * complete files are taken (unchanged for `stableFor`); each is claimed by an atomic rename,
 * published, then moved to `processed/` — or, when the pipeline rejects it, dead-lettered and
 * moved to `failed/` with the reason beside it.
 */
import type { CompiledInput, InputSpec } from '../types.ts';
import { durationSchema, parseDuration } from '../../config/durations.ts';
import { parseSize } from './http.ts';
import type { JsonSchema } from '../../config/json-schema.ts';
import type { ConfigOf } from '../config-type.ts';

export interface FilesInput {
  readonly dir: string;
  readonly pattern: RegExp;
  readonly patternText: string;
  readonly stableForMs: number;
  readonly pollMs: number;
  readonly maxSizeBytes: number;
  readonly format: 'json' | 'text';
  readonly reclaimAfterMs: number;
}

/** The compiled input of a pipeline that reads a drop folder. */
export type CompiledFilesInput = CompiledInput<'files', FilesInput>;

/** `*.edi`, `PO_*.x12` → a regular expression over file names. */
export function globToRegExp(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]');
  return new RegExp(`^${body}$`);
}

const configSchema = {
  type: 'object',
  properties: {
    dir: { type: 'string', minLength: 1, description: 'The drop folder (created if missing); usually `${EDI_INBOX}`.', examples: ['${EDI_INBOX:-.crossdock/edi/inbox}'] },
    pattern: { type: 'string', default: '*', description: 'File name glob (`*` and `?`).', examples: ['*.edi'] },
    stableFor: { ...durationSchema, default: '2s', description: 'How long a file must stay unchanged to count as complete.', examples: ['2s'] },
    pollEvery: { ...durationSchema, default: '1s', description: 'How often the folder is listed.', examples: ['1s', '30s'] },
    maxSize: { type: 'string', pattern: '^\\d+(\\.\\d+)?\\s*(b|kb|kib|mb|mib)$', default: '20mb', description: 'Larger files go to failed/ unread.', examples: ['20mb'] },
    format: { type: 'string', enum: ['json', 'text'], default: 'text', description: '`text` gives the content as a string (X12, CSV); `json` parses it (a file that is not JSON is dead-lettered and moved to failed/).', examples: ['text'] },
    reclaimAfter: { ...durationSchema, default: '5m', description: 'A claimed file left this long (its runner died) is taken again.', examples: ['5m'] },
  },
  required: ['dir'],
  additionalProperties: false,
} as const satisfies JsonSchema;

type FilesInputConfig = ConfigOf<typeof configSchema>;

export const filesInput: InputSpec<FilesInputConfig, CompiledFilesInput> = {
  kind: 'files',
  footprint: (config) => ({ systems: [{ kind: 'files-in', label: `${config.dir}/${config.pattern ?? '*'}` }] }),
  summary: 'Pick up complete files from a drop folder.',
  description:
    'Polls `dir` for files matching `pattern`. A file is taken once its size and modification time have not changed for ' +
    '`stableFor`; it is claimed by renaming it into `.claimed/` (so several runners never take the same file), published, ' +
    'and moved to `processed/`. A file that fails is dead-lettered and moved to `failed/` with a `.reason.json` (pipeline, step, reason, attempts, time, ' +
    'dead-letter id): at once when the failure is permanent, after `errors.maxDeliver` attempts when not. A file or output too large for one NATS ' +
    'message goes by claim check (Object Store bucket `crossdock-payloads`). ' +
    'The message key is the SHA-256 of the content, so a file re-read after a crash, or re-sent under another name, is deduplicated downstream.',
  configSchema,
  examples: [{ dir: '${EDI_INBOX:-.crossdock/inbox}', pattern: '*.edi' }],
  compile(config) {
    const input: FilesInput = {
      dir: config.dir,
      pattern: globToRegExp(config.pattern ?? '*'),
      patternText: config.pattern ?? '*',
      stableForMs: parseDuration(config.stableFor ?? '2s'),
      pollMs: parseDuration(config.pollEvery ?? '1s'),
      maxSizeBytes: parseSize(config.maxSize ?? '20mb'),
      format: config.format ?? 'text',
      reclaimAfterMs: parseDuration(config.reclaimAfter ?? '5m'),
    };
    return { kind: 'files', config: input, format: input.format, origin: { stream: 'files', subject: `file:${config.dir}` } };
  },
};
