/** Compiles a pipeline written inline in a test, in a throwaway project with its own files. */
import { loadProject } from '../../runtime/compile/project.ts';
import type { CompiledPipeline } from '../../runtime/compile/pipeline.ts';
import { formatDiagnostic } from '../../runtime/config/diagnostics.ts';
import { createExchange, isFailure, processExchange, type Outcome } from '../../runtime/engine/process.ts';
import { tempProject } from './project.ts';

const STREAMS = `streams:
  IN: { subjects: [in.>] }
  OUT: { subjects: [out.>] }
  DLQ: { subjects: [dlq.>] }
`;

export function compileInline(pipelineYaml: string, files: Record<string, string> = {}): CompiledPipeline {
  const project = tempProject({ 'pipelines/streams.yaml': STREAMS, 'pipelines/p.yaml': pipelineYaml, ...files }, { copyMappings: false, copySchemas: false });
  const cwd = process.cwd();
  process.chdir(project.root);
  try {
    const loaded = loadProject('pipelines');
    const errors = loaded.diagnostics.sorted().filter((d) => d.severity === 'error');
    if (errors.length > 0) throw new Error(errors.map(formatDiagnostic).join('\n'));
    return loaded.pipelines[0]!;
  } finally {
    process.chdir(cwd);
  }
}

export async function run(pipeline: CompiledPipeline, body: unknown, headers: Record<string, string> = {}, seq = 1): Promise<Outcome> {
  const data = new TextEncoder().encode(typeof body === 'string' ? body : JSON.stringify(body));
  const ex = createExchange(pipeline, { data, headers, meta: { pipeline: pipeline.name, subject: 'in.x', stream: 'IN', streamSeq: seq, deliveryCount: 1, receivedAt: 0, key: `IN:${seq}` } }, pipeline.input.format);
  if (isFailure(ex)) return { kind: 'fail', failure: ex, exchange: undefined };
  return await processExchange(pipeline, ex);
}

export const HEAD = `pipeline: p
description: test
owner: test
input: { jetstream: { stream: IN, subject: in.x } }
`;
