/**
 * Expectations read subjects that something must publish: a `when` nothing produces never
 * opens, an `expect` nothing produces makes every expectation late. Either is a warning,
 * placed on the subject in the expectations file (no pipeline output and no `external:` entry
 * producing it).
 */
import type { Path } from '../../config/yaml-source.ts';
import { producersOf } from '../../graph/flow.ts';
import type { LintRule } from '../rule.ts';

export const expectationsRule: LintRule = {
  name: 'expectations',
  summary: 'the subjects expectations open and close on are published by a pipeline or an external system',
  codes: ['expectation-unproduced'],
  check(ctx) {
    const set = ctx.project.expectations;
    const source = set ? ctx.project.sources.get(set.file) : undefined;
    if (!set || !source) return;
    const doc = source.value as { expectations: Record<string, Record<string, unknown>> };
    for (const e of set.expectations) {
      for (const part of ['when', 'expect'] as const) {
        const list = Array.isArray(doc.expectations[e.name]?.[part]);
        e[part].forEach((rule, i) => {
          const { producers, externals } = producersOf(ctx.flow, rule.subject);
          if (producers.length > 0 || externals.length > 0) return;
          const at: Path = list ? ['expectations', e.name, part, i, 'subject'] : ['expectations', e.name, part, 'subject'];
          const effect = part === 'when' ? 'it would never open' : 'every one would be late';
          ctx.diags.warn(set.file, source.locate(at), 'expectation-unproduced', `expectation '${e.name}': nothing publishes to '${rule.subject}' (no pipeline output and no external: entry producing it), so ${effect}`);
        });
      }
    }
  },
};
