/**
 * A pipeline with 20,000 header keys lints, and reports a mistake in the last key at its line
 * and column. Looking keys up by scanning the map once per key, and yaml's own duplicate-key
 * check, made this quadratic (26 s at 20,000 keys); the timing is in the lint benchmark.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../runtime/config/diagnostics.ts';
import { lintAt, removeProjects, writeProject } from './helpers.ts';

const KEYS = 20_000;
const STREAMS = 'streams:\n  IN:\n    subjects: [in.>]\n  OUT:\n    subjects: [out.>]\n  DLQ:\n    subjects: [dlq.>]\n';

/** Header `X-H<i>: id` for i < KEYS, then `last` as the final line of the headers step (line KEYS + 9). */
function pipeline(last: string): string {
  const headers = Array.from({ length: KEYS - 1 }, (_, i) => `      X-H${i}: id`).join('\n');
  return `pipeline: p
description: Many headers.
owner: team
input:
  jetstream: { stream: IN, subject: in.x }
outputs:
  o: { jetstream: { subject: "'out.x'", id: "'x:' & id" } }
steps:
  - headers:
${headers}
${last}
`;
}

afterAll(removeProjects);

describe(`a headers step with ${KEYS.toLocaleString('en')} keys`, () => {
  it('lints, and reports a broken expression in the last key at its line and column', async () => {
    const root = writeProject({ 'pipelines/streams.yaml': STREAMS, 'pipelines/p.yaml': pipeline('      X-Last: (id') });
    const report = await lintAt(root);
    expect(report.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic)).toEqual([
      `pipelines/p.yaml:${KEYS + 9}:18: JSONata S0203: Expected ")" before end of expression`,
    ]);
  });

  it('reports a key given twice, at the second one', async () => {
    const root = writeProject({ 'pipelines/streams.yaml': STREAMS, 'pipelines/p.yaml': pipeline('      X-H7: id') });
    const report = await lintAt(root);
    expect(report.diagnostics.map(formatDiagnostic)).toEqual([`pipelines/p.yaml:${KEYS + 9}:7: YAML duplicate key: Map keys must be unique`]);
  });
});
