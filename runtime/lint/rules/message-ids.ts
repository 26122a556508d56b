/**
 * Message ids that unrelated messages would share. An output `id` that gives nothing, an
 * empty string, or only its literal text (`'order:' & orderId` where the body has no
 * `orderId`) is refused at run time — the message is dead-lettered, or an HTTP edge answers
 * 400 — because published, the stream would drop every later such message as a duplicate.
 * Lint shows it earlier, from the fixture inputs, at the `id` that did it.
 */
import { expectsFailure } from '../fixture-runs.ts';
import type { LintRule } from '../rule.ts';

export const messageIdsRule: LintRule = {
  name: 'message-ids',
  summary: 'output ids give a usable message id (not nothing, empty, or only their literal text) for every fixture input',
  codes: ['id-degenerate'],
  check({ project, runs, diags }) {
    for (const run of runs) {
      const o = run.outcome;
      if (o.kind !== 'fail' || !o.degenerateId) continue;
      // A fixture that expects this dead letter is testing the guard, not tripping over it.
      if (expectsFailure(run.test, o.step, o.reason)) continue;
      const file = project.pipelines.find((p) => p.name === run.pipeline)?.file;
      const source = file === undefined ? undefined : project.sources.get(file);
      if (!file || !source) continue;
      const d = o.degenerateId;
      const gave = d.gave === 'nothing' ? 'gives nothing' : d.gave === 'empty' ? 'gives an empty string' : `gives only its literal text ${JSON.stringify(d.literalsOnly ?? '')}`;
      const missing = d.missingHeaders.length === 0 ? '' : ` (missing header${d.missingHeaders.length > 1 ? 's' : ''} ${d.missingHeaders.join(', ')})`;
      diags.warn(
        file,
        source.locate(['outputs', d.output, 'jetstream', 'id']),
        'id-degenerate',
        `output ${d.output}: id ${gave} for fixture '${run.name}'${missing}; such messages would all share one message id, so they are dead-lettered instead of published`,
      );
    }
  },
};
